// Faults on a mesh of dies (interconnect/mesh/wafer_faults.h, fault_tolerant_routing.h): one
// case per fault kind, the spec checks, and the deadlock-freedom proof of the up*/down* rule:
// the channel dependency graph of every route of a faulty mesh has no cycle, for many random
// fault sets, and every live pair is reachable.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "interconnect/mesh/mesh_network.h"
#include "test/interconnect/core_test_support.h"
#include "workloads/moe/mesh_topology.h"

using namespace spatialvp::interconnect;
using namespace spatialvp::interconnect::core_test;
using Catch::Matchers::Contains;
using spatialvp::Picoseconds;

namespace {

LinkSite link(int node, GridStep step) {
  return LinkSite{node, step};
}

// Routers visited by the route (source included).
std::vector<NodeId> visited(const MeshNetwork& mesh, NodeId source, NodeId destination) {
  std::vector<NodeId> routers{source};
  for (const auto& [router, port] :
       mesh.outputPath(Endpoint::local(source), Endpoint::local(destination))) {
    if (port != Port::kLocal)
      routers.push_back(
          static_cast<NodeId>(router + (port == Port::kEast    ? 1
                                        : port == Port::kWest  ? -1
                                        : port == Port::kNorth ? static_cast<int>(mesh.width())
                                                               : -static_cast<int>(mesh.width()))));
  }
  return routers;
}

// The failure text of building a mesh from `config`, with the FaultSpecError's field.
std::string faultError(const MeshConfig& config, std::string* field = nullptr) {
  try {
    MeshNetwork mesh(config);
  } catch (const FaultSpecError& error) {
    if (field != nullptr)
      *field = error.field();
    return error.what();
  }
  return "no error";
}

// True when the channel dependency graph of `routes` (each a list of channels in order: a
// channel depends on the one before it on some route) has no cycle (Kahn's algorithm).
bool acyclic(const std::vector<std::vector<std::uint32_t>>& routes, std::size_t channels) {
  std::vector<std::set<std::uint32_t>> edges(channels);
  for (const auto& route : routes) {
    for (std::size_t i = 0; i + 1 < route.size(); ++i)
      edges[route[i]].insert(route[i + 1]);
  }
  std::vector<int> incoming(channels, 0);
  for (const auto& targets : edges) {
    for (const std::uint32_t to : targets)
      ++incoming[to];
  }
  std::vector<std::uint32_t> ready;
  for (std::uint32_t c = 0; c < channels; ++c) {
    if (incoming[c] == 0)
      ready.push_back(c);
  }
  std::size_t removed = 0;
  while (!ready.empty()) {
    const std::uint32_t c = ready.back();
    ready.pop_back();
    ++removed;
    for (const std::uint32_t to : edges[c]) {
      if (--incoming[to] == 0)
        ready.push_back(to);
    }
  }
  return removed == channels;
}

// The router-to-router channels (router * 5 + out port) of the route between every pair of
// live routers; outputPath throws for a pair the routing cannot connect.
std::vector<std::vector<std::uint32_t>> liveRoutes(const MeshNetwork& mesh) {
  std::vector<std::vector<std::uint32_t>> routes;
  for (NodeId a = 0; a < mesh.nodes(); ++a) {
    for (NodeId b = 0; b < mesh.nodes(); ++b) {
      if (a == b || mesh.faults().dieDead(static_cast<int>(a)) ||
          mesh.faults().dieDead(static_cast<int>(b)))
        continue;
      auto path = mesh.outputPath(Endpoint::local(a), Endpoint::local(b));
      path.pop_back();  // the ejection port
      std::vector<std::uint32_t> channels;
      for (const auto& [router, port] : path)
        channels.push_back(router * kPortsPerRouter + static_cast<std::uint32_t>(port));
      routes.push_back(std::move(channels));
    }
  }
  return routes;
}

}  // namespace

TEST_CASE("Mesh faults: routes go around a dead die, which cannot be reached",
          "[interconnect][mesh][faults]") {
  MeshConfig config = testConfig(4, 4);
  config.faults.dead_dies = {5};  // x1y1
  MeshNetwork mesh(config);
  REQUIRE(mesh.faults().deadDies() == 1);
  REQUIRE(mesh.faults().deadLinks() == 4);  // its four links die with it
  for (NodeId a = 0; a < 16; ++a) {
    for (NodeId b = 0; b < 16; ++b) {
      if (a == 5 || b == 5 || a == b)
        continue;
      for (const NodeId router : visited(mesh, a, b))
        CHECK(router != 5);
    }
  }
  // x0y1 -> x2y1 was two hops east through x1y1; now a detour.
  CHECK(mesh.hops(4, 6) > 2);
  CHECK(mesh.transfer(4, 6, 256, 0).delivered_ps > 0);
  CHECK_THROWS_WITH(mesh.transfer(4, 5, 256, 0), Contains("x1y1 is a dead die"));
}

