#include "platform/core/contention_timeline.h"

#include <algorithm>

namespace spatialvp {

Picoseconds transferTime(std::uint64_t bytes, double bytes_per_second) {
  if (bytes == 0)
    return 0;
  // Rounded up without std::ceil, which is a library call on baseline x86-64 (hot path).
  const double exact = static_cast<double>(bytes) * 1e12 / bytes_per_second;
  auto whole = static_cast<Picoseconds>(exact);
  if (static_cast<double>(whole) < exact - 1e-9)
    ++whole;
  return whole == 0 ? 1 : whole;
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
  if (live() == 0 || earliest >= intervals_.back().end) {
    if (live() != 0 && earliest == intervals_.back().end) {
      intervals_.back().end += duration;
    } else {
      intervals_.push_back({earliest, earliest + duration});
    }
    if (live() > max_intervals_)
      dropOldest();
    return earliest;
  }

  // First interval that ends after `earliest`; gaps are searched from there on.
  const auto first = intervals_.begin() + static_cast<std::ptrdiff_t>(head_);
  auto it = std::upper_bound(first, intervals_.end(), earliest,
                             [](Picoseconds t, const Interval& iv) { return t < iv.end; });
  Picoseconds candidate = earliest;
  while (it != intervals_.end()) {
    if (candidate < it->start && candidate + duration <= it->start)
      break;  // fits in the gap
    candidate = std::max(candidate, it->end);
    ++it;
  }
  const Picoseconds end = candidate + duration;
  // Merge with neighbours that touch the new interval.
  bool merged_prev = false;
  if (it != intervals_.begin() + static_cast<std::ptrdiff_t>(head_)) {
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
  if (live() > max_intervals_)
    dropOldest();
  return candidate;
}

void ContentionTimeline::dropOldest() {
  floor_ = std::max(floor_, intervals_[head_].end);
  ++head_;
  compact();
}

void ContentionTimeline::retire(Picoseconds horizon) {
  while (live() != 0 && intervals_[head_].end <= horizon) {
    // No later request starts before `horizon`, so the floor changes no grant; it keeps
    // busyUntil() the end of the last booking once every interval is retired.
    floor_ = std::max(floor_, intervals_[head_].end);
    ++head_;
  }
  compact();
}

void ContentionTimeline::compact() {
  if (head_ >= 64 && head_ * 2 >= intervals_.size()) {
    intervals_.erase(intervals_.begin(), intervals_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

}  // namespace spatialvp
