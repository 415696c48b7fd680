#include "platform/core/histogram.h"

#include <algorithm>
#include <stdexcept>

namespace spatialvp {

Histogram::Histogram(double bin_width, std::size_t bins)
    : bin_width_(bin_width), bins_per_unit_(1.0 / bin_width), counts_(bins + 1, 0) {
  if (!(bin_width > 0.0) || bins == 0)
    throw std::invalid_argument("histogram needs bins > 0");
}

void Histogram::record(double value) {
  const double position = value * bins_per_unit_;
  const std::size_t overflow = counts_.size() - 1;
  const std::size_t bin =
      position < 0.0 ? 0 : std::min(overflow, static_cast<std::size_t>(position));
  ++counts_[bin];
  if (samples_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  ++samples_;
  sum_ += value;
}

}  // namespace spatialvp
