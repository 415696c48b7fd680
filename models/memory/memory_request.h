#pragma once
// A request to a memory timing core, at burst/tile granularity: one call per DMA or tile access.
#include <cstdint>

#include "platform/core/contention_timeline.h"

namespace spatialvp::models {

struct MemoryRequest {
  std::uint64_t address = 0;  // device-local byte address (the TLM wrapper subtracts the base)
  std::uint64_t bytes = 0;
  bool is_write = false;
  spatialvp::Picoseconds arrival = 0;  // initiator's local time, may run ahead of kernel time
};

}  // namespace spatialvp::models
