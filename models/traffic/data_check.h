#pragma once
// The data check shared by the initiators that carry data (traffic_generator with data: pattern,
// trace_player with a trace that lists data): a read that returns other data than was written is
// counted, and the run warns, because a target without storage (store_data: false, the default
// of the memories) answers reads with zeros and the run would otherwise pass unnoticed.
#include <systemc>

#include <cstdint>
#include <string>

namespace spatialvp::models {

inline void warnOnDataMismatches(const std::string& instance, const char* report_type,
                                 std::uint64_t mismatches, std::uint64_t checked) {
  if (mismatches == 0)
    return;
  const std::string message =
      instance + ": " + std::to_string(mismatches) + " of " + std::to_string(checked) +
      " checked reads returned other data than was written: does the target keep data "
      "(store_data: true on memory, sram and hbm)?";
  SC_REPORT_WARNING(report_type, message.c_str());
}

}  // namespace spatialvp::models
