#pragma once
// Baseline predictor of the paper's Fig. 17 reference ("4-bit + vanilla sort + FA-2"):
// Q and K quantised to symmetric int4 (codes -7..7) and multiplied exactly.
#include <cstdint>

#include "workloads/star/matrix.h"

namespace spatialvp::star {

struct Int4Prediction {
  MatrixD logits;                // dequantised, scaled by `logit_scale`
  std::uint64_t multiplies = 0;  // 4x4-bit multiplies (all terms, no zero skipping)
};

// logits[i,j] = (sum_c q4[i,c] k4[j,c]) / (sq sk) * logit_scale.
Int4Prediction predictInt4(const MatrixD& queries, const MatrixD& keys, double logit_scale);

}  // namespace spatialvp::star
