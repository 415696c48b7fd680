#include "interconnect/stats/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace spatialvp::interconnect {

namespace {
std::size_t bucketOf(Picoseconds value) {
  std::size_t bucket = 0;
  while (value != 0 && bucket + 1 < LatencyHistogram::kBuckets) {
    value >>= 1;
    ++bucket;
  }
  return bucket;
}
}  // namespace

void LatencyHistogram::record(Picoseconds latency_ps) {
  ++buckets_[bucketOf(latency_ps)];
  min_ = count_ == 0 ? latency_ps : std::min(min_, latency_ps);
  max_ = std::max(max_, latency_ps);
  ++count_;
  sum_ += static_cast<long double>(latency_ps);
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

Picoseconds LatencyHistogram::quantileUpperBound(double q) const {
  if (count_ == 0)
    return 0;
  const double clamped = std::clamp(q, 0.0, 1.0);
  const auto rank = static_cast<std::uint64_t>(std::ceil(clamped * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    seen += buckets_[bucket];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      const Picoseconds upper =
          bucket == 0 ? 0 : (bucket >= 64 ? max_ : (Picoseconds{1} << bucket) - 1);
      return std::min(upper, max_);
    }
  }
  return max_;
}

}  // namespace spatialvp::interconnect
