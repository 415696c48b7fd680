// IntervalCalendar against a plain restatement of its contract (sorted vector, linear scans,
// no cursor, hints or ring buffer) on random bookings: every answer and every booking must agree,
// including the fold of the oldest interval and the bounded gap search.
#include "models/memory/interval_calendar.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <random>
#include <vector>

namespace {

using spatialvp::Picoseconds;
using spatialvp::models::IntervalCalendar;

class PlainCalendar {
 public:
  PlainCalendar(Picoseconds slot, std::size_t max_intervals)
      : slot_(slot), max_intervals_(std::max<std::size_t>(max_intervals, 2)) {}

  Picoseconds earliestFit(Picoseconds earliest) const {
    if (earliest <= first_fit_)
      return first_fit_;
    return search(earliest);
  }

  void book(Picoseconds start) {
    const Picoseconds end = start + slot_;
    intervals_.push_back({start, end});
    std::sort(intervals_.begin(), intervals_.end(),
              [](const Interval& a, const Interval& b) { return a.start < b.start; });
    std::vector<Interval> merged;
    for (const Interval& interval : intervals_) {
      REQUIRE((merged.empty() || merged.back().end <= interval.start));  // booked time was free
      if (!merged.empty() && merged.back().end == interval.start)
        merged.back().end = interval.end;
      else
        merged.push_back(interval);
    }
    intervals_ = merged;
    if (intervals_.size() > max_intervals_) {  // fold the oldest into the floor
      const Picoseconds folded_end = intervals_.front().end;
      intervals_.erase(intervals_.begin());
      if (first_fit_ < folded_end)
        first_fit_ = scanFrom(0, folded_end);
    }
    if (start < first_fit_ + slot_ && end > first_fit_)
      first_fit_ = search(first_fit_);
  }

  std::size_t intervalCount() const { return intervals_.size(); }

 private:
  struct Interval {
    Picoseconds start;
    Picoseconds end;
  };
  Picoseconds busyEnd() const { return intervals_.empty() ? 0 : intervals_.back().end; }
  Picoseconds search(Picoseconds candidate) const {
    if (candidate >= busyEnd())
      return candidate;
    std::size_t at = 0;
    while (intervals_[at].end <= candidate)
      ++at;
    return scanFrom(at, candidate);
  }
  // The gap search looks at a bounded number of intervals, then goes after the last booking.
  Picoseconds scanFrom(std::size_t at, Picoseconds candidate) const {
    const std::size_t last =
        std::min(intervals_.size(), at + IntervalCalendar::kMaxFragmentsSearched);
    for (; at != last; ++at) {
      if (candidate + slot_ <= intervals_[at].start)
        return candidate;
      candidate = std::max(candidate, intervals_[at].end);
    }
    return at == intervals_.size() ? candidate : busyEnd();
  }

  Picoseconds slot_;
  std::size_t max_intervals_;
  Picoseconds first_fit_ = 0;
  std::vector<Interval> intervals_;
};

// Requests arrive around a slowly advancing time, some far behind the bookings (as callers
// deliver them in call order, not time order); each books one slot or two consecutive ones
// (an activate on the row command bus) at the fit, or only asks.
void compareOnRandomBookings(Picoseconds slot, std::size_t max_intervals, unsigned seed) {
  IntervalCalendar calendar(slot, max_intervals);
  PlainCalendar plain(slot, max_intervals);
  std::mt19937_64 random(seed);
  Picoseconds now = 0;
  std::size_t steps_at_bound = 0;
  for (int step = 0; step < 20000; ++step) {
    now += random() % (4 * slot);
    const Picoseconds behind = random() % 4 == 0 ? random() % (200 * slot) : random() % (8 * slot);
    const Picoseconds earliest = now > behind ? now - behind : 0;
    const Picoseconds fit = calendar.earliestFit(earliest);
    REQUIRE(fit == plain.earliestFit(earliest));
    const unsigned action = static_cast<unsigned>(random() % 8);
    if (action == 0)
      continue;  // a query that books nothing
    const Picoseconds next = fit + slot;
    // A two-slot command (an activate on the row command bus) asks right after the fit.
    const bool next_free = plain.earliestFit(next) == next;
    if (action == 1)
      REQUIRE(calendar.nextSlotFree(fit) == next_free);
    calendar.book(fit);
    plain.book(fit);
    if (action == 1 && next_free) {
      calendar.book(next);
      plain.book(next);
    }
    if (plain.intervalCount() == std::max<std::size_t>(max_intervals, 2))
      ++steps_at_bound;
    REQUIRE(calendar.intervalCount() == plain.intervalCount());
    // A query anywhere in the recent past must agree as well (it moves the cursor).
    const Picoseconds probe =
        now > 300 * slot ? now - random() % (300 * slot) : random() % (now + 1);
    REQUIRE(calendar.earliestFit(probe) == plain.earliestFit(probe));
  }
  CHECK(steps_at_bound > 50);  // folding was compared too
}

}  // namespace

TEST_CASE("IntervalCalendar agrees with a plain linear-scan calendar on random bookings",
          "[calendar]") {
  for (unsigned seed = 1; seed <= 3; ++seed) {
    compareOnRandomBookings(1000, 4, seed);    // fold on nearly every booking
    compareOnRandomBookings(1000, 64, seed);   // the bank-group calendars' bound
    compareOnRandomBookings(2000, 128, seed);  // the channel calendars' (bounded gap search)
    compareOnRandomBookings(1, 16, seed);      // slot of one picosecond
  }
}
