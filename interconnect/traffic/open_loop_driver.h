#pragma once
// Open-loop synthetic traffic through a MeshNetwork (SystemC-free): every injecting node
// generates single-packet transfers at the offered load, independent of the network state
// (infinite source queues, as in BookSim), and results are measured after a warm-up.
//
// Load unit: fraction of the injection-port bandwidth per injecting node, counted in wire time
// of full packets on the local port (load 1.0 = the port is always busy). Accepted throughput
// is reported in the same unit: all packets x local-port serialisation / ((last delivery -
// first creation) x injecting nodes). Counting every packet (not only those ejected inside a
// window) keeps packets that avoid a congested region from hiding it past saturation. Latency
// statistics cover the packets created after the warm-up.
#include <cstdint>
#include <string>
#include <vector>

#include "interconnect/mesh/mesh_network.h"
#include "interconnect/traffic/traffic_pattern.h"

namespace spatialvp::interconnect {

enum class ArrivalProcess : std::uint8_t {
  kPoisson,   // exponential inter-arrival times
  kPeriodic,  // fixed period, random phase per node
};

struct OpenLoopConfig {
  double offered_load = 0.1;  // see the unit above; (0, 16]
  std::uint64_t warmup_packets = 2000;
  std::uint64_t measured_packets = 20000;
  std::uint64_t seed = 1;
  ArrivalProcess arrivals = ArrivalProcess::kPoisson;
  // Call MeshNetwork::retire() every this many packets (bounds memory; 0 = never).
  std::uint64_t retire_interval_packets = 4096;

  std::vector<std::string> validate() const;  // messages name "open_loop.<field>"
};

struct OpenLoopResult {
  double offered_load = 0;
  double accepted_load = 0;  // see the unit above
  // As a cycle-level simulator counts it (Noxim, BookSim): packets delivered inside the
  // measurement window over the window, same unit. Past saturation this is the mean over flows,
  // while accepted_load is set by the slowest flow.
  double window_accepted_load = 0;
  std::uint32_t injecting_nodes = 0;
  std::uint64_t injected_packets = 0;  // warm-up + measured
  std::uint64_t measured_packets = 0;
  std::uint64_t packet_hops = 0;  // router-to-router link traversals of all injected packets
  Picoseconds window_ps = 0;      // measurement window (injection times)
  double mean_latency_ps = 0;     // creation to tail delivery, incl. source queueing
  Picoseconds min_latency_ps = 0;
  Picoseconds p50_latency_ps = 0;
  Picoseconds p99_latency_ps = 0;
  Picoseconds max_latency_ps = 0;
  double mean_hops = 0;
  double mean_head_latency_ps = 0;  // creation to the head flit's delivery (see MeshTransferResult)
};

class OpenLoopDriver {
 public:
  // Throws std::invalid_argument if the config is invalid or the pattern's mesh size differs.
  OpenLoopDriver(MeshNetwork& mesh, const TrafficPattern& pattern, const OpenLoopConfig& config);

  OpenLoopResult run();

  // Saturation bound for uniform random traffic with dimension-order routing, in the load
  // unit above. For a cut between columns c-1 and c, c*H sources send a fraction
  // (W-c)*H/(N-1) of their packets across it, spread over H links per direction, so a link
  // carries c*(W-c)*r/(N-1) packets/s at r packets/s per node; the busiest cut is c = W/2.
  // lambda_x = (N-1) / (H * floor(W/2) * ceil(W/2)) * S_local / S_link (likewise for y), and
  // the bound is min(1, lambda_x, lambda_y). For k x k (k even): 4(N-1)/(k*N) * S_local/S_link
  // = 0.492 on 8 x 8 with equal serialisation times.
  static double uniformSaturationBound(const MeshConfig& config);

 private:
  MeshNetwork& mesh_;
  const TrafficPattern& pattern_;
  OpenLoopConfig config_;
};

}  // namespace spatialvp::interconnect
