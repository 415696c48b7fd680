#include "interconnect/mesh/mesh_network.h"

#include "interconnect/d2d/d2d_link.h"
#include "test/interconnect/core_test_support.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

using namespace spatialvp::interconnect;
using namespace spatialvp::interconnect::core_test;
using spatialvp::Picoseconds;

namespace {

std::uint32_t manhattan(const MeshNetwork& mesh, NodeId a, NodeId b) {
  const auto dx = static_cast<int>(mesh.xOf(a)) - static_cast<int>(mesh.xOf(b));
  const auto dy = static_cast<int>(mesh.yOf(a)) - static_cast<int>(mesh.yOf(b));
  return static_cast<std::uint32_t>((dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy));
}

}  // namespace

TEST_CASE("Mesh: zero-load latency is D x (router + link) + router + serialisation exactly",
          "[interconnect][mesh]") {
  for (RoutingAlgorithm routing : {RoutingAlgorithm::kXY, RoutingAlgorithm::kYX}) {
    MeshConfig config = testConfig(5, 4);
    config.routing = routing;
    MeshNetwork mesh(config);
    Picoseconds now = 0;
    for (NodeId source = 0; source < mesh.nodes(); ++source) {
      for (NodeId destination = 0; destination < mesh.nodes(); ++destination) {
        now += 1000000;  // far apart: the mesh is idle for every transfer
        const auto result = mesh.transfer(source, destination, 256, now);
        const std::uint32_t d = manhattan(mesh, source, destination);
        // D router-to-router links, D + 1 routers, local ports with 0 latency by default.
        const Picoseconds expected = d * (kRouter + kLink) + kRouter + kSerialisation;
        REQUIRE(result.hops == d);
        REQUIRE(result.delivered_ps - now == expected);
        REQUIRE(mesh.zeroLoadPacketLatency(Endpoint::local(source), Endpoint::local(destination),
                                           256) == expected);
      }
    }
    CHECK(mesh.packetLatency().count() == 400);
    CHECK(mesh.packetLatency().max() == 7 * (kRouter + kLink) + kRouter + kSerialisation);
  }
}

TEST_CASE("Mesh: zero-load latency adds local port latency and takes the slowest serialisation",
          "[interconnect][mesh]") {
  MeshConfig config = testConfig(4, 4);
  LinkParams local = config.link;
  local.latency_ps = 300;
  local.bandwidth_bytes_per_second = 32e9;  // injection/ejection half as fast: 8.25 ns
  config.local_port = local;
  MeshNetwork mesh(config);
  const auto result = mesh.transfer(mesh.nodeAt(0, 0), mesh.nodeAt(3, 2), 256, 0);
  CHECK(result.delivered_ps == 2 * 300 + 5 * kLink + 6 * kRouter + 8250);
}

TEST_CASE("Mesh: a burst is cut into packets that pipeline back to back", "[interconnect][mesh]") {
  MeshNetwork mesh(testConfig(4, 4));
  // 1000 B -> 256 + 256 + 256 + 232; the last is 240 B on the wire = 3.75 ns.
  const auto result = mesh.transfer(mesh.nodeAt(0, 0), mesh.nodeAt(2, 3), 1000, 0);
  CHECK(result.packets == 4);
  CHECK(result.delivered_ps == 5 * (kRouter + kLink) + kRouter + 3 * kSerialisation + 3750);
  const FlowCounters* flow =
      mesh.flow(Endpoint::local(mesh.nodeAt(0, 0)), Endpoint::local(mesh.nodeAt(2, 3)));
  REQUIRE(flow != nullptr);
  CHECK(flow->bytes_injected == 1000);
  CHECK(flow->bytes_delivered == 1000);
  CHECK(flow->packets_delivered == 4);
  // XY: first link leaves (0,0) eastwards and carries all four packets.
  const ChannelCounters& first_link = mesh.outputChannel(mesh.nodeAt(0, 0), Port::kEast);
  CHECK(first_link.packets == 4);
  CHECK(first_link.payload_bytes == 1000);
  CHECK(first_link.wire_bytes == 1032);
  CHECK(first_link.busy_ps == 3 * kSerialisation + 3750);
  CHECK(mesh.outputChannel(mesh.nodeAt(0, 0), Port::kNorth).packets == 0);
}

