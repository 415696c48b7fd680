#include "interconnect/traffic/open_loop_driver.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace spatialvp::interconnect {

std::vector<std::string> OpenLoopConfig::validate() const {
  std::vector<std::string> problems;
  if (!std::isfinite(offered_load) || offered_load <= 0.0 || offered_load > 16.0) {
    std::ostringstream msg;
    msg << "open_loop.offered_load: expected a value in (0, 16] (fraction of injection "
           "bandwidth), got "
        << offered_load;
    problems.push_back(msg.str());
  }
  if (measured_packets == 0)
    problems.push_back("open_loop.measured_packets: expected >= 1, got 0");
  return problems;
}

OpenLoopDriver::OpenLoopDriver(MeshNetwork& mesh, const TrafficPattern& pattern,
                               const OpenLoopConfig& config)
    : mesh_(mesh), pattern_(pattern), config_(config) {
  auto problems = config_.validate();
  if (pattern.config().width != mesh.width() || pattern.config().height != mesh.height()) {
    problems.push_back("open_loop: traffic pattern is for a " +
                       std::to_string(pattern.config().width) + "x" +
                       std::to_string(pattern.config().height) + " mesh but the mesh is " +
                       std::to_string(mesh.width()) + "x" + std::to_string(mesh.height()));
  }
  if (!problems.empty()) {
    throw std::invalid_argument("invalid open-loop run: " + joinMessages(problems));
  }
}

double OpenLoopDriver::uniformSaturationBound(const MeshConfig& config) {
  const double nodes = static_cast<double>(config.width) * config.height;
  const double local =
      static_cast<double>(config.localPortParams().serialisation(config.packet_payload_bytes));
  const double link = static_cast<double>(config.link.serialisation(config.packet_payload_bytes));
  auto cut_bound = [&](std::uint32_t along, std::uint32_t across) {
    if (along < 2)
      return std::numeric_limits<double>::infinity();  // no links along this axis
    const double crossing = static_cast<double>(along / 2) * ((along + 1) / 2) * across;
    return (nodes - 1) / crossing * local / link;
  };
  return std::min(
      {1.0, cut_bound(config.width, config.height), cut_bound(config.height, config.width)});
}

