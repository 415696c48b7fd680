#pragma once
// SystemC-free timing core of a full-duplex die-to-die link. Each direction is an independent
// reservation calendar; a transfer is cut into packets whose headers and flit framing inflate
// payload bytes into wire bytes. Delivery = start + serialisation(wire bytes) + flight latency.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "interconnect/link/link_params.h"
#include "platform/core/contention_timeline.h"

namespace spatialvp::interconnect {

struct D2dLinkConfig {
  LinkParams link;                               // the same in both directions
  std::uint64_t max_packet_payload_bytes = 256;  // a transfer is cut into packets of this payload

  std::vector<std::string> validate() const;  // messages name "d2d.<field>"
};

enum class D2dDirection : std::uint8_t { kAToB = 0, kBToA = 1 };

struct D2dTransferResult {
  Picoseconds start_ps = 0;      // first wire bit leaves the sender
  Picoseconds delivered_ps = 0;  // last wire bit arrives at the receiver
  std::uint64_t packets = 0;
  std::uint64_t wire_bytes = 0;
};

struct D2dDirectionCounters {
  std::uint64_t transfers = 0;
  std::uint64_t packets = 0;
  std::uint64_t payload_bytes = 0;
  std::uint64_t wire_bytes = 0;
  Picoseconds busy_ps = 0;  // serialisation time booked on this direction

  double wireBits() const { return 8.0 * static_cast<double>(wire_bytes); }
};

class D2dLink {
 public:
  // Throws std::invalid_argument listing every problem found by config.validate().
  explicit D2dLink(const D2dLinkConfig& config);

  // Sends `payload_bytes` in `direction`, ready at `ready_ps`. A zero-byte transfer sends one
  // header-only packet. The packets of a transfer occupy the direction back to back; a transfer
  // presented after later ones may use an idle gap before them but never displaces them.
  D2dTransferResult transfer(D2dDirection direction, std::uint64_t payload_bytes,
                             Picoseconds ready_ps);

  // Closed form the timing obeys on an idle link.
  Picoseconds zeroLoadLatency(std::uint64_t payload_bytes) const;
  std::uint64_t wireBytesOf(std::uint64_t payload_bytes) const;

  const D2dDirectionCounters& counters(D2dDirection direction) const {
    return counters_[index(direction)];
  }
  // Link energy so far in pJ (wire bits x energy per bit), both directions.
  double energyPj() const;
  // Forgets bookings that end at or before `horizon_ps` (call with a time no request precedes).
  void retire(Picoseconds horizon_ps);
  const D2dLinkConfig& config() const { return config_; }

 private:
  static std::size_t index(D2dDirection direction) { return static_cast<std::size_t>(direction); }

  D2dLinkConfig config_;
  std::array<ContentionTimeline, 2> timelines_;
  std::array<D2dDirectionCounters, 2> counters_{};
};

}  // namespace spatialvp::interconnect
