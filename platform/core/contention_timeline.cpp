#include "platform/core/contention_timeline.h"

#include <algorithm>
#include <cmath>

namespace spatialvp {

Picoseconds transferTime(std::uint64_t bytes, double bytes_per_second) {
  if (bytes == 0)
    return 0;
  const double ps = std::ceil(static_cast<double>(bytes) * 1e12 / bytes_per_second - 1e-9);
  return ps < 1.0 ? 1 : static_cast<Picoseconds>(ps);
}

ContentionTimeline::ContentionTimeline(std::size_t max_intervals)
    : max_intervals_(std::max<std::size_t>(max_intervals, 2)) {}

Picoseconds ContentionTimeline::reserve(Picoseconds earliest, Picoseconds duration) {
  ++reservations_;
  busy_time_ += duration;
  earliest = std::max(earliest, floor_);
  if (duration == 0)
    return earliest;

  // Fast path: in-order arrival appends to (or extends) the last interval.
  if (intervals_.empty() || earliest >= intervals_.back().end) {
    if (!intervals_.empty() && earliest == intervals_.back().end) {
      intervals_.back().end += duration;
    } else {
      intervals_.push_back({earliest, earliest + duration});
    }
  } else {
    // First interval that ends after `earliest`; gaps are searched from there on.
    auto it = std::upper_bound(intervals_.begin(), intervals_.end(), earliest,
                               [](Picoseconds t, const Interval& iv) { return t < iv.end; });
    Picoseconds candidate = earliest;
    while (it != intervals_.end()) {
      if (candidate < it->start && candidate + duration <= it->start)
        break;  // fits in gap
      candidate = std::max(candidate, it->end);
      ++it;
    }
    const Picoseconds end = candidate + duration;
    // Merge with neighbours that touch the new interval.
    bool merged_prev = false;
    if (it != intervals_.begin()) {
      auto prev = std::prev(it);
      if (prev->end == candidate) {
        prev->end = end;
        merged_prev = true;
        if (it != intervals_.end() && it->start == end) {
          prev->end = it->end;
          intervals_.erase(it);
        }
      }
    }
    if (!merged_prev) {
      if (it != intervals_.end() && it->start == end) {
        it->start = candidate;
      } else {
        intervals_.insert(it, {candidate, end});
      }
    }
    if (intervals_.size() > max_intervals_) {
      floor_ = std::max(floor_, intervals_.front().end);
      intervals_.pop_front();
    }
    return candidate;
  }
  if (intervals_.size() > max_intervals_) {
    floor_ = std::max(floor_, intervals_.front().end);
    intervals_.pop_front();
  }
  return earliest;
}

void ContentionTimeline::retire(Picoseconds horizon) {
  while (!intervals_.empty() && intervals_.front().end <= horizon)
    intervals_.pop_front();
}

}  // namespace spatialvp
