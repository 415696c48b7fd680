#pragma once
// A DMA-style transfer: `bytes` moved through one initiator as back-to-back transactions of at
// most `burst` bytes, all presented at the same time, walking an address window that wraps at
// its end. Controllers and orchestrators use it for DRAM fetches and core-to-core copies.
#include <cstdint>
#include <string>
#include <tlm>
#include <vector>

#include "platform/core/contention_timeline.h"
#include "platform/core/trace_writer.h"

namespace spatialvp {

struct BurstTransfer {
  Picoseconds done = 0;  // completion of the last transaction (absolute ps)
  std::uint64_t transactions = 0;
};

// Addresses run from base + cursor; `cursor` advances and wraps to 0 before leaving
// [base, base + window). `buffer` must hold `burst` bytes. `at` is absolute and not before now.
// A failed access raises a SystemC error "<what> failed: <response>". With a traced `site`
// the whole transfer is one span there, and each burst a transaction its targets join.
BurstTransfer burstTransfer(tlm::tlm_fw_transport_if<>& target, std::vector<unsigned char>& buffer,
                            std::uint64_t base, std::uint64_t window, std::uint64_t& cursor,
                            std::uint64_t bytes, std::uint64_t burst, bool write, Picoseconds at,
                            const std::string& what, TraceSite site = {});

}  // namespace spatialvp
