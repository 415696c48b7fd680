#pragma once
// Shared by the timing-core tests: the mesh they start from (1.1 ns routers, 0.7 ns links, 8 B
// headers and 256 B packets at 64 B/ns = 264 wire bytes in 4.125 ns, input buffers of 4
// packets) and a search of validate() messages.
#include <cstdint>
#include <string>
#include <vector>

#include "interconnect/mesh/mesh_config.h"

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

// Some validate() message contains `text`.
inline bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& problem : problems) {
    if (problem.find(text) != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace spatialvp::interconnect::core_test
