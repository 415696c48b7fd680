#include <catch2/catch.hpp>
#include <cstdlib>

#include "workloads/star/dlzs.h"
#include "workloads/star/random.h"

using namespace spatialvp::star;

TEST_CASE("star: DLZS worked example 24 x 6 gives 96, vanilla LZ gives 64", "[star][dlzs]") {
  const LzWeightCode six = encodeLzWeight(6);
  CHECK_FALSE(six.is_zero);
  CHECK(six.exponent == 2);
  CHECK(six.packed() == 0x2);  // stored code "0010"
  CHECK(dlzsProduct(24, six) == 96);
  CHECK(vanillaLzProduct(24, 6) == 64);
  CHECK(144 - dlzsProduct(24, six) == 48);     // DLZS error
  CHECK(144 - vanillaLzProduct(24, 6) == 80);  // vanilla error
  CHECK(dlzsProduct(-24, six) == -96);
  CHECK(dlzsProduct(24, encodeLzWeight(-6)) == -96);
  CHECK(vanillaLzProduct(-24, -6) == 64);
}

TEST_CASE("star: DLZS weight codes: floor snap, -128 maps to 7, zero is flagged", "[star][dlzs]") {
  CHECK(encodeLzWeight(0).is_zero);
  CHECK(encodeLzWeight(1).exponent == 0);
  CHECK(encodeLzWeight(127).exponent == 6);
  const LzWeightCode min_code = encodeLzWeight(-128);
  CHECK(min_code.exponent == 7);
  CHECK(min_code.negative);
  CHECK(min_code.packed() == 0xF);
  CHECK(leadingZeros16(0) == 16);
  CHECK(leadingZeros16(1) == 15);
  CHECK(leadingZeros16(0x8000) == 0);
  for (int w = -128; w <= 127; ++w) {
    if (w == 0) {
      continue;
    }
    const LzWeightCode code = encodeLzWeight(static_cast<std::int8_t>(w));
    const int magnitude = std::abs(w);
    CHECK((1 << code.exponent) <= magnitude);
    CHECK(magnitude < (2 << code.exponent));
  }
}

TEST_CASE("star: PSP pre-flip gives the same products as post-negation", "[star][dlzs]") {
  DeterministicRng rng(7);
  for (int t = 0; t < 2000; ++t) {
    const auto full = static_cast<std::int32_t>(rng.uniformIndex(65536)) - 32768;
    const auto w = static_cast<std::int8_t>(static_cast<int>(rng.uniformIndex(256)) - 128);
    const auto q = static_cast<std::int16_t>(static_cast<int>(rng.uniformIndex(65536)) - 32768);
    CHECK(dlzsProduct(full, encodeLzWeight(w), PspMode::PreFlip) ==
          dlzsProduct(full, encodeLzWeight(w), PspMode::PostNegate));
    CHECK(dlzsProduct16(full, q, PspMode::PreFlip) == dlzsProduct16(full, q, PspMode::PostNegate));
  }
}

TEST_CASE("star: DLZS predictor matrices equal sums of bit-level products", "[star][dlzs]") {
  DeterministicRng rng(11);
  Matrix<std::int8_t> tokens(9, 20);
  Matrix<std::int8_t> weights(20, 6);
  for (auto& x : tokens.values()) {
    x = static_cast<std::int8_t>(static_cast<int>(rng.uniformIndex(256)) - 128);
  }
  for (auto& w : weights.values()) {
    // A third of the weights are zero to exercise the zero eliminator.
    w = rng.uniformIndex(3) == 0
            ? 0
            : static_cast<std::int8_t>(static_cast<int>(rng.uniformIndex(256)) - 128);
  }
  const auto codes = encodeLzWeights(weights);
  for (PspMode psp : {PspMode::PostNegate, PspMode::PreFlip}) {
    DlzsPredictor predictor(psp);
    int shift = -1;
    const auto khat = predictor.predictKeys(tokens, codes, 0, &shift);
    REQUIRE(shift == 0);
    for (std::size_t j = 0; j < tokens.rows(); ++j) {
      for (std::size_t c = 0; c < weights.cols(); ++c) {
        std::int64_t expected = 0;
        for (std::size_t h = 0; h < tokens.cols(); ++h) {
          expected += dlzsProduct(tokens(j, h), codes(h, c), psp);
        }
        expected = std::max<std::int64_t>(-32768, std::min<std::int64_t>(32767, expected));
        CHECK(khat(j, c) == expected);
      }
    }
    Matrix<std::int16_t> queries(4, 6);
    for (auto& q : queries.values()) {
      q = rng.uniformIndex(4) == 0
              ? 0
              : static_cast<std::int16_t>(static_cast<int>(rng.uniformIndex(65536)) - 32768);
    }
    const auto scores = predictor.predictScores(queries, khat);
    for (std::size_t i = 0; i < queries.rows(); ++i) {
      for (std::size_t j = 0; j < khat.rows(); ++j) {
        std::int64_t expected = 0;
        for (std::size_t c = 0; c < 6; ++c) {
          expected += dlzsProduct16(khat(j, c), queries(i, c), psp);
        }
        CHECK(scores(i, j) == expected);
      }
    }
    CHECK(predictor.stats().lzc_ops == queries.rows() * queries.cols());
    CHECK(predictor.stats().skipped_zero_terms > 0);
  }
}

TEST_CASE("star: K-hat truncation: automatic shift avoids saturation, shift 0 saturates",
          "[star][dlzs]") {
  Matrix<std::int8_t> tokens(2, 64, 127);
  tokens(1, 0) = -128;
  Matrix<std::int8_t> weights(64, 2, 127);
  const auto codes = encodeLzWeights(weights);
  DlzsPredictor automatic;
  int shift = -1;
  const auto khat = automatic.predictKeys(tokens, codes, -1, &shift);
  CHECK(shift > 0);
  CHECK(automatic.stats().khat_saturations == 0);
  CHECK(khat(0, 0) == (64 * (127 << 6)) >> shift);
  DlzsPredictor forced;
  forced.predictKeys(tokens, codes, 0, &shift);
  CHECK(shift == 0);
  CHECK(forced.stats().khat_saturations == 4);
}
