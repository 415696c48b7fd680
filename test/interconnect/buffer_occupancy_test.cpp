#include "interconnect/mesh/buffer_occupancy.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <utility>
#include <vector>

using spatialvp::interconnect::BufferOccupancy;

TEST_CASE("Mesh buffer: grants a free slot immediately and waits when all are busy",
          "[interconnect][buffer]") {
  BufferOccupancy buffer(2);
  auto grant = buffer.earliestEntry(0, 10);
  CHECK(grant.time == 0);
  buffer.occupy(grant.slot, 0, 100);
  grant = buffer.earliestEntry(5, 10);
  CHECK(grant.time == 5);
  buffer.occupy(grant.slot, 5, 80);
  grant = buffer.earliestEntry(10, 10);  // both slots busy: the first frees at 80
  CHECK(grant.time == 80);
}

TEST_CASE("Mesh buffer: lets an earlier packet use a slot before a later booking",
          "[interconnect][buffer]") {
  BufferOccupancy buffer(1);
  buffer.occupy(0, 100, 200);
  CHECK(buffer.earliestEntry(0, 50).time == 0);     // fits entirely before 100
  CHECK(buffer.earliestEntry(60, 50).time == 200);  // would overlap: wait until it leaves
  buffer.occupy(0, 0, 40);
  buffer.occupy(0, 30, 120);  // overlapping bookings merge, never lost
  CHECK(buffer.intervalCount() == 1);
  CHECK(buffer.earliestEntry(0, 1).time == 200);
  buffer.retire(200);
  CHECK(buffer.intervalCount() == 0);
}

namespace {

using spatialvp::Picoseconds;
using Booking = std::pair<Picoseconds, Picoseconds>;  // [enter, leave)

// The grant rule spelled out without any search shortcut: for every slot the earliest start at
// or after `earliest` whose [start, start + duration) overlaps no booking (merged as occupy
// merges them), and the idle time after it; the earliest start wins, then the longest idle
// time, then the lowest slot.
BufferOccupancy::Grant referenceGrant(const std::vector<std::vector<Booking>>& slots,
                                      Picoseconds earliest, Picoseconds duration) {
  constexpr Picoseconds kForever = std::numeric_limits<Picoseconds>::max();
  BufferOccupancy::Grant best{kForever, 0};
  Picoseconds best_room = 0;
  for (std::uint32_t index = 0; index < slots.size(); ++index) {
    Picoseconds time = earliest;
    for (bool moved = true; moved;) {
      moved = false;
      for (const Booking& booking : slots[index]) {
        if (booking.first < time + duration && booking.second > time) {
          time = booking.second;
          moved = true;
        }
      }
    }
    Picoseconds room = kForever;
    for (const Booking& booking : slots[index])
      if (booking.first >= time)
        room = std::min(room, booking.first - time);
    if (time < best.time || (time == best.time && room > best_room)) {
      best = BufferOccupancy::Grant{time, index};
      best_room = room;
    }
  }
  return best;
}

}  // namespace

TEST_CASE("Mesh buffer: grants equal the plain rule on random out-of-order bookings",
          "[interconnect][buffer]") {
  // The search skips slots that cannot win and answers from a slot's first booking when it can;
  // every grant must still be the one the plain rule gives.
  std::mt19937_64 random(7);
  for (std::uint32_t slot_count : {1u, 3u, 16u}) {
    BufferOccupancy buffer(slot_count);
    std::vector<std::vector<Booking>> bookings(slot_count);
    for (int request = 0; request < 2000; ++request) {
      const Picoseconds earliest = random() % 20000;
      const Picoseconds duration = 1 + random() % 300;
      const BufferOccupancy::Grant grant = buffer.earliestEntry(earliest, duration);
      const BufferOccupancy::Grant expected = referenceGrant(bookings, earliest, duration);
      INFO("slots " << slot_count << ", request " << request);
      REQUIRE(grant.time == expected.time);
      REQUIRE(grant.slot == expected.slot);
      const Picoseconds leave = grant.time + duration + random() % 400;
      buffer.occupy(grant.slot, grant.time, leave);
      bookings[grant.slot].emplace_back(grant.time, leave);
    }
  }
}
