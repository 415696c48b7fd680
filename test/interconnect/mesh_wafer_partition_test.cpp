// A mesh partitioned into wafers (MeshConfig::wafer_width/height): inter-wafer links have their
// own latency and bandwidth, sparse links are never used, and the route equals the MoE layer's
// moe::MeshTopology route for every die pair (both use WaferGridRouting).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "interconnect/mesh/mesh_network.h"
#include "test/interconnect/core_test_support.h"
#include "workloads/moe/mesh_topology.h"

using namespace spatialvp::interconnect;
using namespace spatialvp::interconnect::core_test;
using Catch::Matchers::Contains;
using spatialvp::Picoseconds;

namespace {

constexpr Picoseconds kInterWafer = 9000;
// 264 wire bytes at 32 B/ns on an inter-wafer link (half a mesh link's bandwidth).
constexpr Picoseconds kInterWaferSerialisation = 8250;

// wafers_x x wafers_y wafers of wafer x wafer routers of the test mesh; inter-wafer links at
// half the bandwidth, 9 ns and 2 pJ/bit.
MeshConfig waferConfig(std::uint32_t wafer, std::uint32_t wafers_x, std::uint32_t wafers_y,
                       std::vector<int> offsets) {
  MeshConfig config = testConfig(wafer * wafers_x, wafer * wafers_y);
  config.wafer_width = wafer;
  config.wafer_height = wafer;
  LinkParams inter_wafer = config.link;
  inter_wafer.bandwidth_bytes_per_second = 32e9;
  inter_wafer.latency_ps = kInterWafer;
  inter_wafer.energy_pj_per_bit = 2.0;
  config.inter_wafer_link = inter_wafer;
  config.inter_wafer_link_offsets = std::move(offsets);
  return config;
}

}  // namespace

TEST_CASE("Mesh wafers: zero-load latency across an inter-wafer link is its closed form",
          "[interconnect][mesh][wafer]") {
  MeshNetwork mesh(waferConfig(2, 2, 1, {}));  // 4 x 2 mesh, two 2 x 2 wafers side by side
  const NodeId source = mesh.nodeAt(0, 0);
  const NodeId destination = mesh.nodeAt(3, 0);
  // Three links east, the middle one between the wafers; the slowest serialisation counts once.
  const Picoseconds expected = 2 * kLink + kInterWafer + 4 * kRouter + kInterWaferSerialisation;
  const auto result = mesh.transfer(source, destination, 256, 0);
  CHECK(result.hops == 3);
  CHECK(result.delivered_ps == expected);
  CHECK(mesh.zeroLoadPacketLatency(Endpoint::local(source), Endpoint::local(destination), 256) ==
        expected);
  const ChannelCounters& crossing = mesh.outputChannel(mesh.nodeAt(1, 0), Port::kEast);
  CHECK(crossing.packets == 1);
  CHECK(crossing.busy_ps == kInterWaferSerialisation);
  CHECK(mesh.energyBits().inter_wafer_link_bits == 8.0 * 264);
  CHECK(mesh.energyBits().mesh_link_bits == 2 * 8.0 * 264);
  CHECK(mesh.energyPj() == Approx(2.0 * 8.0 * 264));  // only the inter-wafer link has pJ/bit

  // A burst pipelines at the bottleneck: 1000 B -> 3 x 264 B + 240 B on the wire.
  const auto burst = mesh.transfer(source, destination, 1000, 1000000);
  CHECK(burst.delivered_ps - 1000000 ==
        expected - kInterWaferSerialisation + 3 * kInterWaferSerialisation + 7500);

  int inter_wafer_channels = 0;
  for (const ChannelReport& channel : mesh.channelReports()) {
    if (channel.kind == ChannelKind::kInterWaferLink) {
      ++inter_wafer_channels;
      CHECK(mesh.xOf(channel.router) + (channel.port == Port::kEast ? 1u : 0u) == 2);
    }
  }
  CHECK(inter_wafer_channels == 2 * 2);  // both rows, both directions
}

