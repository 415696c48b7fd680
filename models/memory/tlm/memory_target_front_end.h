#pragma once
// What the `hbm` and `sram` TLM targets share around their timing cores: payload checks
// (range, byte enables, streaming), optional data storage, the debug transport, and the
// per-request figures (first arrival, last completion, latency histogram, address errors).
#include <tlm>

#include <algorithm>
#include <memory>
#include <optional>

#include "models/memory/memory_request.h"
#include "models/memory/tlm/sparse_storage.h"
#include "platform/core/contention_timeline.h"
#include "platform/core/histogram.h"

namespace spatialvp::models {

struct MemoryAccess {
  std::uint64_t address = 0;
  std::uint64_t length = 0;
  // A streaming transfer (streaming width < length) passes repeatedly over
  // [address, address + span), e.g. a unit streaming a tile through a small buffer.
  std::uint64_t span = 0;
  bool is_read = false;
  Picoseconds now = 0;
  Picoseconds arrival = 0;
};

class MemoryTargetFrontEnd {
 public:
  MemoryTargetFrontEnd(double latency_bin_ns, std::uint64_t storage_page_bytes, bool store_data);

  // Checks the payload; on a problem (or an ignore command) sets the response and returns none.
  // `contains(address, bytes)` is the device's range check.
  template <class Contains>
  std::optional<MemoryAccess> admit(tlm::tlm_generic_payload& payload,
                                    const sc_core::sc_time& delay, Contains contains);

  // Runs `access(MemoryRequest)` once per streaming pass; returns the last completion.
  template <class Access>
  static Picoseconds accessPasses(const MemoryAccess& access, Access run);

  // Sets the delay to `completion`, records the request, moves stored data, answers OK.
  // (move_data false: the data was moved at admission, moveData.)
  void complete(tlm::tlm_generic_payload& payload, const MemoryAccess& access,
                Picoseconds completion, sc_core::sc_time& delay, bool move_data = true);
  // Moves the stored data of the request (store_data), e.g. a write answered later.
  void moveData(tlm::tlm_generic_payload& payload, const MemoryAccess& access);

  unsigned int transportDbg(tlm::tlm_generic_payload& payload, std::uint64_t capacity);

  std::uint64_t requests() const { return requests_; }
  std::uint64_t addressErrors() const { return address_errors_; }
  Picoseconds activeTime() const { return requests_ > 0 ? last_completion_ - first_arrival_ : 0; }
  const Histogram& latencyNs() const { return latency_ns_; }

 private:
  std::optional<MemoryAccess> checkPayload(tlm::tlm_generic_payload& payload,
                                           const sc_core::sc_time& delay, bool in_range);

  std::unique_ptr<SparseStorage> storage_;  // null when timing-only
  std::uint64_t address_errors_ = 0;
  std::uint64_t requests_ = 0;
  Picoseconds first_arrival_ = 0;
  Picoseconds last_completion_ = 0;
  Histogram latency_ns_;
};

template <class Contains>
std::optional<MemoryAccess> MemoryTargetFrontEnd::admit(tlm::tlm_generic_payload& payload,
                                                        const sc_core::sc_time& delay,
                                                        Contains contains) {
  const std::uint64_t length = payload.get_data_length();
  const std::uint64_t width = payload.get_streaming_width();
  const std::uint64_t span = width > 0 && width < length ? width : length;
  return checkPayload(payload, delay, length > 0 && contains(payload.get_address(), span));
}

template <class Access>
Picoseconds MemoryTargetFrontEnd::accessPasses(const MemoryAccess& access, Access run) {
  Picoseconds completion = 0;
  for (std::uint64_t done = 0; done < access.length; done += access.span) {
    const std::uint64_t bytes = std::min(access.span, access.length - done);
    completion = std::max(
        completion, run(MemoryRequest{access.address, bytes, !access.is_read, access.arrival}));
  }
  return completion;
}

}  // namespace spatialvp::models
