#pragma once
// Parameters of one direction of a point-to-point link. Shared by the D2D link model and by the
// mesh (whose router-to-router links are on-chip wires or, on a wafer, D2D links).
#include <cstdint>
#include <string>
#include <vector>

#include "platform/core/contention_timeline.h"

namespace spatialvp::interconnect {

struct LinkParams {
  double bandwidth_bytes_per_second = 0.0;  // per direction, wire bytes
  Picoseconds latency_ps = 0;               // flight latency: first bit out -> first bit in
  std::uint32_t packet_header_bytes = 0;    // added once per packet (routing / link header)
  // Flit framing: when flit_bytes > 0 the wire carries whole flits of `flit_bytes`, each with
  // `flit_overhead_bytes` of header/CRC, so (flit_bytes - flit_overhead_bytes) carry data.
  std::uint32_t flit_bytes = 0;
  std::uint32_t flit_overhead_bytes = 0;
  double energy_pj_per_bit = 0.0;  // per wire bit crossing the link

  // Bytes on the wire for one packet carrying `payload_bytes`.
  std::uint64_t wireBytes(std::uint64_t payload_bytes) const;
  // Time the link is occupied by one packet carrying `payload_bytes`.
  Picoseconds serialisation(std::uint64_t payload_bytes) const;

  // Problems, each naming `prefix`.<field>, what was expected and what was given. Empty if valid.
  std::vector<std::string> validate(const std::string& prefix) const;
};

// Joins validation messages into one exception text ("a; b; c").
std::string joinMessages(const std::vector<std::string>& messages);

}  // namespace spatialvp::interconnect
