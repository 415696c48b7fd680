#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "workloads/star/random.h"
#include "workloads/star/rass.h"

using namespace spatialvp::star;

TEST_CASE("star: RASS example: 4 queries, 8 KV pairs, 24 -> 16 vector loads", "[star][rass]") {
  // Each query selects 3 of 8 keys; every key is wanted by one or two queries.
  const std::vector<std::vector<std::uint32_t>> keys = {{0, 1, 2}, {1, 2, 3}, {4, 5, 6}, {6, 7, 0}};
  const RassSchedule schedule = scheduleRass(keys, 4);
  CHECK(schedule.naive_vector_loads == 24);
  CHECK(schedule.rass_vector_loads == 16);
  REQUIRE(schedule.phases.size() == 2);
  // Shared keys first: the first phase starts with a key wanted by two queries and feeds
  // every query.
  const auto& first = schedule.phases[0].keys;
  CHECK((first[0] == 0 || first[0] == 1 || first[0] == 2 || first[0] == 6));
  std::set<std::size_t> fed;
  for (std::uint32_t key : first) {
    for (std::size_t q = 0; q < keys.size(); ++q) {
      if (std::find(keys[q].begin(), keys[q].end(), key) != keys[q].end()) {
        fed.insert(q);
      }
    }
  }
  CHECK(fed.size() == 4);
}

TEST_CASE("star: RASS schedules each needed key exactly once within the capacity", "[star][rass]") {
  DeterministicRng rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t queries = 1 + rng.uniformIndex(130);
    std::vector<std::vector<std::uint32_t>> keys(queries);
    std::set<std::uint32_t> wanted;
    for (auto& list : keys) {
      for (std::uint32_t key = 0; key < 50; ++key) {
        if (rng.uniformIndex(5) == 0) {
          list.push_back(key);
          wanted.insert(key);
        }
      }
    }
    const std::size_t capacity = rng.uniformIndex(8);
    const RassSchedule schedule = scheduleRass(keys, capacity);
    std::multiset<std::uint32_t> issued;
    for (const auto& phase : schedule.phases) {
      if (capacity > 0) {
        CHECK(phase.keys.size() <= capacity);
      }
      issued.insert(phase.keys.begin(), phase.keys.end());
    }
    CHECK(issued.size() == wanted.size());
    CHECK(std::set<std::uint32_t>(issued.begin(), issued.end()) == wanted);
    CHECK(schedule.rass_vector_loads == 2 * wanted.size());
    CHECK(schedule.rass_vector_loads <= schedule.naive_vector_loads);
  }
}
