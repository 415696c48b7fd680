#pragma once
// Fixed-width histogram with an overflow bin; cheap enough to update per transaction.
#include <cstdint>
#include <vector>

namespace spatialvp {

class Histogram {
 public:
  Histogram(double bin_width, std::size_t bins);

  void record(double value);

  double binWidth() const { return bin_width_; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }  // last = overflow
  std::uint64_t samples() const { return samples_; }
  double sum() const { return sum_; }
  double min() const { return samples_ ? min_ : 0.0; }
  double max() const { return samples_ ? max_ : 0.0; }
  double mean() const { return samples_ ? sum_ / static_cast<double>(samples_) : 0.0; }

 private:
  double bin_width_;
  double bins_per_unit_;  // 1 / bin_width_, so record() multiplies
  std::vector<std::uint64_t> counts_;
  std::uint64_t samples_ = 0;
  double sum_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
};

}  // namespace spatialvp
