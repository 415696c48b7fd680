#pragma once
// Timing core of an SRAM bank group: words are interleaved over banks; each bank has `ports`
// ports, each serving one word access per cycle for any request, so the words of one request
// that share a bank are spread over its ports, and requests that meet on a port queue on its
// reservation calendar (which lets a decoupled, earlier-in-time request use an idle gap).
// A request of any size costs O(banks x ports).
#include <cstdint>
#include <vector>

#include "models/memory/memory_request.h"
#include "models/memory/sram_config.h"
#include "platform/core/contention_timeline.h"

namespace spatialvp::models {

struct SramAccessResult {
  spatialvp::Picoseconds completion = 0;
  std::uint64_t words = 0;
  spatialvp::Picoseconds conflict_stall = 0;  // time beyond a conflict-free access
};

struct SramCounters {
  std::uint64_t read_requests = 0;
  std::uint64_t write_requests = 0;
  std::uint64_t read_words = 0;
  std::uint64_t write_words = 0;
  std::uint64_t bytes_read = 0;  // as requested
  std::uint64_t bytes_written = 0;
  std::uint64_t conflicted_requests = 0;           // requests that waited on a bank
  spatialvp::Picoseconds conflict_stall_time = 0;  // summed over requests
};

class SramBankGroup {
 public:
  // Throws std::invalid_argument listing every problem of an invalid configuration.
  explicit SramBankGroup(const SramConfig& config);

  // Throws std::invalid_argument for an empty request and std::out_of_range outside capacity.
  SramAccessResult access(const MemoryRequest& request);
  // Forgets bookings that end by `horizon`; no later request may arrive before it (an LT
  // target retires at kernel time). Keeps the port calendars short; grants are unchanged.
  void retire(spatialvp::Picoseconds horizon);
  bool contains(std::uint64_t address, std::uint64_t bytes) const;

  const SramConfig& config() const { return config_; }
  const SramCounters& counters() const { return counters_; }
  spatialvp::Picoseconds bankBusyTime(std::uint32_t bank) const;
  double dynamicEnergy() const;                                 // pJ
  double leakageEnergy(spatialvp::Picoseconds duration) const;  // pJ over `duration`

 private:
  SramConfig config_;
  spatialvp::Picoseconds period_;
  std::uint64_t word_bytes_;
  std::uint64_t words_per_chunk_;
  static constexpr std::uint32_t kMaxPorts = 16;      // SramConfig::validate's limit
  std::vector<spatialvp::ContentionTimeline> ports_;  // bank b's ports at [b x ports, +ports)
  spatialvp::Picoseconds retired_until_ = 0;
  std::vector<std::uint64_t> words_per_bank_;  // scratch for one request
  SramCounters counters_;
};

}  // namespace spatialvp::models
