#pragma once
// Dense row-major matrix used by every STAR module. Header-only because it is a template.
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace spatialvp::star {

template <typename T>
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, T fill = T{})
      : rows_(rows), cols_(cols), data_(rows * cols, fill) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  bool empty() const { return data_.empty(); }

  T& operator()(std::size_t r, std::size_t c) { return data_[r * cols_ + c]; }
  const T& operator()(std::size_t r, std::size_t c) const { return data_[r * cols_ + c]; }
  T* row(std::size_t r) { return data_.data() + r * cols_; }
  const T* row(std::size_t r) const { return data_.data() + r * cols_; }
  std::vector<T>& values() { return data_; }
  const std::vector<T>& values() const { return data_; }

  // Rows [first, first + count) as a new matrix (used to cut query blocks).
  Matrix sliceRows(std::size_t first, std::size_t count) const {
    if (first + count > rows_) {
      throw std::out_of_range("Matrix::sliceRows beyond the last row");
    }
    Matrix out(count, cols_);
    for (std::size_t i = 0; i < count * cols_; ++i) {
      out.data_[i] = data_[first * cols_ + i];
    }
    return out;
  }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<T> data_;
};

using MatrixD = Matrix<double>;

}  // namespace spatialvp::star
