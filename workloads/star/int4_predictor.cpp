#include "workloads/star/int4_predictor.h"

#include <stdexcept>

#include "workloads/star/quantization.h"

namespace spatialvp::star {

Int4Prediction predictInt4(const MatrixD& queries, const MatrixD& keys, double logit_scale) {
  if (queries.cols() != keys.cols()) {
    throw std::invalid_argument("predictInt4: query and key widths differ");
  }
  const auto q4 = quantizeInt4(queries);
  const auto k4 = quantizeInt4(keys);
  const double dequant = logit_scale / (q4.scale * k4.scale);
  Int4Prediction result;
  result.logits = MatrixD(queries.rows(), keys.rows());
  const std::size_t dims = queries.cols();
  for (std::size_t i = 0; i < queries.rows(); ++i) {
    const std::int8_t* q = q4.values.row(i);
    for (std::size_t j = 0; j < keys.rows(); ++j) {
      const std::int8_t* k = k4.values.row(j);
      std::int32_t acc = 0;
      for (std::size_t c = 0; c < dims; ++c) {
        acc += std::int32_t{q[c]} * std::int32_t{k[c]};
      }
      result.logits(i, j) = static_cast<double>(acc) * dequant;
    }
  }
  result.multiplies = static_cast<std::uint64_t>(queries.rows()) * keys.rows() * dims;
  return result;
}

}  // namespace spatialvp::star
