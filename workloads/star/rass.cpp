#include "workloads/star/rass.h"

#include <algorithm>
#include <bitset>
#include <map>

namespace spatialvp::star {
namespace {

using QueryMask = std::vector<std::uint64_t>;

std::size_t popcountAnd(const QueryMask& a, const QueryMask& b) {
  std::size_t count = 0;
  for (std::size_t w = 0; w < a.size(); ++w) {
    count += std::bitset<64>(a[w] & b[w]).count();
  }
  return count;
}

std::size_t popcount(const QueryMask& a) {
  std::size_t count = 0;
  for (std::uint64_t word : a) {
    count += std::bitset<64>(word).count();
  }
  return count;
}

}  // namespace

RassSchedule scheduleRass(const std::vector<std::vector<std::uint32_t>>& keys_per_query,
                          std::size_t phase_capacity) {
  RassSchedule schedule;
  const std::size_t words = (keys_per_query.size() + 63) / 64;
  std::map<std::uint32_t, QueryMask> requesters;  // ID buffer: key -> bitmask of queries
  for (std::size_t q = 0; q < keys_per_query.size(); ++q) {
    schedule.naive_vector_loads += 2 * keys_per_query[q].size();
    for (std::uint32_t key : keys_per_query[q]) {
      QueryMask& mask = requesters[key];
      mask.resize(words, 0);
      mask[q / 64] |= std::uint64_t{1} << (q % 64);
    }
  }
  struct Pending {
    std::uint32_t key;
    QueryMask mask;
    std::size_t sharing;
  };
  std::vector<Pending> pending;
  for (auto& [key, mask] : requesters) {
    pending.push_back({key, mask, popcount(mask)});
  }
  schedule.rass_vector_loads = 2 * pending.size();
  const std::size_t capacity = phase_capacity == 0 ? pending.size() : phase_capacity;
  while (!pending.empty()) {
    RassPhase phase;
    QueryMask idle(words, ~std::uint64_t{0});  // queries not yet fed in this phase
    while (!pending.empty() && phase.keys.size() < capacity) {
      std::size_t best = 0;
      std::size_t best_new = popcountAnd(pending[0].mask, idle);
      for (std::size_t i = 1; i < pending.size(); ++i) {
        const std::size_t fresh = popcountAnd(pending[i].mask, idle);
        const Pending& a = pending[i];
        const Pending& b = pending[best];
        if (fresh > best_new ||
            (fresh == best_new &&
             (a.sharing > b.sharing || (a.sharing == b.sharing && a.key < b.key)))) {
          best = i;
          best_new = fresh;
        }
      }
      phase.keys.push_back(pending[best].key);
      for (std::size_t w = 0; w < words; ++w) {
        idle[w] &= ~pending[best].mask[w];
      }
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(best));
    }
    schedule.phases.push_back(std::move(phase));
  }
  return schedule;
}

}  // namespace spatialvp::star
