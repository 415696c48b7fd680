#include "workloads/star/quantization.h"

#include <algorithm>
#include <cmath>

namespace spatialvp::star {
namespace {

template <typename T>
QuantizedMatrix<T> quantize(const MatrixD& m, std::int32_t max_code) {
  QuantizedMatrix<T> q;
  q.scale = symmetricScale(m, max_code);
  q.values = Matrix<T>(m.rows(), m.cols());
  for (std::size_t i = 0; i < m.values().size(); ++i) {
    q.values.values()[i] = static_cast<T>(quantizeValue(m.values()[i], q.scale, max_code));
  }
  return q;
}

}  // namespace

std::int32_t quantizeValue(double value, double scale, std::int32_t max_code) {
  const double scaled = std::round(value * scale);  // std::round: ties away from zero
  const double limit = static_cast<double>(max_code);
  return static_cast<std::int32_t>(std::min(limit, std::max(-limit, scaled)));
}

double symmetricScale(const MatrixD& m, std::int32_t max_code) {
  double max_abs = 0.0;
  for (double v : m.values()) {
    max_abs = std::max(max_abs, std::fabs(v));
  }
  return max_abs > 0.0 ? static_cast<double>(max_code) / max_abs : 1.0;
}

QuantizedMatrix<std::int8_t> quantizeInt8(const MatrixD& m) {
  return quantize<std::int8_t>(m, 127);
}
QuantizedMatrix<std::int16_t> quantizeInt16(const MatrixD& m) {
  return quantize<std::int16_t>(m, 32767);
}
QuantizedMatrix<std::int8_t> quantizeInt4(const MatrixD& m) {
  return quantize<std::int8_t>(m, 7);
}

}  // namespace spatialvp::star
