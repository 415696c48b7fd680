// The Verilated DLZS shift-add lane (models/rtl/dlzs_lane.v) against the reference library
// (workloads/star/dlzs.h): scores equal bit for bit over random and extreme int16 inputs, and
// the lane takes one cycle per beat plus a fixed pipeline drain.
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "Vdlzs_lane.h"
#include "models/rtl/dlzs_lane_io.h"
#include "verilated.h"
#include "workloads/star/dlzs.h"

namespace {

constexpr std::size_t kWidth = spatialvp::rtl::kDlzsLaneWidth;

struct Lane {
  std::unique_ptr<VerilatedContext> context = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vdlzs_lane> rtl = std::make_unique<Vdlzs_lane>(context.get(), "lane");
  std::uint64_t cycles = 0;

  Lane() {
    rtl->rst = 1;
    tick();
    tick();
    rtl->rst = 0;
    cycles = 0;
  }
  void tick() {
    rtl->clk = 1;
    rtl->eval();
    rtl->clk = 0;
    rtl->eval();
    ++cycles;
  }
};

// Streams the dot products of `q_rows` x `k_rows` (each d wide) back to back; returns the
// scores in order and the cycles from the first beat to the last score.
std::vector<std::int64_t> runLane(Lane& lane, const std::vector<std::vector<std::int16_t>>& q,
                                  const std::vector<std::vector<std::int16_t>>& k) {
  std::vector<std::int64_t> scores;
  auto collect = [&] {
    if (lane.rtl->out_valid)
      scores.push_back(static_cast<std::int64_t>(lane.rtl->out_score));
  };
  const std::size_t d = q.front().size();
  const std::size_t beats = (d + kWidth - 1) / kWidth;
  for (std::size_t pair = 0; pair < q.size(); ++pair) {
    for (std::size_t beat = 0; beat < beats; ++beat) {
      spatialvp::rtl::loadDlzsBeat(*lane.rtl, q[pair].data(), k[pair].data(), d, beat);
      lane.rtl->in_valid = 1;
      lane.rtl->in_last = beat + 1 == beats;
      lane.tick();
      collect();
    }
  }
  lane.rtl->in_valid = 0;
  lane.rtl->in_last = 0;
  for (int drain = 0; drain < 8 && scores.size() < q.size(); ++drain) {
    lane.tick();
    collect();
  }
  return scores;
}

std::int64_t referenceScore(const std::vector<std::int16_t>& q,
                            const std::vector<std::int16_t>& k) {
  std::int64_t sum = 0;
  for (std::size_t c = 0; c < q.size(); ++c)
    sum += spatialvp::star::dlzsProduct16(k[c], q[c]);  // k keeps its mantissa, q is snapped
  return sum;
}

}  // namespace

TEST_CASE("DLZS RTL lane equals the reference bit for bit over random inputs", "[rtl]") {
  std::mt19937_64 random(20240611);
  // Mostly uniform int16, with zeros and the extremes mixed in (the zero eliminator and
  // |-32768| = 2^15 are the corner cases of the leading-zero encoding).
  auto value = [&]() -> std::int16_t {
    switch (random() % 8) {
      case 0:
        return 0;
      case 1:
        return -32768;
      case 2:
        return 32767;
      case 3:
        return static_cast<std::int16_t>(static_cast<int>(random() % 9) - 4);
      default:
        return static_cast<std::int16_t>(static_cast<std::uint16_t>(random()));
    }
  };
  for (const std::size_t d : {64u, 50u, 128u, 7u}) {
    Lane lane;
    const std::size_t pairs = 300;
    std::vector<std::vector<std::int16_t>> q(pairs, std::vector<std::int16_t>(d));
    std::vector<std::vector<std::int16_t>> k(pairs, std::vector<std::int16_t>(d));
    for (std::size_t p = 0; p < pairs; ++p) {
      for (std::size_t c = 0; c < d; ++c) {
        q[p][c] = value();
        k[p][c] = value();
      }
    }
    const auto scores = runLane(lane, q, k);
    REQUIRE(scores.size() == pairs);
    std::size_t mismatches = 0;
    for (std::size_t p = 0; p < pairs; ++p)
      mismatches += scores[p] != referenceScore(q[p], k[p]);
    CHECK(mismatches == 0);
    // Also the library's matrix form (what the C++ DLZS unit calls) for the first query.
    spatialvp::star::Matrix<std::int16_t> qm(1, d);
    spatialvp::star::Matrix<std::int16_t> km(pairs, d);
    for (std::size_t p = 0; p < pairs; ++p)
      for (std::size_t c = 0; c < d; ++c)
        km(p, c) = k[p][c];
    for (std::size_t c = 0; c < d; ++c)
      qm(0, c) = q[0][c];
    spatialvp::star::DlzsPredictor predictor;
    CHECK(predictor.predictScores(qm, km)(0, 0) == scores[0]);
    // One cycle per beat (ceil(d / 32) beats per score), then 2 cycles of pipeline drain.
    const std::uint64_t beats = (d + kWidth - 1) / kWidth;
    CHECK(lane.cycles == pairs * beats + 2);
  }
}