OpenLoopResult OpenLoopDriver::run() {
  DeterministicRng rng(config_.seed);
  const std::uint64_t payload = mesh_.config().packet_payload_bytes;
  const double local_serialisation =
      static_cast<double>(mesh_.config().localPortParams().serialisation(payload));
  const double mean_gap_ps = local_serialisation / config_.offered_load;

  // Next arrival per injecting node, earliest first (ties by node id: deterministic).
  using Arrival = std::pair<double, NodeId>;
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> arrivals;
  std::uint32_t injecting = 0;
  for (NodeId node = 0; node < mesh_.nodes(); ++node) {
    if (!pattern_.injects(node))
      continue;
    ++injecting;
    const double first = config_.arrivals == ArrivalProcess::kPoisson
                             ? rng.exponential(mean_gap_ps)
                             : rng.uniform01() * mean_gap_ps;
    arrivals.emplace(first, node);
  }

  OpenLoopResult result;
  result.offered_load = config_.offered_load;
  result.injecting_nodes = injecting;
  if (injecting == 0)
    return result;

  const std::uint64_t total = config_.warmup_packets + config_.measured_packets;
  // Per packet, in creation order (with arrival-order arbitration the timings come later).
  std::vector<Picoseconds> created_at;
  std::vector<Picoseconds> deliveries;
  std::vector<Picoseconds> head_deliveries;
  std::vector<std::uint32_t> packet_hops;
  created_at.reserve(static_cast<std::size_t>(total));
  deliveries.reserve(static_cast<std::size_t>(total));
  head_deliveries.reserve(static_cast<std::size_t>(total));
  packet_hops.reserve(static_cast<std::size_t>(total));
  const bool queued = mesh_.config().arbitration == MeshArbitration::kArrivalOrder;
  const MeshNetwork::DeliveryHandler record = [&](const MeshDelivery& delivery) {
    deliveries[delivery.tag] = delivery.result.delivered_ps;
    head_deliveries[delivery.tag] = delivery.result.head_delivered_ps;
    packet_hops[delivery.tag] = delivery.result.hops;
  };

  for (std::uint64_t index = 0; index < total; ++index) {
    const auto [when, source] = arrivals.top();
    arrivals.pop();
    const auto created = static_cast<Picoseconds>(std::llround(when));
    const std::optional<NodeId> destination = pattern_.destination(source, rng);
    const double gap =
        config_.arrivals == ArrivalProcess::kPoisson ? rng.exponential(mean_gap_ps) : mean_gap_ps;
    arrivals.emplace(when + gap, source);
    if (!destination)
      continue;  // cannot happen for injecting nodes; kept for safety

    const std::size_t packet = created_at.size();
    created_at.push_back(created);
    if (queued) {
      // Everything before `created` is settled: later packets are created no earlier.
      mesh_.advanceTo(created, record);
      deliveries.push_back(0);
      head_deliveries.push_back(0);
      packet_hops.push_back(0);
      mesh_.submit(Endpoint::local(source), Endpoint::local(*destination), payload, created,
                   packet);
    } else {
      const MeshTransferResult sent = mesh_.transfer(source, *destination, payload, created);
      deliveries.push_back(sent.delivered_ps);
      head_deliveries.push_back(sent.head_delivered_ps);
      packet_hops.push_back(sent.hops);
    }
    // Later packets are created no earlier than `created`, and use channels only after that.
    if (!queued && config_.retire_interval_packets != 0 &&
        (index + 1) % config_.retire_interval_packets == 0) {
      mesh_.retire(created);
    }
  }
  if (queued)
    mesh_.advanceTo(std::numeric_limits<Picoseconds>::max(), record);

  std::vector<Picoseconds> latencies;
  latencies.reserve(static_cast<std::size_t>(config_.measured_packets));
  Picoseconds window_start = 0;
  Picoseconds window_end = 0;
  std::uint64_t measured_hops = 0;
  long double head_latency_sum = 0;
  const Picoseconds first_created = created_at.empty() ? 0 : created_at.front();
  for (std::size_t packet = 0; packet < created_at.size(); ++packet) {
    const Picoseconds created = created_at[packet];
    result.packet_hops += packet_hops[packet];
    if (packet == config_.warmup_packets)
      window_start = created;
    window_end = created;
    if (packet >= config_.warmup_packets) {
      latencies.push_back(deliveries[packet] - created);
      head_latency_sum += static_cast<long double>(head_deliveries[packet] - created);
      measured_hops += packet_hops[packet];
    }
  }

  result.injected_packets = deliveries.size();
  result.measured_packets = latencies.size();
  result.window_ps = window_end - window_start;
  if (!deliveries.empty()) {
    // Every packet, crossing the bisection or not, must be delivered before the clock stops, so
    // a congested region cannot be hidden by the packets that avoid it.
    const Picoseconds last_delivery = *std::max_element(deliveries.begin(), deliveries.end());
    const Picoseconds span = last_delivery - first_created;
    if (span > 0) {
      result.accepted_load = static_cast<double>(deliveries.size()) * local_serialisation /
                             (static_cast<double>(span) * injecting);
    }
  }
  if (result.window_ps > 0) {
    const auto inside = std::count_if(deliveries.begin(), deliveries.end(), [&](Picoseconds t) {
      return t >= window_start && t < window_end;
    });
    result.window_accepted_load = static_cast<double>(inside) * local_serialisation /
                                  (static_cast<double>(result.window_ps) * injecting);
  }
  if (!latencies.empty()) {
    long double sum = 0;
    for (Picoseconds latency : latencies)
      sum += static_cast<long double>(latency);
    result.mean_latency_ps = static_cast<double>(sum / static_cast<long double>(latencies.size()));
    result.mean_hops = static_cast<double>(measured_hops) / static_cast<double>(latencies.size());
    result.mean_head_latency_ps =
        static_cast<double>(head_latency_sum / static_cast<long double>(latencies.size()));
    auto quantile = [&latencies](double q) {
      const auto rank =
          static_cast<std::size_t>(std::ceil(q * static_cast<double>(latencies.size())));
      const std::size_t position = std::min(latencies.size() - 1, rank == 0 ? 0 : rank - 1);
      std::nth_element(latencies.begin(), latencies.begin() + static_cast<std::ptrdiff_t>(position),
                       latencies.end());
      return latencies[position];
    };
    result.p50_latency_ps = quantile(0.5);
    result.p99_latency_ps = quantile(0.99);
    result.min_latency_ps = *std::min_element(latencies.begin(), latencies.end());
    result.max_latency_ps = *std::max_element(latencies.begin(), latencies.end());
  }
  return result;
}

}  // namespace spatialvp::interconnect
