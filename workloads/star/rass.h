#pragma once
// RASS, reuse-aware KV scheduling (sources S2.8). The T parallel queries of a block select
// overlapping key sets. Naively each query fetches its own K and V vectors (one K and one V
// load per selected pair). RASS groups key IDs by the bitmask of queries that need them (the
// ID buffer is indexed by that mask) and issues each needed key once, broadcast to every
// query that needs it, in phases of at most `phase_capacity` keys. Phase filling is greedy:
// a key serving the most queries that have not yet received a key in this phase goes first
// (ties: more requesting queries overall, then lower ID) — "first the keys shared by the most
// queries, then keys used exclusively by queries not yet covered" (DOTA-style).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace spatialvp::star {

struct RassPhase {
  std::vector<std::uint32_t> keys;  // issue order
};

struct RassSchedule {
  std::vector<RassPhase> phases;
  std::uint64_t naive_vector_loads = 0;  // 2 x sum over queries of |keys_q|
  std::uint64_t rass_vector_loads = 0;   // 2 x |union|
};

// `phase_capacity` = KV pairs held by the selected-K/V buffers at once ([UNKNOWN]; 0 means
// unlimited, i.e. one phase).
RassSchedule scheduleRass(const std::vector<std::vector<std::uint32_t>>& keys_per_query,
                          std::size_t phase_capacity);

}  // namespace spatialvp::star
