#pragma once
// Deterministic reservation calendar for a shared resource (link, bank, channel, port).
// Loosely-timed initiators run ahead of kernel time, so requests reach a resource out of
// timestamp order; the calendar lets a late-arriving but earlier request use an idle gap
// instead of queueing behind requests from the future. Free of SystemC so it is reusable.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace spatialvp {

using Picoseconds = std::uint64_t;

// Time to move `bytes` at `bytes_per_second`, rounded up to a whole picosecond.
Picoseconds transferTime(std::uint64_t bytes, double bytes_per_second);

class ContentionTimeline {
 public:
  // `max_intervals` bounds memory: the oldest busy intervals are folded into a floor before
  // which nothing can be granted (conservative, still deterministic).
  explicit ContentionTimeline(std::size_t max_intervals = 4096);

  // Books `duration` on the resource starting no earlier than `earliest`; returns the start.
  Picoseconds reserve(Picoseconds earliest, Picoseconds duration);

  // Drops intervals that end at or before `horizon`. Callers promise that no later request
  // asks for a start before it (LT initiators are never behind kernel time), so no gap is lost.
  void retire(Picoseconds horizon);

  Picoseconds busyTime() const { return busy_time_; }
  Picoseconds busyUntil() const { return live() == 0 ? floor_ : intervals_.back().end; }
  std::uint64_t reservations() const { return reservations_; }
  std::size_t intervalCount() const { return live(); }

 private:
  struct Interval {
    Picoseconds start;
    Picoseconds end;
  };
  std::size_t live() const { return intervals_.size() - head_; }
  void dropOldest();
  void compact();

  // Sorted, disjoint, non-adjacent intervals live in [head_, end): a vector with a moving head
  // avoids the allocation churn of a deque on the append-and-retire hot path.
  std::vector<Interval> intervals_;
  std::size_t head_ = 0;
  std::size_t max_intervals_;
  Picoseconds floor_ = 0;
  Picoseconds busy_time_ = 0;
  std::uint64_t reservations_ = 0;
};

}  // namespace spatialvp
