#include "platform/core/histogram.h"

#include <stdexcept>

namespace spatialvp {

Histogram::Histogram(double bin_width, std::size_t bins)
    : bin_width_(bin_width), bins_per_unit_(1.0 / bin_width), counts_(bins + 1, 0) {
  if (!(bin_width > 0.0) || bins == 0)
    throw std::invalid_argument("histogram needs bins > 0");
}

}  // namespace spatialvp