TEST_CASE("Mesh faults: a dead link carries nothing in either direction",
          "[interconnect][mesh][faults]") {
  MeshConfig config = testConfig(4, 1);  // a row: the dead link would cut it
  config.faults.dead_links = {link(1, GridStep::kXPlus)};
  std::string field;
  CHECK_THAT(faultError(config, &field), Contains("disconnect"));
  CHECK(field == "faults");

  config = testConfig(4, 4);
  config.faults.dead_links = {link(1, GridStep::kXPlus)};  // x1y0 - x2y0
  MeshNetwork mesh(config);
  CHECK(mesh.faults().deadLinks() == 1);
  for (NodeId a = 0; a < 16; ++a) {
    for (NodeId b = 0; b < 16; ++b) {
      if (a != b)
        mesh.transfer(a, b, 512, 0);
    }
  }
  CHECK(mesh.outputChannel(1, Port::kEast).packets == 0);
  CHECK(mesh.outputChannel(2, Port::kWest).packets == 0);
  CHECK(mesh.outputChannel(5, Port::kEast).packets > 0);  // the row above carries the detour
  CHECK(mesh.hops(0, 3) == 5);                            // up, three east, down
}

TEST_CASE("Mesh faults: a degraded link serialises at its reduced bandwidth",
          "[interconnect][mesh][faults]") {
  MeshConfig config = testConfig(4, 4);
  config.faults.degraded_links = {link(0, GridStep::kXPlus)};  // x0y0 - x1y0
  config.faults.degraded_bandwidth = 0.5;
  MeshNetwork mesh(config);
  REQUIRE(mesh.faults().degradedLinks() == 1);
  // One hop: injection and ejection at 64 B/ns, the degraded link at 32 B/ns (8250 ps).
  const Picoseconds degraded = kLink + 2 * kRouter + 2 * kSerialisation;
  const Picoseconds healthy = kLink + 2 * kRouter + kSerialisation;
  CHECK(mesh.transfer(0, 1, 256, 0).delivered_ps == degraded);
  CHECK(mesh.transfer(1, 0, 256, 0).delivered_ps == degraded);  // both directions
  CHECK(mesh.outputChannel(0, Port::kEast).busy_ps == 2 * kSerialisation);
  CHECK(mesh.transfer(4, 5, 256, 0).delivered_ps == healthy);
  CHECK(mesh.zeroLoadPacketLatency(Endpoint::local(0), Endpoint::local(1), 256) == degraded);
}

TEST_CASE("Mesh faults: a die with a dead HBM stack still forwards traffic",
          "[interconnect][mesh][faults]") {
  MeshConfig config = testConfig(3, 1);
  config.faults.dead_hbm = {1};
  MeshNetwork mesh(config);
  CHECK(mesh.faults().deadHbm() == 1);
  CHECK(mesh.faults().computeDead(1));
  CHECK_FALSE(mesh.faults().dieDead(1));
  CHECK(mesh.hops(0, 2) == 2);  // through x1y0
  CHECK(mesh.transfer(0, 2, 256, 0).delivered_ps > 0);
}

TEST_CASE("Mesh faults: bad specs name the field and element", "[interconnect][mesh][faults]") {
  std::string field;
  MeshConfig config = testConfig(4, 4);
  config.faults.die_density = 1.0;
  CHECK_THAT(faultError(config, &field), Contains("[0, 1)"));
  CHECK(field == "die_density");

  config = testConfig(4, 4);
  config.faults.dead_links = {link(3, GridStep::kXPlus)};  // x3y0 east: off the mesh
  CHECK_THAT(faultError(config, &field), Contains("no link from x3y0"));
  CHECK(field == "dead_links");

  config = testConfig(4, 4);
  config.faults.dead_links = {link(0, GridStep::kXPlus), link(0, GridStep::kYPlus)};
  CHECK_THAT(faultError(config), Contains("live die x0y0 cannot reach") && Contains("(1 of 16"));

  config = testConfig(4, 4);
  config.faults.dead_links = {link(0, GridStep::kXPlus)};
  config.faults.degraded_links = {link(1, GridStep::kXMinus)};  // the same link
  CHECK_THAT(faultError(config, &field), Contains("also listed in dead_links"));
  CHECK(field == "degraded_links");

  // Two 2 x 2 wafers linked only at offset 1: there is no inter-wafer link at offset 0.
  config = testConfig(4, 2);
  config.wafer_width = 2;
  config.wafer_height = 2;
  config.inter_wafer_link_offsets = {1};
  config.faults.degraded_links = {link(1, GridStep::kXPlus)};  // x1y0 - x2y0
  CHECK_THAT(faultError(config, &field), Contains("inter-wafer position without a link"));
}

TEST_CASE("Mesh faults: sampling is deterministic and nested as the density grows",
          "[interconnect][mesh][faults]") {
  const auto sample = [](double die_density, std::uint64_t seed) {
    MeshConfig config = testConfig(16, 16);
    config.faults.die_density = die_density;
    config.faults.link_density = die_density / 4;
    config.faults.seed = seed;
    return MeshNetwork(config).faults();
  };
  const WaferFaults low = sample(0.02, 7);
  const WaferFaults again = sample(0.02, 7);
  const WaferFaults high = sample(0.05, 7);
  REQUIRE(low.deadDies() > 0);
  CHECK(high.deadDies() > low.deadDies());
  for (int node = 0; node < 256; ++node) {
    CHECK(low.dieDead(node) == again.dieDead(node));
    if (low.dieDead(node))
      CHECK(high.dieDead(node));
  }
  CHECK(sample(0.02, 8).deadDies() + low.deadDies() > 0);
}

