#include "models/memory/interval_calendar.h"

#include <algorithm>

namespace spatialvp::models {

using spatialvp::Picoseconds;

namespace {

constexpr int kBackwardSteps = 8;

// First element in [first, end) whose key exceeds `time`. Queries often land at the busy
// frontier, so a few steps back from the end are tried first; then a binary search whose steps
// are conditional moves rather than branches (the position is unpredictable under random
// traffic).
template <typename Element, typename Key>
const Element* firstAfter(const Element* first, const Element* end, Picoseconds time, Key key) {
  const Element* it = end;
  for (int step = 0; step < kBackwardSteps; ++step) {
    if (it == first || key(it[-1]) <= time)
      return it;
    --it;
  }
  // Answer in [first, it): key(*it) > time is known.
  std::ptrdiff_t count = it - first;
  if (count == 0)
    return first;
  const Element* base = first;
  while (count > 1) {
    const std::ptrdiff_t half = count / 2;
    base = key(base[half]) <= time ? base + half : base;
    count -= half;
  }
  return key(*base) <= time ? base + 1 : base;
}

}  // namespace

static_assert(sizeof(IntervalCalendar) == 64, "a calendar's state is one cache line");

IntervalCalendar::IntervalCalendar(Picoseconds slot, std::size_t max_intervals)
    : slot_(slot),
      max_intervals_(static_cast<std::uint32_t>(std::max<std::size_t>(max_intervals, 2))) {
  buffer_ = std::make_unique<Interval[]>(capacity());
}

Picoseconds IntervalCalendar::search(Picoseconds candidate) const {
  if (head_ == tail_ || candidate >= busy_end_)
    return candidate;
  return searchInside(candidate);
}

Picoseconds IntervalCalendar::searchInside(Picoseconds candidate) const {
  // First interval ending after the candidate; try the gap before each following interval.
  // The busy frontier first (streaming traffic), then the cursor (runs of nearby requests).
  std::uint32_t at = tail_ - 1;
  if (at != head_ && buffer_[at - 1].end > candidate &&
      !isFirstEndingAfter(at = cursor_, candidate)) {
    const Interval* const base = buffer_.get();
    at = static_cast<std::uint32_t>(firstAfter(base + head_, base + tail_, candidate,
                                               [](const Interval& iv) { return iv.end; }) -
                                    base);
  }
  return searchFrom(at, candidate);
}

inline bool IntervalCalendar::isFirstEndingAfter(std::uint32_t at, Picoseconds time) const {
  return at >= head_ && at <= tail_ && (at == head_ || buffer_[at - 1].end <= time) &&
         (at == tail_ || buffer_[at].end > time);
}

inline bool IntervalCalendar::isFirstStartingAfter(std::uint32_t at, Picoseconds time) const {
  return at >= head_ && at <= tail_ && (at == head_ || buffer_[at - 1].start <= time) &&
         (at == tail_ || buffer_[at].start > time);
}

inline Picoseconds IntervalCalendar::searchFrom(std::uint32_t at, Picoseconds candidate) const {
  // Looking at a bounded number of fragments keeps the cost bounded for a request queued far
  // behind the busy frontier; past them it goes after the last booking (conservative).
  const std::uint32_t last_looked_at =
      std::min(tail_, at + static_cast<std::uint32_t>(kMaxFragmentsSearched));
  for (; at != last_looked_at; ++at) {
    const Interval& interval = buffer_[at];
    if (candidate + slot_ <= interval.start) {
      // Every interval before `at` ends by `candidate`, so `at` is where book(candidate) inserts.
      hint_start_ = candidate;
      hint_next_ = at;
      cursor_ = at;
      return candidate;
    }
    candidate = std::max(candidate, interval.end);
  }
  cursor_ = at;
  return at == tail_ ? candidate : busy_end_;  // book() appends
}

std::uint32_t IntervalCalendar::firstStartingAfter(Picoseconds time) const {
  if (isFirstStartingAfter(cursor_, time))
    return cursor_;
  const Interval* const base = buffer_.get();
  return static_cast<std::uint32_t>(
      firstAfter(base + head_, base + tail_, time, [](const Interval& iv) { return iv.start; }) -
      base);
}

void IntervalCalendar::book(Picoseconds start) {
  if (slot_ == 0)
    return;
  const Picoseconds end = start + slot_;
  if (head_ == tail_ || start >= busy_end_) {  // append: the hot path
    if (head_ != tail_ && start == busy_end_) {
      buffer_[tail_ - 1].end = end;
    } else {
      if (tail_ == capacity()) {  // the live range reached the end of the buffer
        std::copy(data() + head_, data() + tail_, data());
        tail_ -= head_;
        head_ = 0;
      }
      buffer_[tail_++] = {start, end};
    }
    busy_end_ = end;
    cursor_ = tail_;
  } else {
    // The usual caller books what earliestFit() just found: its search knows the position.
    const std::uint32_t next = start == hint_start_ ? hint_next_ : firstStartingAfter(start);
    const bool joins_previous = next != head_ && buffer_[next - 1].end == start;
    const bool joins_next = next != tail_ && buffer_[next].start == end;
    // The cursor goes to the interval after the booked one.
    if (joins_previous && joins_next) {
      buffer_[next - 1].end = buffer_[next].end;
      erase(next);
      cursor_ = next;
    } else if (joins_previous) {
      buffer_[next - 1].end = end;
      cursor_ = next;
    } else if (joins_next) {
      buffer_[next].start = start;
      cursor_ = next + 1;
    } else {
      cursor_ = insertBefore(next, {start, end}) + 1;
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

inline std::uint32_t IntervalCalendar::insertBefore(std::uint32_t at, Interval interval) {
  if (tail_ == capacity()) {  // no room behind: move the live range to the front first
    std::copy(data() + head_, data() + tail_, data());
    at -= head_;
    tail_ -= head_;
    head_ = 0;
  }
  std::copy_backward(data() + at, data() + tail_, data() + tail_ + 1);
  ++tail_;
  buffer_[at] = interval;
  return at;
}

void IntervalCalendar::erase(std::uint32_t at) {
  std::copy(data() + at + 1, data() + tail_, data() + at);
  --tail_;
}

inline void IntervalCalendar::foldOldest() {
  // The new floor is max(old floor, folded end), and first_fit_ >= old floor: the first fit
  // moves only when the folded end passes it. Every live interval ends after the new floor, so
  // the search for the first fit starts at the head (the same answer as search(floor) without
  // looking for the starting interval).
  const Picoseconds folded_end = buffer_[head_].end;
  ++head_;
  if (head_ == tail_)
    busy_end_ = 0;
  if (first_fit_ < folded_end)
    first_fit_ = searchFrom(head_, folded_end);
  hint_start_ = kNoHint;
}

}  // namespace spatialvp::models
