#pragma once
// Latency summary with power-of-two buckets: cheap enough to record every packet.
#include <array>
#include <cstdint>

#include "platform/core/contention_timeline.h"

namespace spatialvp::interconnect {

class LatencyHistogram {
 public:
  static constexpr std::size_t kBuckets = 64;  // bucket b holds [2^(b-1), 2^b) ps; b=0 holds 0

  void record(Picoseconds latency_ps);

  std::uint64_t count() const { return count_; }
  Picoseconds min() const { return count_ == 0 ? 0 : min_; }
  Picoseconds max() const { return max_; }
  double mean() const;
  // Upper edge of the bucket holding quantile `q` in [0,1] (an over-estimate by < 2x).
  Picoseconds quantileUpperBound(double q) const;
  std::uint64_t bucketCount(std::size_t bucket) const { return buckets_.at(bucket); }

 private:
  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  long double sum_ = 0;
  Picoseconds min_ = 0;
  Picoseconds max_ = 0;
};

}  // namespace spatialvp::interconnect
