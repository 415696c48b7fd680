// Speed benchmark of the mesh timing core: uniform random traffic at half the bisection bound
// (so queues stay bounded), single-packet transfers, and reports router-to-router packet hops
// per wall-clock second, for cut-through and wormhole flow control. Not a test: numbers depend
// on the machine.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "interconnect/mesh/mesh_network.h"
#include "interconnect/traffic/open_loop_driver.h"
#include "interconnect/traffic/traffic_pattern.h"

namespace {

using spatialvp::interconnect::FlowControl;
using spatialvp::interconnect::MeshConfig;
using spatialvp::interconnect::MeshNetwork;
using spatialvp::interconnect::OpenLoopConfig;
using spatialvp::interconnect::OpenLoopDriver;
using spatialvp::interconnect::TrafficKind;
using spatialvp::interconnect::TrafficPattern;
using spatialvp::interconnect::TrafficPatternConfig;

void runOne(std::uint32_t k, std::uint64_t packets, FlowControl flow_control) {
  MeshConfig mesh_config;
  mesh_config.width = k;
  mesh_config.height = k;
  mesh_config.link.bandwidth_bytes_per_second = 64e9;  // 64 B/ns per direction
  mesh_config.link.latency_ps = 500;
  mesh_config.router_latency_ps = 1000;
  mesh_config.packet_payload_bytes = 256;
  mesh_config.input_buffer_bytes = 4 * 256;
  if (flow_control == FlowControl::kWormhole) {
    // 8 flits of 32 B per packet, 4-flit buffers: packets span two routers when blocked.
    mesh_config.flow_control = flow_control;
    mesh_config.link.flit_bytes = 32;
    mesh_config.input_buffer_bytes = 4 * 32;
  }
  MeshNetwork mesh(mesh_config);

  TrafficPatternConfig pattern_config;
  pattern_config.kind = TrafficKind::kUniformRandom;
  pattern_config.width = k;
  pattern_config.height = k;
  TrafficPattern pattern(pattern_config);

  OpenLoopConfig run_config;
  run_config.offered_load = 0.5 * OpenLoopDriver::uniformSaturationBound(mesh_config);
  run_config.warmup_packets = 0;
  run_config.measured_packets = packets;
  run_config.seed = 12345;
  OpenLoopDriver driver(mesh, pattern, run_config);

  const auto begin = std::chrono::steady_clock::now();
  const auto result = driver.run();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const double hops = static_cast<double>(result.packet_hops);
  std::printf("mesh %ux%u%s: %.1f M packet-hops/s\n", k, k,
              flow_control == FlowControl::kWormhole ? " wormhole" : "", hops / seconds / 1e6);
  std::printf(
      "  packets %llu, packet-hops %.0f (mean %.2f per packet), wall %.3f s, "
      "%.1f ns per packet-hop, %.2f M packets/s, mean latency %.1f ns\n",
      static_cast<unsigned long long>(result.injected_packets), hops,
      hops / static_cast<double>(result.injected_packets), seconds, seconds * 1e9 / hops,
      static_cast<double>(result.injected_packets) / seconds / 1e6, result.mean_latency_ps / 1e3);
}

}  // namespace

int main(int argc, char** argv) {
  // Optional argument: packets per mesh size (default 1,000,000).
  std::uint64_t packets = 1000000;
  if (argc > 1)
    packets = std::strtoull(argv[1], nullptr, 10);
  if (packets == 0) {
    std::fprintf(stderr, "usage: %s [packets per mesh size >= 1]\n", argv[0]);
    return 2;
  }
  for (FlowControl flow_control : {FlowControl::kCutThrough, FlowControl::kWormhole}) {
    for (std::uint32_t k : {8u, 16u, 32u})
      runOne(k, packets, flow_control);
  }
  return 0;
}
