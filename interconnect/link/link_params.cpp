#include "interconnect/link/link_params.h"

#include <cmath>
#include <sstream>

namespace spatialvp::interconnect {

namespace {
constexpr Picoseconds kMaxLatencyPs = 1000000000000ULL;  // keeps time sums far from overflow
}  // namespace

std::uint64_t LinkParams::wireBytes(std::uint64_t payload_bytes) const {
  const std::uint64_t framed = payload_bytes + packet_header_bytes;
  // Invalid framing (rejected by validate()) degrades to unframed rather than dividing by zero.
  if (flit_bytes == 0 || flit_overhead_bytes >= flit_bytes)
    return framed;
  const std::uint64_t data_per_flit = flit_bytes - flit_overhead_bytes;
  const std::uint64_t flits = framed == 0 ? 1 : (framed + data_per_flit - 1) / data_per_flit;
  return flits * flit_bytes;
}

Picoseconds LinkParams::serialisation(std::uint64_t payload_bytes) const {
  return transferTime(wireBytes(payload_bytes), bandwidth_bytes_per_second);
}

std::vector<std::string> LinkParams::validate(const std::string& prefix) const {
  std::vector<std::string> problems;
  if (!std::isfinite(bandwidth_bytes_per_second) || bandwidth_bytes_per_second <= 0.0) {
    std::ostringstream msg;
    msg << prefix << ".bandwidth_bytes_per_second: expected a finite value > 0, got "
        << bandwidth_bytes_per_second;
    problems.push_back(msg.str());
  } else if (bandwidth_bytes_per_second < 1e3) {
    // transferTime() would overflow 64-bit picoseconds for large packets below this rate.
    std::ostringstream msg;
    msg << prefix << ".bandwidth_bytes_per_second: expected >= 1000 (1 kB/s), got "
        << bandwidth_bytes_per_second;
    problems.push_back(msg.str());
  }
  if (flit_bytes != 0 && flit_overhead_bytes >= flit_bytes) {
    std::ostringstream msg;
    msg << prefix << ".flit_overhead_bytes: expected < flit_bytes (" << flit_bytes << "), got "
        << flit_overhead_bytes;
    problems.push_back(msg.str());
  }
  if (flit_bytes == 0 && flit_overhead_bytes != 0) {
    std::ostringstream msg;
    msg << prefix << ".flit_overhead_bytes: expected 0 when flit_bytes is 0 (unframed), got "
        << flit_overhead_bytes;
    problems.push_back(msg.str());
  }
  if (latency_ps > kMaxLatencyPs) {
    std::ostringstream msg;
    msg << prefix << ".latency_ps: expected <= " << kMaxLatencyPs << " (1 s), got " << latency_ps;
    problems.push_back(msg.str());
  }
  if (!std::isfinite(energy_pj_per_bit) || energy_pj_per_bit < 0.0) {
    std::ostringstream msg;
    msg << prefix << ".energy_pj_per_bit: expected a finite value >= 0, got " << energy_pj_per_bit;
    problems.push_back(msg.str());
  }
  return problems;
}

std::string joinMessages(const std::vector<std::string>& messages) {
  std::string joined;
  for (const auto& message : messages) {
    if (!joined.empty())
      joined += "; ";
    joined += message;
  }
  return joined;
}

}  // namespace spatialvp::interconnect
