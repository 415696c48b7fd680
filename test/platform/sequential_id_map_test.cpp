// SequentialIdMap: the HBM module's per-request bookkeeping (ids in increasing order, answered
// in any order).
#include "platform/core/sequential_id_map.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <stdexcept>

namespace {

TEST_CASE("SequentialIdMap finds what was inserted until it is erased, in any erase order",
          "[sequential_id_map]") {
  spatialvp::SequentialIdMap<int> map;
  std::map<std::uint64_t, int> reference;
  std::mt19937_64 rng(7);
  std::uint64_t next_id = 5;
  for (int step = 0; step < 20000; ++step) {
    if (reference.size() < 300 && rng() % 2 == 0) {
      next_id += 1 + rng() % 3;  // ids may skip
      map.insert(next_id) = step;
      reference[next_id] = step;
    } else if (!reference.empty()) {
      auto it = reference.begin();
      std::advance(it, static_cast<long>(rng() % reference.size()));
      REQUIRE(map.find(it->first) != nullptr);
      REQUIRE(*map.find(it->first) == it->second);
      map.erase(it->first);
      REQUIRE(map.find(it->first) == nullptr);
      reference.erase(it);
    }
    REQUIRE(map.size() == reference.size());
  }
  for (const auto& [id, value] : reference)
    REQUIRE(*map.find(id) == value);
  REQUIRE(map.find(next_id + 1) == nullptr);
  REQUIRE(map.find(1) == nullptr);
}

TEST_CASE("SequentialIdMap refuses ids out of order and erasing an absent id",
          "[sequential_id_map]") {
  spatialvp::SequentialIdMap<int> map;
  map.insert(10) = 1;
  map.insert(11) = 2;
  REQUIRE_THROWS_AS(map.insert(11), std::logic_error);
  map.erase(10);
  REQUIRE_THROWS_AS(map.erase(10), std::logic_error);
  REQUIRE_THROWS_AS(map.erase(12), std::logic_error);
  map.erase(11);
  map.insert(3) = 4;  // empty again: any id starts a new span
  REQUIRE(*map.find(3) == 4);
}

}  // namespace
