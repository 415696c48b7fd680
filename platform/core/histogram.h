#pragma once
// Fixed-width histogram with an overflow bin; cheap enough to update per transaction.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace spatialvp {

class Histogram {
 public:
  Histogram(double bin_width, std::size_t bins);

  // Inline: several histograms are updated per transaction (a call was a tenth of the cost).
  void record(double value) {
    const double position = value * bins_per_unit_;
    const std::size_t overflow = counts_.size() - 1;
    // Compared as a double first: a cast of a position past 2^64 (or of NaN) is undefined.
    const std::size_t bin = !(position > 0.0) ? 0
                            : position >= static_cast<double>(overflow)
                                ? overflow
                                : static_cast<std::size_t>(position);
    ++counts_[bin];
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
    ++samples_;
    sum_ += value;
  }

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
  double min_ = std::numeric_limits<double>::infinity();  // no sample: min() and max() say 0
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace spatialvp
