#pragma once
// DLZS, the differential leading-zero scheme (sources S2.3): a multiplier-free predictor in which
// one operand of every product is snapped to a power of two (floor, sources S2.3.2) and the other
// keeps its full mantissa and is shifted. Bit-level reference model of sources S2.3.4:
//   phase 1.1  K-hat[j,c] = sum_h (s(x_jh) xor s_w(h,c)) * (|x_jh| << e(h,c))   int8 tokens,
//              4-bit weight codes {sign, e[2:0]}, e = floor(log2|w|), zero weights dropped;
//              accumulated wide, then arithmetic right shift by `khat_shift` and saturated to
//              int16 ([UNKNOWN] truncation rule; default: smallest shift that avoids saturation).
//   phase 1.2  A-hat[i,j] = sum_c (s(q_ic) xor s(Khat_jc)) * (|Khat_jc| << e(q_ic)),
//              e(q) = 15 - LZ16(|q|), q = 0 skipped; accumulated in 64 bits.
// The symmetric ("vanilla", SLZS) scheme snaps both operands; it is provided for comparison.
#include <cstddef>
#include <cstdint>

#include "workloads/star/matrix.h"

namespace spatialvp::star {

// 4-bit leading-zero weight code; zero weights carry a separate flag (zero eliminator).
struct LzWeightCode {
  bool is_zero = true;
  bool negative = false;
  std::uint8_t exponent = 0;  // floor(log2 |w|), 0..7; w = -128 maps to 7 (sources S2.3.4)

  std::uint8_t packed() const {
    return static_cast<std::uint8_t>((negative ? 0x8 : 0x0) | (exponent & 0x7));
  }
};

// Where the sign is applied (sources S2.3.6). Functionally identical; they differ only in which
// operand is negated, which matters for activity/power models.
enum class PspMode {
  PostNegate,  // negate the wide shifted product after the sign is known
  PreFlip      // PSP: negate the narrow (unshifted) operand before the shift
};

int floorLog2(std::uint32_t value);          // value > 0
int leadingZeros16(std::uint16_t value);     // 16 for 0
LzWeightCode encodeLzWeight(std::int8_t w);  // 4-bit code of one int8 weight
Matrix<LzWeightCode> encodeLzWeights(const Matrix<std::int8_t>& w);

// One DLZS product: `full` keeps its mantissa, `code` is the snapped operand.
std::int64_t dlzsProduct(std::int32_t full, LzWeightCode code, PspMode psp = PspMode::PostNegate);
// One DLZS product with a 16-bit snapped operand (phase 1.2: e = 15 - LZ16(|q|)).
std::int64_t dlzsProduct16(std::int32_t full, std::int16_t snapped,
                           PspMode psp = PspMode::PostNegate);
// Symmetric/vanilla LZ product: both operands snapped (24 x 6 -> 16 x 4 = 64).
std::int64_t vanillaLzProduct(std::int32_t a, std::int32_t b);

struct DlzsStats {
  std::uint64_t key_shift_adds = 0;    // phase 1.1 nonzero terms
  std::uint64_t score_shift_adds = 0;  // phase 1.2 nonzero terms
  std::uint64_t skipped_zero_terms = 0;
  std::uint64_t lzc_ops = 0;           // 16-bit leading-zero counts on Q
  std::uint64_t negations = 0;         // operand negations (narrow if PreFlip, wide if PostNegate)
  std::uint64_t khat_saturations = 0;  // K-hat values clipped to int16
};

class DlzsPredictor {
 public:
  explicit DlzsPredictor(PspMode psp = PspMode::PostNegate) : psp_(psp) {}

  // Phase 1.1. `khat_shift` < 0 selects the smallest shift that avoids saturation; the shift
  // used is returned through `shift_used` (K-hat real value = int * 2^shift / (sx * sw)).
  Matrix<std::int16_t> predictKeys(const Matrix<std::int8_t>& tokens,
                                   const Matrix<LzWeightCode>& weight_codes, int khat_shift,
                                   int* shift_used);
  // Phase 1.2 for queries x keys.
  Matrix<std::int64_t> predictScores(const Matrix<std::int16_t>& queries,
                                     const Matrix<std::int16_t>& khat);

  const DlzsStats& stats() const { return stats_; }
  PspMode psp() const { return psp_; }

 private:
  PspMode psp_;
  DlzsStats stats_;
};

}  // namespace spatialvp::star
