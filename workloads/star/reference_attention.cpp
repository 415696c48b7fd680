#include "workloads/star/reference_attention.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace spatialvp::star {
namespace {

void softmaxRow(const MatrixD& logits_source, std::size_t i, const MatrixD& values,
                const std::vector<std::uint32_t>& keys, double* out) {
  const double* logits = logits_source.row(i);
  double m = -INFINITY;
  for (std::uint32_t j : keys) {
    m = std::max(m, logits[j]);
  }
  double l = 0.0;
  const std::size_t d = values.cols();
  std::fill(out, out + d, 0.0);
  for (std::uint32_t j : keys) {
    const double p = std::exp(logits[j] - m);
    l += p;
    const double* v = values.row(j);
    for (std::size_t c = 0; c < d; ++c) {
      out[c] += p * v[c];
    }
  }
  for (std::size_t c = 0; c < d; ++c) {
    out[c] /= l;
  }
}

}  // namespace

MatrixD exactLogits(const MatrixD& queries, const MatrixD& keys, double scale) {
  if (queries.cols() != keys.cols()) {
    throw std::invalid_argument("exactLogits: Q and K widths differ");
  }
  MatrixD logits(queries.rows(), keys.rows());
  const std::size_t d = queries.cols();
  for (std::size_t i = 0; i < queries.rows(); ++i) {
    const double* q = queries.row(i);
    for (std::size_t j = 0; j < keys.rows(); ++j) {
      const double* k = keys.row(j);
      double acc = 0.0;
      for (std::size_t c = 0; c < d; ++c) {
        acc += q[c] * k[c];
      }
      logits(i, j) = acc * scale;
    }
  }
  return logits;
}

MatrixD denseAttention(const MatrixD& queries, const MatrixD& keys, const MatrixD& values,
                       double scale) {
  std::vector<std::uint32_t> all(keys.rows());
  for (std::size_t j = 0; j < all.size(); ++j) {
    all[j] = static_cast<std::uint32_t>(j);
  }
  return maskedAttention(queries, keys, values, scale,
                         std::vector<std::vector<std::uint32_t>>(queries.rows(), all));
}

MatrixD maskedAttention(const MatrixD& queries, const MatrixD& keys, const MatrixD& values,
                        double scale, const std::vector<std::vector<std::uint32_t>>& keys_per_row) {
  if (keys.rows() != values.rows()) {
    throw std::invalid_argument("attention: K and V row counts differ");
  }
  if (keys_per_row.size() != queries.rows()) {
    throw std::invalid_argument("maskedAttention: one key set per query row is needed");
  }
  const MatrixD logits = exactLogits(queries, keys, scale);
  MatrixD out(queries.rows(), values.cols());
  for (std::size_t i = 0; i < queries.rows(); ++i) {
    if (keys_per_row[i].empty()) {
      throw std::invalid_argument("maskedAttention: empty key set");
    }
    softmaxRow(logits, i, values, keys_per_row[i], out.row(i));
  }
  return out;
}

double relativeError(const MatrixD& a, const MatrixD& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) {
    throw std::invalid_argument("relativeError: shapes differ");
  }
  double diff = 0.0;
  double norm = 0.0;
  for (std::size_t i = 0; i < a.values().size(); ++i) {
    const double delta = a.values()[i] - b.values()[i];
    diff += delta * delta;
    norm += b.values()[i] * b.values()[i];
  }
  if (norm == 0.0) {
    return diff == 0.0 ? 0.0 : INFINITY;
  }
  return std::sqrt(diff / norm);
}

}  // namespace spatialvp::star
