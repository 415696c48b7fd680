#include "interconnect/traffic/open_loop_driver.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>

using namespace spatialvp::interconnect;
using spatialvp::Picoseconds;

namespace {

constexpr Picoseconds kRouter = 1000;
constexpr Picoseconds kLink = 500;
constexpr Picoseconds kSerialisation = 4000;  // 256 B at 64 B/ns

MeshConfig meshConfig(std::uint32_t k, std::uint64_t buffer_packets) {
  MeshConfig config;
  config.width = k;
  config.height = k;
  config.link.bandwidth_bytes_per_second = 64e9;
  config.link.latency_ps = kLink;
  config.router_latency_ps = kRouter;
  config.packet_payload_bytes = 256;
  config.input_buffer_bytes = buffer_packets * 256;
  return config;
}

TrafficPattern pattern(TrafficKind kind, std::uint32_t k) {
  TrafficPatternConfig config;
  config.kind = kind;
  config.width = k;
  config.height = k;
  return TrafficPattern(config);
}

OpenLoopResult runAt(const MeshConfig& mesh_config, TrafficKind kind, double load,
                     std::uint64_t packets, MeshNetwork* keep = nullptr) {
  MeshNetwork local(mesh_config);
  MeshNetwork& mesh = keep != nullptr ? *keep : local;
  const TrafficPattern traffic = pattern(kind, mesh_config.width);
  OpenLoopConfig config;
  config.offered_load = load;
  config.warmup_packets = packets / 5;
  config.measured_packets = packets;
  config.seed = 2024;
  return OpenLoopDriver(mesh, traffic, config).run();
}

}  // namespace

TEST_CASE("Open loop: uniform bisection bound follows the closed form",
          "[interconnect][openloop]") {
  // k x k, k even: 4 (N - 1) / (k N).
  CHECK(OpenLoopDriver::uniformSaturationBound(meshConfig(8, 4)) == Approx(4.0 * 63 / (8 * 64)));
  CHECK(OpenLoopDriver::uniformSaturationBound(meshConfig(16, 4)) ==
        Approx(4.0 * 255 / (16 * 256)));
  MeshConfig narrow = meshConfig(4, 4);
  narrow.height = 1;  // a 4-node line: (N - 1) / (1 * 2 * 2) = 0.75
  CHECK(OpenLoopDriver::uniformSaturationBound(narrow) == Approx(0.75));
  MeshConfig slow_links = meshConfig(8, 4);
  slow_links.local_port = slow_links.localPortParams();  // injection stays at 64 B/ns
  slow_links.link.bandwidth_bytes_per_second = 32e9;     // mesh links half as fast: bound halves
  CHECK(OpenLoopDriver::uniformSaturationBound(slow_links) == Approx(4.0 * 63 / (8 * 64) / 2));
}

TEST_CASE("Open loop: at low load, latency is the zero-load latency and accepted = offered",
          "[interconnect][openloop]") {
  const auto result = runAt(meshConfig(8, 4), TrafficKind::kUniformRandom, 0.02, 10000);
  // Zero-load latency is linear in D, so its mean is the closed form at the mean hop count.
  const double zero_load = result.mean_hops * (kRouter + kLink) + kRouter + kSerialisation;
  CHECK(result.mean_latency_ps >= zero_load - 1e-6);
  CHECK(result.mean_latency_ps <= zero_load * 1.03);
  CHECK(result.min_latency_ps >= (kRouter + kLink) + kRouter + kSerialisation);  // D >= 1
  CHECK(result.mean_hops == Approx(2.0 * 8 / 3 * 64 / 63).epsilon(0.03));        // uniform: 2k/3
  CHECK(result.accepted_load == Approx(0.02).epsilon(0.05));
}

TEST_CASE("Open loop: uniform random saturation on 8x8 is within 15% of the bisection bound",
          "[interconnect][openloop]") {
  const MeshConfig config = meshConfig(8, 4);
  const double bound = OpenLoopDriver::uniformSaturationBound(config);
  double saturation = 0;
  double previous_latency = 0;
  for (double fraction : {0.5, 0.8, 0.95, 1.1, 1.4}) {
    const auto result = runAt(config, TrafficKind::kUniformRandom, fraction * bound, 20000);
    INFO("offered " << result.offered_load << " accepted " << result.accepted_load << " latency "
                    << result.mean_latency_ps);
    CHECK(result.mean_latency_ps >= previous_latency);  // latency grows with load
    previous_latency = result.mean_latency_ps;
    saturation = std::max(saturation, result.accepted_load);
    CHECK(result.accepted_load <= bound * 1.02);  // cannot beat the bisection
  }
  INFO("bound " << bound << " saturation " << saturation);
  CHECK(saturation >= 0.85 * bound);
  CHECK(saturation <= 1.15 * bound);
}

TEST_CASE(
    "Open loop: every packet of every pattern is delivered once, even with one-packet buffers",
    "[interconnect][openloop]") {
  for (TrafficKind kind :
       {TrafficKind::kUniformRandom, TrafficKind::kTranspose, TrafficKind::kBitComplement,
        TrafficKind::kHotspot, TrafficKind::kNearestNeighbour}) {
    INFO("pattern " << trafficKindName(kind));
    MeshNetwork mesh(meshConfig(6, 1));
    // Far above saturation with the smallest legal buffers: deadlock would show as a hang or a
    // lost packet; XY routing must deliver everything.
    const auto result = runAt(meshConfig(6, 1), kind, 2.0, 5000, &mesh);
    CHECK(mesh.packetsDelivered() == result.injected_packets);
    std::uint64_t injected = 0;
    for (const auto& [key, flow] : mesh.flows()) {
      CHECK(flow.bytes_delivered == flow.bytes_injected);
      CHECK(flow.packets_delivered == flow.packets_injected);
      injected += flow.packets_injected;
    }
    CHECK(injected == result.injected_packets);
    CHECK(result.max_latency_ps < Picoseconds{1} << 50);  // finite, no runaway
  }
}

TEST_CASE("Open loop: runs are deterministic for a seed", "[interconnect][openloop]") {
  const auto a = runAt(meshConfig(4, 2), TrafficKind::kHotspot, 0.3, 3000);
  const auto b = runAt(meshConfig(4, 2), TrafficKind::kHotspot, 0.3, 3000);
  CHECK(a.mean_latency_ps == b.mean_latency_ps);
  CHECK(a.p99_latency_ps == b.p99_latency_ps);
  CHECK(a.accepted_load == b.accepted_load);
  CHECK(a.packet_hops == b.packet_hops);
}

TEST_CASE("Open loop: configuration errors are reported", "[interconnect][openloop]") {
  MeshNetwork mesh(meshConfig(4, 2));
  const TrafficPattern wrong_size = pattern(TrafficKind::kUniformRandom, 8);
  OpenLoopConfig config;
  CHECK_THROWS_WITH(OpenLoopDriver(mesh, wrong_size, config), Catch::Contains("8x8"));
  const TrafficPattern traffic = pattern(TrafficKind::kUniformRandom, 4);
  config.offered_load = 0;
  CHECK_THROWS_WITH(OpenLoopDriver(mesh, traffic, config),
                    Catch::Contains("open_loop.offered_load"));
  config.offered_load = -1;
  CHECK_THROWS_AS(OpenLoopDriver(mesh, traffic, config), std::invalid_argument);
}
