// HbmTurnaroundHistory keeps the zones of the remembered bursts merged per bank group; its
// answer must be the definition's: the least data start >= the query (and the floor) that lies
// in no remembered burst's zone, the zone long in the burst's own bank group.
#include "models/memory/hbm_turnaround.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

namespace {

using spatialvp::Picoseconds;
using spatialvp::models::HbmTurnaroundHistory;

struct Booked {
  Picoseconds start;
  std::uint32_t group;
};

// The definition, over the last `max_entries` bursts by start with the fold's floor.
Picoseconds bruteForceFit(const std::vector<Booked>& live, Picoseconds floor, Picoseconds start,
                          std::uint32_t group, const HbmTurnaroundHistory::Zone& zone) {
  for (Picoseconds t = std::max(start, floor);; ++t) {
    const bool inside = std::any_of(live.begin(), live.end(), [&](const Booked& b) {
      const bool same = b.group == group;
      const Picoseconds before = same ? zone.before_long : zone.before_short;
      const Picoseconds after = same ? zone.after_long : zone.after_short;
      return b.start < t + before && t < b.start + after;
    });
    if (!inside)
      return t;
  }
}

TEST_CASE("HbmTurnaroundHistory: merged zones give the least start outside every zone",
          "[hbm][turnaround]") {
  const HbmTurnaroundHistory::Zone zone{7, 11, 5, 9};  // before short/long, after short/long
  const std::size_t max_entries = 8;
  HbmTurnaroundHistory history(zone, 4, max_entries);
  std::vector<Booked> live;  // sorted by start, at most max_entries
  Picoseconds floor = 0;
  std::mt19937_64 rng(3);
  Picoseconds clock = 0;
  for (int step = 0; step < 3000; ++step) {
    // About increasing starts, sometimes behind (bookings come about in time order).
    clock += rng() % 6;
    const Picoseconds start = clock >= 20 && rng() % 5 == 0 ? clock - rng() % 20 : clock;
    const auto group = static_cast<std::uint32_t>(rng() % 4);
    // Runs of bookings without a query too: their zones are merged lazily, at the next query.
    const int queries = (step / 100) % 3 == 2 ? 0 : 4;
    for (int q = 0; q < queries; ++q) {
      const Picoseconds query = clock >= 30 ? clock - 30 + rng() % 50 : rng() % 50;
      const auto query_group = static_cast<std::uint32_t>(rng() % 4);
      REQUIRE(history.earliestFit(query, query_group) ==
              bruteForceFit(live, floor, query, query_group, zone));
    }
    history.book(start, group);
    live.insert(std::upper_bound(live.begin(), live.end(), start,
                                 [](Picoseconds t, const Booked& b) { return t < b.start; }),
                {start, group});
    if (live.size() > max_entries) {
      floor = std::max(floor, live.front().start + zone.after_long);
      live.erase(live.begin());
    }
  }
}

}  // namespace
