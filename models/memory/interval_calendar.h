#pragma once
// Busy-interval calendar of one timing constraint with a fixed slot length: a data bus (a slot
// is one burst) or a minimum spacing between commands (booking [t, t + spacing) for every
// command keeps any two commands `spacing` apart, in both directions of time).
// Unlike spatialvp::ContentionTimeline, which books in the same step as it searches, it can be
// queried without booking: a command that must satisfy several calendars at once (bank-group
// and pseudo-channel activate spacing; bank-group column spacing and the data bus) searches
// them in turn until one start time fits all, then books it in each. It also remembers the
// first free slot, so that a request queued far behind the busy frontier does not rescan the
// fragments in between (amortised O(log n) per query and booking).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "platform/core/contention_timeline.h"

namespace spatialvp::models {

class IntervalCalendar {
 public:
  // Beyond `max_intervals`, the oldest interval is folded into a floor before which nothing is
  // granted any more (bounded memory; conservative and deterministic).
  IntervalCalendar(spatialvp::Picoseconds slot, std::size_t max_intervals);

  // Earliest start >= `earliest` at which [start, start + slot) is free.
  spatialvp::Picoseconds earliestFit(spatialvp::Picoseconds earliest) const;
  // Books [start, start + slot), which must be free (as earliestFit found it).
  void book(spatialvp::Picoseconds start);

  spatialvp::Picoseconds slot() const { return slot_; }

  // A gap search looks at most this many busy intervals ahead before going after the last
  // booking. A calendar that keeps at most this many intervals therefore answers earliestFit()
  // exactly: non-decreasing in `earliest`, and flat (earliestFit(t) == f) for every t in
  // [earliest, f = earliestFit(earliest)]. HbmChannelController's fast path relies on it.
  static constexpr std::size_t kMaxFragmentsSearched = 64;
  std::size_t intervalCount() const { return intervals_.size() - head_; }

 private:
  struct Interval {
    spatialvp::Picoseconds start;
    spatialvp::Picoseconds end;
  };
  spatialvp::Picoseconds search(spatialvp::Picoseconds candidate) const;
  // The gap search of search(), starting at `it`, the first interval that ends after `candidate`.
  spatialvp::Picoseconds searchFrom(std::vector<Interval>::const_iterator it,
                                    spatialvp::Picoseconds candidate) const;
  void foldOldest();

  std::vector<Interval> intervals_;  // sorted, disjoint, non-touching, live from head_
  std::size_t head_ = 0;
  spatialvp::Picoseconds slot_;
  std::size_t max_intervals_;
  spatialvp::Picoseconds floor_ = 0;
  spatialvp::Picoseconds first_fit_ = 0;  // earliestFit(0)
  // The last gap found inside the calendar by a search and the index of the interval after it,
  // so that book() of that start skips its own search (valid until the intervals change).
  static constexpr spatialvp::Picoseconds kNoHint = ~spatialvp::Picoseconds{0};
  mutable spatialvp::Picoseconds hint_start_ = kNoHint;
  mutable std::size_t hint_next_ = 0;
};

}  // namespace spatialvp::models
