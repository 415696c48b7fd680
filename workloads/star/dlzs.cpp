#include "workloads/star/dlzs.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

namespace spatialvp::star {
namespace {

// Arithmetic shift right that floors for negative values on every compiler.
std::int64_t floorShiftRight(std::int64_t value, int shift) {
  if (shift <= 0) {
    return value;
  }
  const std::int64_t divisor = std::int64_t{1} << shift;
  std::int64_t quotient = value / divisor;
  if (value % divisor != 0 && value < 0) {
    --quotient;
  }
  return quotient;
}

// Multiply by 2^e: a left shift, written so that negative operands are well defined.
std::int64_t shiftLeft(std::int64_t value, int e) {
  return value * (std::int64_t{1} << e);
}

std::int64_t applySign(std::int64_t magnitude, bool negative, int e, PspMode psp) {
  if (psp == PspMode::PreFlip) {
    return shiftLeft(negative ? -magnitude : magnitude, e);
  }
  const std::int64_t shifted = shiftLeft(magnitude, e);
  return negative ? -shifted : shifted;
}

}  // namespace

int floorLog2(std::uint32_t value) {
  if (value == 0) {
    throw std::invalid_argument("floorLog2(0) is undefined");
  }
  int e = 0;
  while (value >>= 1) {
    ++e;
  }
  return e;
}

int leadingZeros16(std::uint16_t value) {
  return value == 0 ? 16 : 15 - floorLog2(value);
}

LzWeightCode encodeLzWeight(std::int8_t w) {
  LzWeightCode code;
  if (w == 0) {
    return code;
  }
  code.is_zero = false;
  code.negative = w < 0;
  const std::uint32_t magnitude = static_cast<std::uint32_t>(w < 0 ? -static_cast<int>(w) : w);
  code.exponent = static_cast<std::uint8_t>(floorLog2(magnitude));  // |-128| = 128 -> 7
  return code;
}

Matrix<LzWeightCode> encodeLzWeights(const Matrix<std::int8_t>& w) {
  Matrix<LzWeightCode> codes(w.rows(), w.cols());
  for (std::size_t i = 0; i < w.values().size(); ++i) {
    codes.values()[i] = encodeLzWeight(w.values()[i]);
  }
  return codes;
}

std::int64_t dlzsProduct(std::int32_t full, LzWeightCode code, PspMode psp) {
  if (code.is_zero || full == 0) {
    return 0;
  }
  const bool negative = (full < 0) != code.negative;  // sign XOR
  const std::int64_t magnitude = full < 0 ? -std::int64_t{full} : std::int64_t{full};
  return applySign(magnitude, negative, code.exponent, psp);
}

std::int64_t dlzsProduct16(std::int32_t full, std::int16_t snapped, PspMode psp) {
  if (snapped == 0 || full == 0) {
    return 0;
  }
  const std::uint32_t snapped_abs =
      static_cast<std::uint32_t>(snapped < 0 ? -static_cast<std::int32_t>(snapped) : snapped);
  const int e = 15 - leadingZeros16(static_cast<std::uint16_t>(snapped_abs));
  const bool negative = (full < 0) != (snapped < 0);
  const std::int64_t magnitude = full < 0 ? -std::int64_t{full} : std::int64_t{full};
  return applySign(magnitude, negative, e, psp);
}

std::int64_t vanillaLzProduct(std::int32_t a, std::int32_t b) {
  if (a == 0 || b == 0) {
    return 0;
  }
  const auto magnitude = [](std::int32_t v) {
    return static_cast<std::uint32_t>(v < 0 ? -static_cast<std::int64_t>(v) : v);
  };
  const int e = floorLog2(magnitude(a)) + floorLog2(magnitude(b));
  const std::int64_t product = std::int64_t{1} << e;
  return ((a < 0) != (b < 0)) ? -product : product;
}

Matrix<std::int16_t> DlzsPredictor::predictKeys(const Matrix<std::int8_t>& tokens,
                                                const Matrix<LzWeightCode>& weight_codes,
                                                int khat_shift, int* shift_used) {
  if (tokens.cols() != weight_codes.rows()) {
    throw std::invalid_argument("DLZS key prediction: token width != weight rows");
  }
  const std::size_t keys = tokens.rows();
  const std::size_t hidden = tokens.cols();
  const std::size_t dims = weight_codes.cols();
  // Signed power of two per weight: multiplying by it is exactly the sign-XOR + shift of
  // dlzsProduct (tests check the equality) and keeps the inner loop branch-free.
  std::vector<std::int64_t> weight_pow(hidden * dims, 0);
  for (std::size_t i = 0; i < weight_pow.size(); ++i) {
    const LzWeightCode code = weight_codes.values()[i];
    if (!code.is_zero) {
      const std::int64_t p = std::int64_t{1} << code.exponent;
      weight_pow[i] = code.negative ? -p : p;
    }
  }
  Matrix<std::int64_t> wide(keys, dims, 0);
  std::int64_t max_abs = 0;
  for (std::size_t j = 0; j < keys; ++j) {
    std::int64_t* acc = wide.row(j);
    const std::int8_t* x = tokens.row(j);
    for (std::size_t h = 0; h < hidden; ++h) {
      const std::int64_t xv = x[h];
      if (xv == 0) {
        stats_.skipped_zero_terms += dims;
        continue;
      }
      const std::int64_t* wp = weight_pow.data() + h * dims;
      for (std::size_t c = 0; c < dims; ++c) {
        acc[c] += xv * wp[c];
        const bool term_nonzero = wp[c] != 0;
        stats_.key_shift_adds += term_nonzero;
        stats_.skipped_zero_terms += !term_nonzero;
        // PreFlip negates the 8-bit token when the weight is negative; PostNegate negates
        // the shifted product when the signs differ.
        stats_.negations +=
            term_nonzero && (psp_ == PspMode::PreFlip ? wp[c] < 0 : (xv < 0) != (wp[c] < 0));
      }
    }
    for (std::size_t c = 0; c < dims; ++c) {
      max_abs = std::max(max_abs, acc[c] < 0 ? -acc[c] : acc[c]);
    }
  }
  int shift = khat_shift;
  if (shift < 0) {
    shift = 0;
    while ((max_abs >> shift) > 32767) {
      ++shift;
    }
  }
  if (shift_used != nullptr) {
    *shift_used = shift;
  }
  Matrix<std::int16_t> khat(keys, dims);
  for (std::size_t i = 0; i < wide.values().size(); ++i) {
    const std::int64_t v = floorShiftRight(wide.values()[i], shift);
    const std::int64_t clipped = std::min<std::int64_t>(32767, std::max<std::int64_t>(-32768, v));
    stats_.khat_saturations += clipped != v;
    khat.values()[i] = static_cast<std::int16_t>(clipped);
  }
  return khat;
}

Matrix<std::int64_t> DlzsPredictor::predictScores(const Matrix<std::int16_t>& queries,
                                                  const Matrix<std::int16_t>& khat) {
  if (queries.cols() != khat.cols()) {
    throw std::invalid_argument("DLZS score prediction: query and key widths differ");
  }
  const std::size_t dims = queries.cols();
  Matrix<std::int64_t> scores(queries.rows(), khat.rows(), 0);
  std::vector<std::size_t> lanes;
  std::vector<int> exponents;
  std::vector<std::uint8_t> negative;
  lanes.reserve(dims);
  for (std::size_t i = 0; i < queries.rows(); ++i) {
    lanes.clear();
    exponents.clear();
    negative.clear();
    const std::int16_t* q = queries.row(i);
    for (std::size_t c = 0; c < dims; ++c) {
      ++stats_.lzc_ops;
      if (q[c] == 0) {
        continue;  // zero eliminator
      }
      const std::uint32_t magnitude =
          static_cast<std::uint32_t>(q[c] < 0 ? -static_cast<std::int32_t>(q[c]) : q[c]);
      lanes.push_back(c);
      exponents.push_back(15 - leadingZeros16(static_cast<std::uint16_t>(magnitude)));
      negative.push_back(q[c] < 0);
    }
    std::int64_t* out = scores.row(i);
    for (std::size_t j = 0; j < khat.rows(); ++j) {
      const std::int16_t* k = khat.row(j);
      std::int64_t acc = 0;
      std::uint64_t negations = 0;
      for (std::size_t t = 0; t < lanes.size(); ++t) {
        const std::int64_t kv = k[lanes[t]];
        // (sign(q) xor sign(k)) * (|k| << e) == (negative(q) ? -k : k) << e.
        acc += (negative[t] ? -kv : kv) * (std::int64_t{1} << exponents[t]);
        negations += psp_ == PspMode::PreFlip ? negative[t] != 0
                                              : (kv != 0 && (negative[t] != 0) != (kv < 0));
      }
      out[j] = acc;
      stats_.negations += negations;
    }
    stats_.score_shift_adds += lanes.size() * khat.rows();
    stats_.skipped_zero_terms += (dims - lanes.size()) * khat.rows();
  }
  return scores;
}

}  // namespace spatialvp::star
