#pragma once
// Occupancy of one router input buffer at packet granularity: `slots` packet slots, each a
// sorted set of busy intervals [head enters, tail leaves). The wormhole mesh uses the same
// structure for the virtual-channel lanes of a link and of an input port. Used for backpressure: a
// packet may start on a link only when a slot of the downstream buffer is free for its entry.
#include <cstdint>
#include <limits>
#include <vector>

#include "platform/core/contention_timeline.h"

namespace spatialvp::interconnect {

class BufferOccupancy {
 public:
  struct Grant {
    Picoseconds time = 0;    // earliest entry time found
    std::uint32_t slot = 0;  // slot to occupy
  };

  explicit BufferOccupancy(std::uint32_t slots);

  // Earliest time >= `earliest` at which some slot is free for [time, time + entry_duration).
  // Among equally early slots the one with the longest idle stretch after `time` is chosen, so
  // the occupancy recorded later (which lasts until the tail leaves) rarely overlaps.
  Grant earliestEntry(Picoseconds earliest, Picoseconds entry_duration) const;
  // Earliest time >= `earliest` at which `slot` is free for [time, time + entry_duration).
  Picoseconds earliestEntryInSlot(std::uint32_t slot, Picoseconds earliest,
                                  Picoseconds entry_duration) const;
  // Marks `slot` busy over [enter, leave); overlapping bookings are merged (never rejected).
  void occupy(std::uint32_t slot, Picoseconds enter, Picoseconds leave);
  // Forgets intervals that end at or before `horizon`.
  void retire(Picoseconds horizon);

  std::uint32_t slots() const { return static_cast<std::uint32_t>(slots_.size()); }
  std::size_t intervalCount() const;

 private:
  struct Interval {
    Picoseconds start;
    Picoseconds end;
  };
  struct Slot {
    std::vector<Interval> intervals;  // sorted, disjoint; entries before `first` are retired
    std::size_t first = 0;
  };
  struct Fit {
    Picoseconds time;  // earliest start found
    Picoseconds room;  // idle time after `time` until the slot's next booking
  };
  Fit fitInSlot(std::uint32_t slot, Picoseconds earliest, Picoseconds entry_duration) const;
  static constexpr std::size_t kMaxIntervalsPerSlot = 1024;

  std::vector<Slot> slots_;
  // Per slot, the end and start of its last live booking (0 when it has none): the searches
  // read these contiguous copies instead of every slot's interval list.
  std::vector<Picoseconds> busy_until_;
  std::vector<Picoseconds> last_start_;
};

}  // namespace spatialvp::interconnect
