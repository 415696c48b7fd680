#pragma once
// Per-tensor symmetric quantisation of float tensors to the integer formats of sources S2.3.3
// (int8 tokens/weights, int16 Q and K-hat, int4 for the baseline predictor).
// [INF] The paper does not say how tensors are scaled; per-tensor max-abs scaling is the
// documented default (a zero tensor gets scale 1).
#include <cstdint>

#include "workloads/star/matrix.h"

namespace spatialvp::star {

template <typename T>
struct QuantizedMatrix {
  Matrix<T> values;
  double scale = 1.0;  // real value = integer / scale
};

// Rounds value*scale to nearest (ties away from zero) and saturates to [-max_code, max_code].
std::int32_t quantizeValue(double value, double scale, std::int32_t max_code);

// scale = max_code / max|m|.
double symmetricScale(const MatrixD& m, std::int32_t max_code);

QuantizedMatrix<std::int8_t> quantizeInt8(const MatrixD& m);    // codes in [-127, 127]
QuantizedMatrix<std::int16_t> quantizeInt16(const MatrixD& m);  // codes in [-32767, 32767]
QuantizedMatrix<std::int8_t> quantizeInt4(const MatrixD& m);    // codes in [-7, 7]

}  // namespace spatialvp::star
