#pragma once
// Names and helpers shared by the MoE orchestrator's run loop, its stats and its output files.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "platform/core/contention_timeline.h"
#include "platform/sim/kernel_time.h"

namespace spatialvp::models::wafer_moe {

// Stat and file key of each moe::Phase, in enum order.
inline const char* const kPhaseKeys[] = {
    "attention_allreduce", "dispatch",        "combine",
    "combine_collective",  "migration_local", "migration_global"};

// Port letter of a link direction, as the mesh names its channels (E = +x, N = +y).
inline char portLetter(int direction) {
  static const char kLetters[] = {'E', 'W', 'N', 'S'};
  return kLetters[direction];
}

// Non-negative byte counts from the fluid (double) traffic model, rounded to whole bytes.
inline std::uint64_t wholeBytes(double value) {
  return static_cast<std::uint64_t>(std::llround(std::max(0.0, value)));
}

// Seconds as the picoseconds the interconnect calendars use (the kernel time: nowPs()).
inline Picoseconds toPs(double seconds) {
  return static_cast<Picoseconds>(std::llround(std::max(0.0, seconds) * 1e12));
}

}  // namespace spatialvp::models::wafer_moe
