#include "models/memory/interval_calendar.h"

#include <algorithm>
#include <iterator>

namespace spatialvp::models {

using spatialvp::Picoseconds;

namespace {

constexpr int kBackwardSteps = 8;

// First element in [first, end) whose key exceeds `time`. Queries often land at the busy
// frontier, so two steps back from the end are tried first; then a binary search whose steps
// are conditional moves rather than branches (the position is unpredictable under random
// traffic).
template <typename Iterator, typename Key>
Iterator firstAfter(Iterator first, Iterator end, Picoseconds time, Key key) {
  Iterator it = end;
  for (int step = 0; step < kBackwardSteps; ++step) {
    if (it == first || key(*std::prev(it)) <= time)
      return it;
    --it;
  }
  // Answer in [first, it): key(*it) > time is known.
  std::ptrdiff_t count = it - first;
  if (count == 0)
    return first;
  Iterator base = first;
  while (count > 1) {
    const std::ptrdiff_t half = count / 2;
    base = key(base[half]) <= time ? base + half : base;
    count -= half;
  }
  return key(*base) <= time ? base + 1 : base;
}

}  // namespace

IntervalCalendar::IntervalCalendar(Picoseconds slot, std::size_t max_intervals)
    : slot_(slot), max_intervals_(std::max<std::size_t>(max_intervals, 2)) {}

Picoseconds IntervalCalendar::search(Picoseconds candidate) const {
  if (head_ == intervals_.size() || candidate >= intervals_.back().end)
    return candidate;
  // First interval ending after the candidate; try the gap before each following interval.
  const auto it_first = intervals_.begin() + static_cast<std::ptrdiff_t>(head_);
  const auto it =
      firstAfter(it_first, intervals_.end(), candidate, [](const Interval& iv) { return iv.end; });
  return searchFrom(it, candidate);
}

Picoseconds IntervalCalendar::searchFrom(std::vector<Interval>::const_iterator it,
                                         Picoseconds candidate) const {
  // Looking at a bounded number of fragments keeps the cost bounded for a request queued far
  // behind the busy frontier; past them it goes after the last booking (conservative).
  const auto last_looked_at =
      std::min(intervals_.cend(), it + static_cast<std::ptrdiff_t>(kMaxFragmentsSearched));
  for (; it != last_looked_at; ++it) {
    if (candidate + slot_ <= it->start) {
      // Every interval before `it` ends by `candidate`, so `it` is where book(candidate) inserts.
      hint_start_ = candidate;
      hint_next_ = static_cast<std::size_t>(it - intervals_.cbegin());
      return candidate;
    }
    candidate = std::max(candidate, it->end);
  }
  return it == intervals_.end() ? candidate : intervals_.back().end;  // book() appends
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
    // The usual caller books what earliestFit() just found: its search knows the position.
    auto next =
        start == hint_start_
            ? intervals_.begin() + static_cast<std::ptrdiff_t>(hint_next_)
            : firstAfter(intervals_.begin() + static_cast<std::ptrdiff_t>(head_), intervals_.end(),
                         start, [](const Interval& iv) { return iv.start; });
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
  hint_start_ = kNoHint;  // positions change from here on
  if (intervalCount() > max_intervals_)
    foldOldest();
  // Booking can only use up free time, so the first fit moves forward or stays.
  if (start < first_fit_ + slot_ && end > first_fit_)
    first_fit_ = search(first_fit_);
  hint_start_ = kNoHint;
}

void IntervalCalendar::foldOldest() {
  floor_ = std::max(floor_, intervals_[head_].end);
  ++head_;
  if (head_ >= max_intervals_) {  // compact now and then instead of shifting on every fold
    intervals_.erase(intervals_.begin(), intervals_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  // Every live interval ends after the new floor, so the search for the first fit starts at the
  // head (the same answer as search(floor_) without looking for the starting interval).
  if (first_fit_ < floor_)
    first_fit_ = searchFrom(intervals_.cbegin() + static_cast<std::ptrdiff_t>(head_), floor_);
  hint_start_ = kNoHint;
}

}  // namespace spatialvp::models
