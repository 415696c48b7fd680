#pragma once
// Float64 reference attention: dense softmax(Q K^T * scale) V and the same masked to a
// per-row key set (sources S2.5.5: SU-FA over a selected set equals masked dense attention).
#include <cstdint>
#include <vector>

#include "workloads/star/matrix.h"

namespace spatialvp::star {

MatrixD exactLogits(const MatrixD& queries, const MatrixD& keys, double scale);
MatrixD denseAttention(const MatrixD& queries, const MatrixD& keys, const MatrixD& values,
                       double scale);
MatrixD maskedAttention(const MatrixD& queries, const MatrixD& keys, const MatrixD& values,
                        double scale, const std::vector<std::vector<std::uint32_t>>& keys_per_row);
// ||a - b||_F / ||b||_F (0 when both are zero).
double relativeError(const MatrixD& a, const MatrixD& b);

}  // namespace spatialvp::star