TEST_CASE("Mesh: two packets contending for an ejection port are serialised",
          "[interconnect][mesh]") {
  MeshNetwork mesh(testConfig(3, 1));
  const auto from_west = mesh.transfer(0, 1, 256, 0);
  const auto from_east = mesh.transfer(2, 1, 256, 0);
  const Picoseconds zero_load = (kRouter + kLink) + kRouter + kSerialisation;
  CHECK(from_west.delivered_ps == zero_load);
  CHECK(from_east.delivered_ps == zero_load + kSerialisation);
  CHECK(mesh.outputChannel(1, Port::kLocal).packets == 2);
}

TEST_CASE("Mesh: a late-presented earlier packet uses idle gaps and is deterministic",
          "[interconnect][mesh]") {
  MeshNetwork mesh(testConfig(4, 4));
  const NodeId source = mesh.nodeAt(0, 0);
  const NodeId destination = mesh.nodeAt(3, 3);
  const Picoseconds zero_load = 6 * (kRouter + kLink) + kRouter + kSerialisation;
  const auto future = mesh.transfer(source, destination, 256, 1000000);  // ran ahead
  const auto early = mesh.transfer(source, destination, 256, 0);
  CHECK(future.delivered_ps == 1000000 + zero_load);
  CHECK(early.delivered_ps == zero_load);  // not queued behind the future packet
  // Overlapping the future booking: queues behind it, never displaces it.
  const auto overlapping = mesh.transfer(source, destination, 256, 1000000 - 1000);
  CHECK(overlapping.delivered_ps > future.delivered_ps);

  // Same call sequence -> same answers, bit for bit.
  auto run = [](std::uint64_t seed) {
    MeshNetwork network(testConfig(4, 4));
    std::mt19937_64 engine(seed);
    std::vector<Picoseconds> results;
    for (int i = 0; i < 2000; ++i) {
      const auto src = static_cast<NodeId>(engine() % 16);
      const auto dst = static_cast<NodeId>(engine() % 16);
      const Picoseconds ready = engine() % 2000000;  // deliberately out of order
      results.push_back(network.transfer(src, dst, 64 + engine() % 2000, ready).delivered_ps);
    }
    return results;
  };
  CHECK(run(7) == run(7));
  CHECK(run(7) != run(8));
}

TEST_CASE("Mesh: full input buffers push back on upstream traffic", "[interconnect][mesh]") {
  // Y: a long burst 1 -> 2 holds link 1->2. X: 0 -> 2 must wait for it in router 1's west input
  // buffer. Z: 0 -> (1,1) only needs that buffer to turn north. With one slot, X fills the buffer
  // and Z waits for Y's burst (tree saturation); with deep buffers Z passes X.
  auto latency_of_z = [](std::uint64_t buffer_packets) {
    MeshConfig config = testConfig(3, 2);
    config.input_buffer_bytes = buffer_packets * 264;
    MeshNetwork mesh(config);
    mesh.transfer(1, 2, 20 * 256, 0);                    // Y
    mesh.transfer(0, 2, 256, 0);                         // X
    return mesh.transfer(0, mesh.nodeAt(1, 1), 256, 0);  // Z
  };
  const auto deep = latency_of_z(8);
  const auto shallow = latency_of_z(1);
  // Deep: Z only queues behind X on the shared injection port.
  CHECK(deep.delivered_ps == kSerialisation + 2 * (kRouter + kLink) + kRouter + kSerialisation);
  // Shallow: Z cannot enter router 1 before X leaves it, after Y's 20 packets.
  CHECK(shallow.delivered_ps > 20 * kSerialisation);
}

