// Prints the latency-versus-offered-load curve of one mesh configuration under a synthetic
// traffic pattern (open loop). Loads are fractions of the injection-port bandwidth per node.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "interconnect/mesh/mesh_network.h"
#include "interconnect/traffic/open_loop_driver.h"
#include "interconnect/traffic/traffic_pattern.h"

using namespace spatialvp::interconnect;  // NOLINT: small tool

int main(int argc, char** argv) {
  CLI::App app{"Latency vs offered load of a 2-D mesh (spatialvp interconnect timing core)"};
  std::uint32_t width = 8;
  std::uint32_t height = 8;
  std::string pattern_name = "uniform";
  std::string routing_name = "xy";
  std::uint64_t packet_bytes = 256;
  std::uint64_t buffer_bytes = 1024;
  std::uint32_t header_bytes = 0;
  double link_gbps = 64.0;
  double local_gbps = 0.0;
  std::uint64_t link_latency_ps = 500;
  std::uint64_t router_latency_ps = 1000;
  double hotspot_fraction = 0.2;
  std::uint64_t packets = 40000;
  std::uint64_t warmup = 4000;
  std::uint64_t seed = 1;
  std::vector<double> loads;
  std::uint32_t steps = 10;
  double max_load = 0.0;
  std::string arrivals = "poisson";
  std::string flow_control_name = "cut_through";
  std::string arbitration_name = "presentation_order";
  std::uint32_t flit_bytes = 0;
  std::uint32_t virtual_channels = 1;
  std::uint64_t credit_delay_ps = 0;
  std::uint64_t allocation_delay_ps = 0;

  app.add_option("--width", width, "routers along x")->capture_default_str();
  app.add_option("--height", height, "routers along y")->capture_default_str();
  app.add_option("--pattern", pattern_name, "uniform|transpose|bitcomp|hotspot|neighbour")
      ->capture_default_str();
  app.add_option("--routing", routing_name, "xy|yx")->capture_default_str();
  app.add_option("--packet-bytes", packet_bytes, "payload bytes per packet")->capture_default_str();
  app.add_option("--header-bytes", header_bytes, "header bytes per packet on every link")
      ->capture_default_str();
  app.add_option("--flow-control", flow_control_name, "cut_through|wormhole")
      ->capture_default_str();
  app.add_option("--arbitration", arbitration_name,
                 "presentation_order|arrival_order (arrival_order: wormhole, 1 VC)")
      ->capture_default_str();
  app.add_option("--flit-bytes", flit_bytes, "flit size (0 = unframed; wormhole needs one)")
      ->capture_default_str();
  app.add_option("--virtual-channels", virtual_channels, "virtual channels per port (wormhole)")
      ->capture_default_str();
  app.add_option("--allocation-delay-ps", allocation_delay_ps,
                 "arrival order: allocation step of a head that waited behind another packet")
      ->capture_default_str();
  app.add_option("--credit-delay-ps", credit_delay_ps, "credit return delay (wormhole)")
      ->capture_default_str();
  app.add_option("--buffer-bytes", buffer_bytes, "input buffer per router port (wire bytes)")
      ->capture_default_str();
  app.add_option("--link-gbps", link_gbps, "router-to-router link bandwidth, GB/s per direction")
      ->capture_default_str();
  app.add_option("--local-gbps", local_gbps, "injection/ejection bandwidth, GB/s (0 = link)")
      ->capture_default_str();
  app.add_option("--link-latency-ps", link_latency_ps, "link flight latency")
      ->capture_default_str();
  app.add_option("--router-latency-ps", router_latency_ps, "router pipeline latency")
      ->capture_default_str();
  app.add_option("--hotspot-fraction", hotspot_fraction, "hotspot pattern: share to the hotspot")
      ->capture_default_str();
  app.add_option("--packets", packets, "measured packets per load point")->capture_default_str();
  app.add_option("--warmup", warmup, "warm-up packets per load point")->capture_default_str();
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  app.add_option("--arrivals", arrivals, "poisson|periodic")->capture_default_str();
  app.add_option("--loads", loads, "explicit offered loads (comma separated)")->delimiter(',');
  app.add_option("--steps", steps, "load points when --loads is not given")->capture_default_str();
  app.add_option("--max-load", max_load,
                 "largest load when --loads is not given (0 = 1.3 x uniform saturation bound)");
  CLI11_PARSE(app, argc, argv);

  try {
    MeshConfig mesh_config;
    mesh_config.width = width;
    mesh_config.height = height;
    const auto routing = parseRouting(routing_name);
    if (!routing)
      throw std::invalid_argument("--routing: expected xy or yx, got " + routing_name);
    mesh_config.routing = *routing;
    mesh_config.link.bandwidth_bytes_per_second = link_gbps * 1e9;
    mesh_config.link.latency_ps = link_latency_ps;
    mesh_config.link.packet_header_bytes = header_bytes;
    mesh_config.router_latency_ps = router_latency_ps;
    mesh_config.packet_payload_bytes = packet_bytes;
    mesh_config.input_buffer_bytes = buffer_bytes;
    mesh_config.link.flit_bytes = flit_bytes;
    const auto flow_control = parseFlowControl(flow_control_name);
    if (!flow_control) {
      throw std::invalid_argument("--flow-control: expected cut_through or wormhole, got " +
                                  flow_control_name);
    }
    mesh_config.flow_control = *flow_control;
    const auto arbitration = parseArbitration(arbitration_name);
    if (!arbitration) {
      throw std::invalid_argument(
          "--arbitration: expected presentation_order or arrival_order, got " + arbitration_name);
    }
    mesh_config.arbitration = *arbitration;
    mesh_config.virtual_channels = virtual_channels;
    mesh_config.credit_delay_ps = credit_delay_ps;
    mesh_config.allocation_delay_ps = allocation_delay_ps;
    if (local_gbps != 0.0) {
      LinkParams local = mesh_config.link;
      local.latency_ps = 0;
      local.bandwidth_bytes_per_second = local_gbps * 1e9;
      mesh_config.local_port = local;
    }
    const auto problems = mesh_config.validate();
    if (!problems.empty())
      throw std::invalid_argument(joinMessages(problems));

    TrafficPatternConfig pattern_config;
    const auto kind = parseTrafficKind(pattern_name);
    if (!kind) {
      throw std::invalid_argument(
          "--pattern: expected uniform|transpose|bitcomp|hotspot|"
          "neighbour, got " +
          pattern_name);
    }
    pattern_config.kind = *kind;
    pattern_config.width = width;
    pattern_config.height = height;
    pattern_config.hotspot_fraction = hotspot_fraction;
    const TrafficPattern pattern(pattern_config);
    if (arrivals != "poisson" && arrivals != "periodic") {
      throw std::invalid_argument("--arrivals: expected poisson or periodic, got " + arrivals);
    }

    const double bound = OpenLoopDriver::uniformSaturationBound(mesh_config);
    if (loads.empty()) {
      if (steps == 0)
        throw std::invalid_argument("--steps: expected >= 1, got 0");
      const double top = max_load > 0.0 ? max_load : 1.3 * bound;
      for (std::uint32_t step = 1; step <= steps; ++step)
        loads.push_back(top * step / steps);
    }

    {
      const MeshNetwork probe(mesh_config);
      std::printf(
          "# mesh %ux%u %s, pattern %s, %llu B packets, link %.1f GB/s %llu ps, "
          "router %llu ps, %s\n",
          width, height, routing_name.c_str(), pattern_name.c_str(),
          static_cast<unsigned long long>(packet_bytes), link_gbps,
          static_cast<unsigned long long>(link_latency_ps),
          static_cast<unsigned long long>(router_latency_ps),
          mesh_config.flow_control == FlowControl::kWormhole
              ? ("wormhole, " + std::to_string(mesh_config.flitsPerPacket()) + "-flit packets, " +
                 std::to_string(mesh_config.bufferFlitsPerVirtualChannel()) + "-flit buffers, " +
                 std::to_string(virtual_channels) + " VC, " + arbitration_name)
                    .c_str()
              : ("cut-through, buffer " + std::to_string(mesh_config.bufferSlots()) + " packets")
                    .c_str());
      std::printf(
          "# load unit: fraction of injection bandwidth per node; uniform-random "
          "bisection bound = %.4f; zero-load latency corner to corner = %.1f ns\n",
          bound,
          static_cast<double>(probe.zeroLoadPacketLatency(
              Endpoint::local(0), Endpoint::local(probe.nodes() - 1), packet_bytes)) /
              1e3);
    }
    std::printf("%10s %10s %12s %12s %12s %8s %12s %10s %12s\n", "offered", "accepted",
                "avg_lat_ns", "p50_lat_ns", "p99_lat_ns", "hops", "avg_head_ns", "wall_s",
                "win_accepted");
    for (double load : loads) {
      MeshNetwork mesh(mesh_config);
      OpenLoopConfig run_config;
      run_config.offered_load = load;
      run_config.measured_packets = packets;
      run_config.warmup_packets = warmup;
      run_config.seed = seed;
      run_config.arrivals =
          arrivals == "poisson" ? ArrivalProcess::kPoisson : ArrivalProcess::kPeriodic;
      OpenLoopDriver driver(mesh, pattern, run_config);
      const auto wall_start = std::chrono::steady_clock::now();
      const OpenLoopResult result = driver.run();
      const double wall_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      std::printf("%10.4f %10.4f %12.2f %12.2f %12.2f %8.2f %12.2f %10.3f %12.4f\n",
                  result.offered_load, result.accepted_load, result.mean_latency_ps / 1e3,
                  static_cast<double>(result.p50_latency_ps) / 1e3,
                  static_cast<double>(result.p99_latency_ps) / 1e3, result.mean_hops,
                  result.mean_head_latency_ps / 1e3, wall_s, result.window_accepted_load);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "spatialvp_mesh_curve: %s\n", error.what());
    return 2;
  }
  return 0;
}
