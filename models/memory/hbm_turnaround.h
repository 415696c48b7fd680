#pragma once
// Read/write turnaround of one pseudo-channel in time order. A real controller issues commands
// in time order, so a read only waits for writes whose data lies before it (t_wtr) and a write
// only for reads before it (t_rtw); a burst placed in a gap between bursts of the other
// direction must leave room on both sides. Loosely-timed callers place bursts in call order,
// not time order, so the data-bus start times of recent bursts of each direction are kept
// (bounded; older ones fold into a floor before which nothing of the other direction is placed)
// and a burst's data start is moved out of every turnaround zone they define.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "platform/core/contention_timeline.h"  // Picoseconds

namespace spatialvp::models {

class HbmTurnaroundHistory {
 public:
  // Zone of a booked burst starting at `s` (in its bank group `g`) for a burst of the other
  // direction: (s - before, s + after), with the long variants for the same bank group.
  struct Zone {
    spatialvp::Picoseconds before_short = 0, before_long = 0;
    spatialvp::Picoseconds after_short = 0, after_long = 0;
  };

  explicit HbmTurnaroundHistory(std::size_t max_entries = 64) : max_entries_(max_entries) {
    entries_.reserve(max_entries + 1);
  }

  bool empty() const { return entries_.empty() && floor_ == 0; }

  // Earliest data start >= `start` of a burst in bank group `group` that lies in no zone.
  spatialvp::Picoseconds earliestFit(spatialvp::Picoseconds start, std::uint32_t group,
                                     const Zone& zone) const {
    start = std::max(start, floor_);
    const spatialvp::Picoseconds reach_back = std::max(zone.after_short, zone.after_long);
    const spatialvp::Picoseconds reach_ahead = std::max(zone.before_short, zone.before_long);
    bool moved = true;
    while (moved) {
      moved = false;
      const spatialvp::Picoseconds low = start > reach_back ? start - reach_back : 0;
      auto it =
          std::lower_bound(entries_.begin(), entries_.end(), low,
                           [](const Entry& e, spatialvp::Picoseconds t) { return e.start < t; });
      for (; it != entries_.end() && it->start < start + reach_ahead; ++it) {
        const bool same = it->group == group;
        const spatialvp::Picoseconds before = same ? zone.before_long : zone.before_short;
        const spatialvp::Picoseconds after = same ? zone.after_long : zone.after_short;
        if (it->start < start + before && start < it->start + after) {
          start = it->start + after;
          moved = true;
        }
      }
    }
    return start;
  }

  // Nothing of the other direction before `floor` (history known only as a latest start).
  void raiseFloor(spatialvp::Picoseconds floor) { floor_ = std::max(floor_, floor); }

  void book(spatialvp::Picoseconds start, std::uint32_t group, spatialvp::Picoseconds fold_end) {
    const Entry entry{start, group};
    auto it =
        std::upper_bound(entries_.begin(), entries_.end(), start,
                         [](spatialvp::Picoseconds t, const Entry& e) { return t < e.start; });
    entries_.insert(it, entry);
    if (entries_.size() > max_entries_) {
      // Conservative fold: nothing of the other direction goes before the oldest zone's end.
      floor_ = std::max(floor_, entries_.front().start + fold_end);
      entries_.erase(entries_.begin());
    }
  }

 private:
  struct Entry {
    spatialvp::Picoseconds start;
    std::uint32_t group;
  };
  std::vector<Entry> entries_;  // sorted by start
  spatialvp::Picoseconds floor_ = 0;
  std::size_t max_entries_;
};

}  // namespace spatialvp::models