TEST_CASE("Mesh wafers: sparse links are the only crossings and routes equal MeshTopology's",
          "[interconnect][mesh][wafer]") {
  for (const std::vector<int>& offsets : {std::vector<int>{}, {3}, {1, 2}, {0, 3}}) {
    INFO("offsets " << offsets.size());
    MeshNetwork mesh(waferConfig(4, 2, 2, offsets));  // 8 x 8 mesh, 2 x 2 wafers of 4 x 4
    spatialvp::moe::WaferSystemSpec spec;
    spec.mesh_width = 4;
    spec.mesh_height = 4;
    spec.wafers_x = 2;
    spec.wafers_y = 2;
    spec.inter_wafer_link_offsets = offsets;
    const spatialvp::moe::MeshTopology topology(spec);
    auto isLinked = [&](int offset) {
      return offsets.empty() || std::find(offsets.begin(), offsets.end(), offset) != offsets.end();
    };

    Picoseconds now = 0;
    std::uint64_t bytes = 0;
    std::uint64_t link_payload = 0;  // sum over transfers of bytes x channels crossed
    for (int src = 0; src < topology.dies(); ++src) {
      for (int dst = 0; dst < topology.dies(); ++dst) {
        const NodeId from = mesh.nodeAt(static_cast<std::uint32_t>(topology.globalX(src)),
                                        static_cast<std::uint32_t>(topology.globalY(src)));
        const NodeId to = mesh.nodeAt(static_cast<std::uint32_t>(topology.globalX(dst)),
                                      static_cast<std::uint32_t>(topology.globalY(dst)));
        const auto path = mesh.outputPath(Endpoint::local(from), Endpoint::local(to));
        const std::vector<int> route = topology.route(src, dst);
        REQUIRE(path.size() == route.size() + 1);  // then the ejection port
        Picoseconds latency = 0;
        Picoseconds slowest = kSerialisation;
        for (std::size_t i = 0; i < route.size(); ++i) {
          const int die = topology.linkSource(route[i]);
          REQUIRE(path[i].first == mesh.nodeAt(static_cast<std::uint32_t>(topology.globalX(die)),
                                               static_cast<std::uint32_t>(topology.globalY(die))));
          REQUIRE(static_cast<int>(path[i].second) == route[i] % 4);
          if (topology.isInterWafer(route[i])) {
            const bool east_west = path[i].second == Port::kEast || path[i].second == Port::kWest;
            CHECK(isLinked(east_west ? topology.localY(die) : topology.localX(die)));
            latency += kInterWafer;
            slowest = kInterWaferSerialisation;
          } else {
            latency += kLink;
          }
        }
        // Idle mesh: the closed form along this route, with each link's own latency.
        now += 10000000;
        const auto result = mesh.transfer(from, to, 256, now);
        REQUIRE(result.hops == route.size());
        REQUIRE(result.delivered_ps - now == latency + (route.size() + 1) * kRouter + slowest);
        bytes += 256;
        link_payload += 256 * (route.size() + 2);
      }
    }
    // Bytes in = bytes out, and the channels carried each byte once per channel on its route.
    std::uint64_t injected = 0;
    std::uint64_t delivered = 0;
    for (const auto& entry : mesh.flows()) {
      injected += entry.second.bytes_injected;
      delivered += entry.second.bytes_delivered;
    }
    CHECK(injected == bytes);
    CHECK(delivered == bytes);
    std::uint64_t carried = 0;
    int inter_wafer_links = 0;
    for (const ChannelReport& channel : mesh.channelReports()) {
      carried += channel.counters.payload_bytes;
      inter_wafer_links += channel.kind == ChannelKind::kInterWaferLink ? 1 : 0;
    }
    CHECK(carried == link_payload);
    // Links left out are not channels: 4 facing edges x linked offsets x 2 directions.
    const int linked = offsets.empty() ? 4 : static_cast<int>(offsets.size());
    CHECK(inter_wafer_links == 4 * linked * 2);
  }
}

TEST_CASE("Mesh wafers: one wafer covering the mesh behaves exactly as no partition",
          "[interconnect][mesh][wafer]") {
  MeshConfig plain = waferConfig(4, 1, 1, {});
  plain.wafer_width = 0;
  plain.wafer_height = 0;
  MeshConfig one_wafer = waferConfig(4, 1, 1, {});
  MeshNetwork a(plain);
  MeshNetwork b(one_wafer);
  for (std::uint32_t i = 0; i < 2000; ++i) {
    const NodeId from = (i * 7) % 16;
    const NodeId to = (i * 11 + 3) % 16;
    const Picoseconds ready = (i * 7919) % 50000;  // out of order and contended
    const auto x = a.transfer(from, to, 100 + (i % 5) * 200, ready);
    const auto y = b.transfer(from, to, 100 + (i % 5) * 200, ready);
    REQUIRE(x.delivered_ps == y.delivered_ps);
    REQUIRE(x.hops == y.hops);
  }
}

TEST_CASE("Mesh wafers: bad partitions and offsets are configuration errors naming the field",
          "[interconnect][mesh][wafer][config]") {
  MeshConfig config = waferConfig(4, 2, 1, {});
  CHECK(config.validate().empty());
  config.wafer_width = 3;
  CHECK(mentions(config.validate(), "mesh.wafer_width: expected a divisor of width (8"));
  config.wafer_width = 0;  // only one of the two set
  CHECK(mentions(config.validate(), "mesh.wafer_width: expected a divisor of width (8"));
  CHECK_THROWS_WITH(MeshNetwork(config), Contains("mesh.wafer_width"));

  config = waferConfig(4, 2, 1, {1, 4});
  CHECK(mentions(config.validate(),
                 "mesh.inter_wafer_link_offsets: expected offsets 0..3 (positions along a "
                 "wafer edge of 4 x 4 dies), got 4"));
  config.inter_wafer_link_offsets = {2, 2};
  CHECK(mentions(config.validate(),
                 "mesh.inter_wafer_link_offsets: expected each offset once, got 2 twice"));
  config.inter_wafer_link_offsets = {-1};
  CHECK_THROWS_WITH(MeshNetwork(config), Contains("mesh.inter_wafer_link_offsets"));

  // 2 x 4 wafers side by side along x: their east/west edges are 4 routers long.
  config = waferConfig(4, 2, 1, {});
  config.width = 8;
  config.height = 2;
  config.wafer_height = 2;
  config.inter_wafer_link_offsets = {3};
  CHECK(mentions(config.validate(), "mesh.inter_wafer_link_offsets: expected an offset below 2"));

  config = waferConfig(4, 2, 1, {});
  config.wafer_width = 0;
  config.wafer_height = 0;
  config.inter_wafer_link_offsets = {1};
  CHECK(mentions(config.validate(), "mesh.inter_wafer_link_offsets: expected none without"));

  config = waferConfig(4, 2, 1, {});
  config.inter_wafer_link->bandwidth_bytes_per_second = 0;
  CHECK_THROWS_WITH(MeshNetwork(config),
                    Contains("mesh.inter_wafer_link.bandwidth_bytes_per_second"));

  // The MoE topology applies the same rule to the same lists.
  spatialvp::moe::WaferSystemSpec spec;
  spec.mesh_width = 4;
  spec.mesh_height = 4;
  spec.wafers_x = 2;
  spec.inter_wafer_link_offsets = {2, 2};
  CHECK_THROWS_WITH(spatialvp::moe::MeshTopology(spec), Contains("got 2 twice"));
}
