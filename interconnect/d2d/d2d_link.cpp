#include "interconnect/d2d/d2d_link.h"

#include <sstream>
#include <stdexcept>

namespace spatialvp::interconnect {

std::vector<std::string> D2dLinkConfig::validate() const {
  std::vector<std::string> problems = link.validate("d2d.link");
  if (max_packet_payload_bytes == 0) {
    problems.push_back("d2d.max_packet_payload_bytes: expected >= 1, got 0");
  }
  return problems;
}

namespace {
const D2dLinkConfig& checked(const D2dLinkConfig& config) {
  const auto problems = config.validate();
  if (!problems.empty())
    throw std::invalid_argument("invalid D2D link: " + joinMessages(problems));
  return config;
}
}  // namespace

D2dLink::D2dLink(const D2dLinkConfig& config) : config_(checked(config)) {}

std::uint64_t D2dLink::wireBytesOf(std::uint64_t payload_bytes) const {
  const std::uint64_t max_payload = config_.max_packet_payload_bytes;
  if (payload_bytes == 0)
    return config_.link.wireBytes(0);
  const std::uint64_t full_packets = payload_bytes / max_payload;
  const std::uint64_t remainder = payload_bytes % max_payload;
  std::uint64_t wire = full_packets * config_.link.wireBytes(max_payload);
  if (remainder != 0)
    wire += config_.link.wireBytes(remainder);
  return wire;
}

Picoseconds D2dLink::zeroLoadLatency(std::uint64_t payload_bytes) const {
  return transferTime(wireBytesOf(payload_bytes), config_.link.bandwidth_bytes_per_second) +
         config_.link.latency_ps;
}

D2dTransferResult D2dLink::transfer(D2dDirection direction, std::uint64_t payload_bytes,
                                    Picoseconds ready_ps) {
  const std::uint64_t max_payload = config_.max_packet_payload_bytes;
  const std::uint64_t packets =
      payload_bytes == 0 ? 1 : (payload_bytes + max_payload - 1) / max_payload;
  const std::uint64_t wire = wireBytesOf(payload_bytes);
  // Back-to-back packets of one transfer are one contiguous booking: same result as booking
  // them one by one on an idle link, at O(1) cost for multi-megabyte transfers.
  const Picoseconds serialisation = transferTime(wire, config_.link.bandwidth_bytes_per_second);
  const Picoseconds start = timelines_[index(direction)].reserve(ready_ps, serialisation);

  D2dDirectionCounters& counters = counters_[index(direction)];
  ++counters.transfers;
  counters.packets += packets;
  counters.payload_bytes += payload_bytes;
  counters.wire_bytes += wire;
  counters.busy_ps += serialisation;

  D2dTransferResult result;
  result.start_ps = start;
  result.delivered_ps = start + serialisation + config_.link.latency_ps;
  result.packets = packets;
  result.wire_bytes = wire;
  return result;
}

double D2dLink::energyPj() const {
  return (counters_[0].wireBits() + counters_[1].wireBits()) * config_.link.energy_pj_per_bit;
}

void D2dLink::retire(Picoseconds horizon_ps) {
  for (auto& timeline : timelines_)
    timeline.retire(horizon_ps);
}

}  // namespace spatialvp::interconnect