TEST_CASE("Mesh: edge endpoints attach off-mesh devices on the border", "[interconnect][mesh]") {
  MeshConfig config = testConfig(4, 3);
  LinkParams edge = config.link;
  edge.latency_ps = 5000;  // e.g. an HBM PHY or an inter-wafer link
  config.edge_port = edge;
  MeshNetwork mesh(config);
  CHECK(mesh.edgeEndpoints().size() == 2 * 4 + 2 * 3);
  const Endpoint west_edge{mesh.nodeAt(0, 1), Port::kWest};
  const Endpoint east_edge{mesh.nodeAt(3, 1), Port::kEast};
  CHECK(mesh.isEndpoint(west_edge));
  CHECK_FALSE(mesh.isEndpoint(Endpoint{mesh.nodeAt(1, 1), Port::kWest}));  // interior port
  const auto result = mesh.transfer(west_edge, east_edge, 256, 0);
  CHECK(result.delivered_ps == 2 * 5000 + 3 * kLink + 4 * kRouter + kSerialisation);
  CHECK(mesh.outputChannel(mesh.nodeAt(3, 1), Port::kEast).packets == 1);
  // Endpoints that are not on the mesh are errors, not crashes.
  CHECK_THROWS_AS(mesh.transfer(Endpoint{mesh.nodeAt(1, 1), Port::kWest}, east_edge, 8, 0),
                  std::invalid_argument);
  CHECK_THROWS_WITH(mesh.transfer(99, 0, 8, 0), Catch::Contains("router 99"));
}

TEST_CASE("Mesh: no packet is lost or duplicated: bytes in = bytes out per flow and per hop",
          "[interconnect][mesh]") {
  MeshNetwork mesh(testConfig(6, 5));
  std::vector<Endpoint> endpoints = mesh.edgeEndpoints();
  for (NodeId node = 0; node < mesh.nodes(); ++node)
    endpoints.push_back(Endpoint::local(node));
  std::mt19937_64 engine(42);
  std::map<std::uint64_t, std::uint64_t> offered;  // by (source index, destination index)
  std::uint64_t expected_channel_payload = 0;
  std::uint64_t expected_packets = 0;
  for (int i = 0; i < 5000; ++i) {
    const Endpoint source = endpoints[engine() % endpoints.size()];
    const Endpoint destination = endpoints[engine() % endpoints.size()];
    const std::uint64_t bytes = engine() % 3000;  // includes 0 and partial packets
    const auto result = mesh.transfer(source, destination, bytes, engine() % 10000000);
    offered[(std::uint64_t{endpointIndex(source)} << 32) | endpointIndex(destination)] += bytes;
    // Every byte crosses D mesh links plus the entry and the exit port.
    expected_channel_payload += bytes * (result.hops + 2);
    expected_packets += bytes == 0 ? 1 : (bytes + 255) / 256;
  }
  std::uint64_t delivered_packets = 0;
  for (const auto& [key, flow] : mesh.flows()) {
    INFO("flow " << key);
    CHECK(flow.bytes_delivered == flow.bytes_injected);
    CHECK(flow.packets_delivered == flow.packets_injected);
    CHECK(flow.bytes_delivered == offered.at(key));
    delivered_packets += flow.packets_delivered;
  }
  CHECK(mesh.flows().size() == offered.size());
  CHECK(delivered_packets == expected_packets);
  CHECK(mesh.packetsDelivered() == expected_packets);
  std::uint64_t channel_payload = 0;
  for (const auto& report : mesh.channelReports())
    channel_payload += report.counters.payload_bytes;
  CHECK(channel_payload == expected_channel_payload);
}

