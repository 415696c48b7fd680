#pragma once
// Shared by the timing-core tests: the mesh they start from (1.1 ns routers, 0.7 ns links, 8 B
// headers and 256 B packets at 64 B/ns = 264 wire bytes in 4.125 ns, input buffers of 4
// packets) and a search of validate() messages.
#include <cstdint>
#include <string>
#include <vector>

#include "interconnect/mesh/mesh_config.h"
#include "interconnect/mesh/mesh_network.h"

namespace spatialvp::interconnect::core_test {

inline constexpr Picoseconds kRouter = 1100;
inline constexpr Picoseconds kLink = 700;
inline constexpr Picoseconds kSerialisation = 4125;  // 256 B payload + 8 B header at 64 B/ns

inline MeshConfig testConfig(std::uint32_t width, std::uint32_t height) {
  MeshConfig config;
  config.width = width;
  config.height = height;
  config.link.bandwidth_bytes_per_second = 64e9;
  config.link.latency_ps = kLink;
  config.link.packet_header_bytes = 8;
  config.router_latency_ps = kRouter;
  config.packet_payload_bytes = 256;
  config.input_buffer_bytes = 4 * 264;
  return config;
}

// The wormhole tests' mesh: 8-flit packets of 4 B flits at 2 GB/s (one flit per 2 ns), 2 ns
// routers, links without flight latency, 4-flit buffers per virtual channel, a credit visible
// upstream 1 ns after its flit left.
inline constexpr Picoseconds kFlit = 2000;
inline constexpr Picoseconds kWormRouter = 2000;
inline constexpr Picoseconds kCredit = 1000;
inline constexpr std::uint64_t kFlits = 8;
inline constexpr std::uint64_t kBufferFlits = 4;

inline MeshConfig wormholeConfig(std::uint32_t width, std::uint32_t height, std::uint32_t vcs = 1) {
  MeshConfig config;
  config.width = width;
  config.height = height;
  config.link.bandwidth_bytes_per_second = 2e9;
  config.link.latency_ps = 0;
  config.link.packet_header_bytes = 0;
  config.link.flit_bytes = 4;
  config.router_latency_ps = kWormRouter;
  config.packet_payload_bytes = 4 * kFlits;
  config.flow_control = FlowControl::kWormhole;
  config.virtual_channels = vcs;
  config.input_buffer_bytes = 4 * kBufferFlits * vcs;
  config.credit_delay_ps = kCredit;
  return config;
}

// Every byte injected into `mesh` has been delivered.
inline bool bytesConserved(const MeshNetwork& mesh) {
  std::uint64_t injected = 0;
  std::uint64_t delivered = 0;
  for (const auto& [key, flow] : mesh.flows()) {
    injected += flow.bytes_injected;
    delivered += flow.bytes_delivered;
  }
  return injected == delivered;
}

// Some validate() message contains `text`.
inline bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& problem : problems) {
    if (problem.find(text) != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace spatialvp::interconnect::core_test