TEST_CASE("Mesh faults: up*/down* routing is deadlock-free and connects every live pair",
          "[interconnect][mesh][faults]") {
  // Many random fault sets on one 8 x 8 wafer and on two 4 x 4 wafers with sparse inter-wafer
  // links; sets that disconnect the wafer are refused (and skipped here).
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    for (const bool two_wafers : {false, true}) {
      MeshConfig config = two_wafers ? testConfig(8, 4) : testConfig(8, 8);
      if (two_wafers) {
        config.wafer_width = 4;
        config.wafer_height = 4;
        config.inter_wafer_link_offsets = {1, 2};
      }
      config.faults.die_density = 0.08;
      config.faults.link_density = 0.08;
      config.faults.degraded_link_density = 0.1;
      config.faults.seed = seed;
      try {
        const MeshNetwork mesh(config);
        if (mesh.faults().empty())
          continue;
        INFO("seed " << seed << (two_wafers ? ", two wafers" : ", one wafer"));
        const auto routes = liveRoutes(mesh);
        const int live = static_cast<int>(mesh.nodes()) - mesh.faults().deadDies();
        CHECK(routes.size() == static_cast<std::size_t>(live * (live - 1)));
        CHECK(acyclic(routes, mesh.nodes() * kPortsPerRouter));
        ++checked;
      } catch (const FaultSpecError& error) {
        CHECK_THAT(error.what(), Contains("disconnect"));
      }
    }
  }
  CHECK(checked >= 40);
}

TEST_CASE("Mesh faults: the acyclicity check finds a cycle of turns",
          "[interconnect][mesh][faults]") {
  // Negative control of the proof above: four routes turning clockwise around a 2 x 2 square
  // (x0y0 E, x1y0 N, x1y1 W, x0y1 S) depend on each other in a ring; dimension-order routing
  // forbids two of those turns and passes.
  const auto channel = [](std::uint32_t router, Port port) {
    return router * kPortsPerRouter + static_cast<std::uint32_t>(port);
  };
  const std::vector<std::vector<std::uint32_t>> ring = {
      {channel(0, Port::kEast), channel(1, Port::kNorth)},
      {channel(1, Port::kNorth), channel(3, Port::kWest)},
      {channel(3, Port::kWest), channel(2, Port::kSouth)},
      {channel(2, Port::kSouth), channel(0, Port::kEast)}};
  CHECK_FALSE(acyclic(ring, 4 * kPortsPerRouter));
  const MeshNetwork mesh(testConfig(6, 6));
  CHECK(acyclic(liveRoutes(mesh), mesh.nodes() * kPortsPerRouter));
}

TEST_CASE("Mesh faults: the MoE layer routes around faults exactly as the mesh",
          "[interconnect][mesh][faults][moe]") {
  MeshConfig config = testConfig(8, 4);
  config.wafer_width = 4;
  config.wafer_height = 4;
  config.inter_wafer_link_offsets = {1, 2};
  config.faults.dead_dies = {9};
  config.faults.dead_links = {link(2, GridStep::kYPlus)};
  config.faults.degraded_links = {link(17, GridStep::kXPlus)};
  const MeshNetwork mesh(config);

  spatialvp::moe::WaferSystemSpec spec;
  spec.mesh_width = 4;
  spec.mesh_height = 4;
  spec.wafers_x = 2;
  spec.inter_wafer_link_offsets = {1, 2};
  spatialvp::moe::MeshTopology topology(spec);
  topology.adoptFaults(mesh.faults());
  int compared = 0;
  for (int a = 0; a < topology.dies(); ++a) {
    for (int b = 0; b < topology.dies(); ++b) {
      if (a == b || topology.dieDead(a) || topology.dieDead(b))
        continue;
      std::vector<std::pair<NodeId, Port>> expected;
      for (const int l : topology.route(a, b)) {
        const int die = topology.linkSource(l);
        expected.emplace_back(static_cast<NodeId>(topology.nodeOf(die)), static_cast<Port>(l % 4));
      }
      auto path = mesh.outputPath(Endpoint::local(static_cast<NodeId>(topology.nodeOf(a))),
                                  Endpoint::local(static_cast<NodeId>(topology.nodeOf(b))));
      path.pop_back();  // the ejection port
      CHECK(path == expected);
      ++compared;
    }
  }
  CHECK(compared == 31 * 30);
  const int degraded = topology.dieAtGlobal(1, 2) * 4 + 0;  // node 17 = x1y2, east
  CHECK(topology.linkBandwidth(degraded) == Approx(0.5 * spec.d2d_bandwidth));
  CHECK_FALSE(topology.linkExists(topology.dieAtGlobal(2, 0) * 4 + 2));  // x2y0 north: dead
}
