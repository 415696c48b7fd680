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
#include <memory>

#include "platform/core/contention_timeline.h"

namespace spatialvp::models {

// Aligned to a cache line, which holds all of its state but the intervals: under random traffic
// over many pseudo-channels, every calendar is cold in the L1 cache when it is used.
class alignas(64) IntervalCalendar {
 public:
  // Beyond `max_intervals` (< 2^30), the oldest interval is folded into a floor before which
  // nothing is granted any more (bounded memory; conservative and deterministic). The intervals
  // live in a buffer allocated once.
  IntervalCalendar(spatialvp::Picoseconds slot, std::size_t max_intervals);

  // Earliest start >= `earliest` at which [start, start + slot) is free. The two cheap answers
  // (before the first fit, after the last booking) are inline: most queries under streaming
  // traffic end there.
  spatialvp::Picoseconds earliestFit(spatialvp::Picoseconds earliest) const {
    if (earliest <= first_fit_)
      return first_fit_;  // nothing fits before it, so a request from the past starts there
    return earliest >= busy_end_ ? earliest : searchInside(earliest);
  }
  // Whether earliestFit(fit + slot) == fit + slot, for a `fit` that earliestFit() returned:
  // the second slot of a two-slot command. When the search that found `fit` is still valid, it
  // knows the next interval, and no second search is needed.
  bool nextSlotFree(spatialvp::Picoseconds fit) const {
    const spatialvp::Picoseconds next = fit + slot_;
    if (fit != hint_start_ || next <= first_fit_ || next >= busy_end_)
      return earliestFit(next) == next;
    // Every interval before hint_next_ ends by `fit`, and that one starts at next or later.
    return next + slot_ <= buffer_[hint_next_].start;
  }
  // Books [start, start + slot), which must be free (as earliestFit found it).
  void book(spatialvp::Picoseconds start);

  spatialvp::Picoseconds slot() const { return slot_; }

  // A gap search looks at most this many busy intervals ahead before going after the last
  // booking. A calendar that keeps at most this many intervals therefore answers earliestFit()
  // exactly: non-decreasing in `earliest`, and flat (earliestFit(t) == f) for every t in
  // [earliest, f = earliestFit(earliest)]. HbmChannelController's fast path relies on it.
  static constexpr std::size_t kMaxFragmentsSearched = 64;
  std::size_t intervalCount() const { return tail_ - head_; }

 private:
  struct Interval {
    spatialvp::Picoseconds start;
    spatialvp::Picoseconds end;
  };
  // Helpers declared inline are defined in the .cpp and used only there.

  // The search behind earliestFit() for any candidate, and for one before the end of the last
  // interval (so at least one is live).
  spatialvp::Picoseconds search(spatialvp::Picoseconds candidate) const;
  spatialvp::Picoseconds searchInside(spatialvp::Picoseconds candidate) const;
  // The gap search of search(), starting at buffer index `at`, the first interval that ends
  // after `candidate`.
  inline spatialvp::Picoseconds searchFrom(std::uint32_t at,
                                           spatialvp::Picoseconds candidate) const;
  // Index of the first live interval whose start lies after `time`; the cursor is tried first.
  std::uint32_t firstStartingAfter(spatialvp::Picoseconds time) const;
  // Whether buffer index `at` is the first live interval whose end (search) or start (book)
  // lies after `time`: the O(1) check of a remembered position.
  inline bool isFirstEndingAfter(std::uint32_t at, spatialvp::Picoseconds time) const;
  inline bool isFirstStartingAfter(std::uint32_t at, spatialvp::Picoseconds time) const;
  // Inserts `interval` before buffer index `at` (returns its index, which moves when the live
  // range is moved to the front), or removes the interval at `at`.
  inline std::uint32_t insertBefore(std::uint32_t at, Interval interval);
  void erase(std::uint32_t at);
  inline void foldOldest();
  std::uint32_t capacity() const { return 2 * max_intervals_ + 2; }
  Interval* data() { return buffer_.get(); }

  static constexpr spatialvp::Picoseconds kNoHint = ~spatialvp::Picoseconds{0};

  spatialvp::Picoseconds first_fit_ = 0;  // earliestFit(0)
  spatialvp::Picoseconds busy_end_ = 0;   // end of the last interval; 0 when there is none
  // Live intervals: buffer_[head_, tail_), sorted, disjoint, non-touching, in a buffer of
  // capacity() entries: a fold only advances head_ (one more than the maximum is live between
  // an insertion and its fold), and the live range moves back to the start of the buffer when
  // it reaches the end.
  std::unique_ptr<Interval[]> buffer_;
  spatialvp::Picoseconds slot_;
  // The last gap found inside the calendar by a search and the buffer index of the interval
  // after it, so that book() of that start skips its own search (valid until the intervals
  // change).
  mutable spatialvp::Picoseconds hint_start_ = kNoHint;
  mutable std::uint32_t hint_next_ = 0;
  // Buffer index where the last search or booking ended (the interval after the gap it found
  // or the booking it made). Searches and bookings come in runs at nearby times (a command's
  // calendars are searched and then booked; a request's bursts follow each other), so it is
  // usually the position the next one needs, which a comparison or two confirm; otherwise a
  // binary search finds it. Any index is a valid guess: it is checked before it is used.
  mutable std::uint32_t cursor_ = 0;
  std::uint32_t head_ = 0;
  std::uint32_t tail_ = 0;
  std::uint32_t max_intervals_;
  // The floor (the end of the last folded interval) needs no member: first_fit_ never lies
  // below it, so a fold compares the folded end with first_fit_ directly.
};

}  // namespace spatialvp::models