TEST_CASE("Mesh: dimension-order routing has an acyclic channel dependency graph (deadlock-free)",
          "[interconnect][mesh]") {
  for (RoutingAlgorithm routing : {RoutingAlgorithm::kXY, RoutingAlgorithm::kYX}) {
    MeshConfig config = testConfig(5, 4);
    config.routing = routing;
    const MeshNetwork mesh(config);
    // Nodes: output channels (router * 5 + port); edge a -> b when a route uses b right after a.
    std::map<std::uint32_t, std::set<std::uint32_t>> depends_on;
    std::map<std::uint32_t, int> in_degree;
    std::size_t routes = 0;
    for (NodeId source = 0; source < mesh.nodes(); ++source) {
      for (NodeId destination = 0; destination < mesh.nodes(); ++destination) {
        const auto path = mesh.outputPath(Endpoint::local(source), Endpoint::local(destination));
        REQUIRE(path.size() == manhattan(mesh, source, destination) + 1);
        // Dimension order: no move along the first dimension after one along the second.
        bool second_dimension_seen = false;
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
          const Port port = path[i].second;
          const bool along_x = port == Port::kEast || port == Port::kWest;
          const bool first_dimension = routing == RoutingAlgorithm::kXY ? along_x : !along_x;
          if (!first_dimension)
            second_dimension_seen = true;
          REQUIRE_FALSE((first_dimension && second_dimension_seen));
          const std::uint32_t from = path[i].first * 5 + static_cast<std::uint32_t>(port);
          const std::uint32_t to =
              path[i + 1].first * 5 + static_cast<std::uint32_t>(path[i + 1].second);
          if (depends_on[from].insert(to).second)
            ++in_degree[to];
          in_degree.emplace(from, 0);
        }
        ++routes;
      }
    }
    CHECK(routes == 400);
    // Kahn's algorithm: the graph is acyclic iff every channel can be removed.
    std::vector<std::uint32_t> ready;
    for (const auto& [channel, degree] : in_degree) {
      if (degree == 0)
        ready.push_back(channel);
    }
    std::size_t removed = 0;
    while (!ready.empty()) {
      const std::uint32_t channel = ready.back();
      ready.pop_back();
      ++removed;
      for (std::uint32_t next : depends_on[channel]) {
        if (--in_degree[next] == 0)
          ready.push_back(next);
      }
    }
    CHECK(removed == in_degree.size());
  }
}

TEST_CASE("Mesh: energy counters accumulate wire bits per link and per router",
          "[interconnect][mesh]") {
  MeshConfig config = testConfig(4, 4);
  config.link.energy_pj_per_bit = 0.2;
  config.router_energy_pj_per_bit = 0.1;
  MeshNetwork mesh(config);
  mesh.transfer(mesh.nodeAt(0, 0), mesh.nodeAt(3, 0), 256, 0);  // D = 3, 4 routers
  const double bits = 264 * 8;
  CHECK(mesh.energyBits().mesh_link_bits == Approx(3 * bits));
  CHECK(mesh.energyBits().local_port_bits == Approx(2 * bits));
  CHECK(mesh.energyBits().router_bits == Approx(4 * bits));
  // The default local port copies the link's energy per bit.
  CHECK(mesh.energyPj() == Approx(5 * bits * 0.2 + 4 * bits * 0.1));
  CHECK(mesh.packetHops() == 3);
}

TEST_CASE("Mesh: on-wafer configuration reuses D2D link parameters for mesh links",
          "[interconnect][mesh]") {
  // A wafer of dies: mesh links are D2D links (900 GB/s per direction, flit framing), the local
  // port is the die's own fast NoC attachment.
  D2dLinkConfig d2d;
  d2d.link.bandwidth_bytes_per_second = 900e9;
  d2d.link.latency_ps = 20000;
  d2d.link.packet_header_bytes = 16;
  d2d.link.flit_bytes = 256;
  d2d.link.flit_overhead_bytes = 16;
  d2d.max_packet_payload_bytes = 4096;
  const D2dLink single_link(d2d);

  MeshConfig wafer;
  wafer.width = 8;
  wafer.height = 8;
  wafer.link = d2d.link;
  wafer.packet_payload_bytes = d2d.max_packet_payload_bytes;
  wafer.router_latency_ps = 5000;
  LinkParams die_port;
  die_port.bandwidth_bytes_per_second = 4e12;
  wafer.local_port = die_port;
  wafer.input_buffer_bytes = 4 * wafer.link.wireBytes(4096);
  MeshNetwork mesh(wafer);
  // One hop between neighbouring dies = two routers + exactly what the D2D core says for one
  // packet (the D2D serialisation is the slowest on the path).
  const auto result = mesh.transfer(mesh.nodeAt(2, 3), mesh.nodeAt(3, 3), 4096, 0);
  CHECK(result.delivered_ps == 2 * 5000 + single_link.zeroLoadLatency(4096));
  CHECK(mesh.outputChannel(mesh.nodeAt(2, 3), Port::kEast).wire_bytes ==
        single_link.wireBytesOf(4096));
}
