#include "models/memory/interval_calendar.h"

#include <algorithm>
#include <iterator>

namespace spatialvp::models {

using spatialvp::Picoseconds;

namespace {

constexpr std::ptrdiff_t kMaxFragmentsSearched = 64;
constexpr int kBackwardSteps = 8;

// First element in [first, end) whose key exceeds `time`. Queries cluster near the busy
// frontier, so a few steps back from the end usually find it before a binary search would.
template <typename Iterator, typename Key>
Iterator firstAfter(Iterator first, Iterator end, Picoseconds time, Key key) {
  Iterator it = end;
  for (int step = 0; step < kBackwardSteps; ++step) {
    if (it == first || key(*std::prev(it)) <= time)
      return it;
    --it;
  }
  return std::upper_bound(first, it, time,
                          [&](Picoseconds t, const auto& element) { return t < key(element); });
}

}  // namespace

IntervalCalendar::IntervalCalendar(Picoseconds slot, std::size_t max_intervals)
    : slot_(slot), max_intervals_(std::max<std::size_t>(max_intervals, 2)) {}

Picoseconds IntervalCalendar::search(Picoseconds candidate) const {
  if (head_ == intervals_.size() || candidate >= intervals_.back().end)
    return candidate;
  // First interval ending after the candidate; try the gap before each following interval.
  const auto it_first = intervals_.begin() + static_cast<std::ptrdiff_t>(head_);
  auto it =
      firstAfter(it_first, intervals_.end(), candidate, [](const Interval& iv) { return iv.end; });
  // Looking at a bounded number of fragments keeps the cost bounded for a request queued far
  // behind the busy frontier; past them it goes after the last booking (conservative).
  const auto last_looked_at = std::min(intervals_.end(), it + kMaxFragmentsSearched);
  for (; it != last_looked_at; ++it) {
    if (candidate + slot_ <= it->start)
      return candidate;
    candidate = std::max(candidate, it->end);
  }
  return it == intervals_.end() ? candidate : intervals_.back().end;
}

Picoseconds IntervalCalendar::earliestFit(Picoseconds earliest) const {
  // Nothing fits before first_fit_, so a request from the past starts its search there.
  return earliest <= first_fit_ ? first_fit_ : search(earliest);
}

void IntervalCalendar::book(Picoseconds start) {
  if (slot_ == 0)
    return;
  const Picoseconds end = start + slot_;
  if (head_ == intervals_.size() || start >= intervals_.back().end) {  // append: the hot path
    if (head_ != intervals_.size() && start == intervals_.back().end) {
      intervals_.back().end = end;
    } else {
      intervals_.push_back({start, end});
    }
  } else {
    auto next = firstAfter(intervals_.begin() + static_cast<std::ptrdiff_t>(head_),
                           intervals_.end(), start, [](const Interval& iv) { return iv.start; });
    const bool joins_previous = next != intervals_.begin() + static_cast<std::ptrdiff_t>(head_) &&
                                std::prev(next)->end == start;
    const bool joins_next = next != intervals_.end() && next->start == end;
    if (joins_previous && joins_next) {
      std::prev(next)->end = next->end;
      intervals_.erase(next);
    } else if (joins_previous) {
      std::prev(next)->end = end;
    } else if (joins_next) {
      next->start = start;
    } else {
      intervals_.insert(next, {start, end});
    }
  }
  if (intervalCount() > max_intervals_)
    foldOldest();
  // Booking can only use up free time, so the first fit moves forward or stays.
  if (start < first_fit_ + slot_ && end > first_fit_)
    first_fit_ = search(first_fit_);
}

void IntervalCalendar::foldOldest() {
  floor_ = std::max(floor_, intervals_[head_].end);
  ++head_;
  if (head_ >= max_intervals_) {  // compact now and then instead of shifting on every fold
    intervals_.erase(intervals_.begin(), intervals_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  if (first_fit_ < floor_)
    first_fit_ = search(floor_);
}

}  // namespace spatialvp::models
