// The wormhole mesh (flow_control wormhole) against closed forms, without a simulation kernel.
#include "interconnect/mesh/mesh_network.h"
#include "interconnect/mesh/wormhole_timing.h"
#include "test/interconnect/core_test_support.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
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

TEST_CASE("Mesh wormhole: zero-load latency is (D + 1) routers + D links + P flits exactly",
          "[interconnect][mesh][wormhole]") {
  MeshNetwork mesh(wormholeConfig(4, 3));
  Picoseconds now = 0;
  for (NodeId source = 0; source < mesh.nodes(); ++source) {
    for (NodeId destination = 0; destination < mesh.nodes(); ++destination) {
      now += 1000000;  // idle mesh for every transfer
      const auto result = mesh.transfer(source, destination, 32, now);
      const std::uint32_t d = manhattan(mesh, source, destination);
      const Picoseconds expected = (d + 1) * kWormRouter + kFlits * kFlit;
      REQUIRE(result.delivered_ps - now == expected);
      // The head flit arrives P - 1 flit times before the tail.
      REQUIRE(result.head_delivered_ps - now == expected - (kFlits - 1) * kFlit);
      REQUIRE(mesh.zeroLoadPacketLatency(Endpoint::local(source), Endpoint::local(destination),
                                         32) == expected);
    }
  }
  // A short last packet has fewer flits: 40 B = one full packet and a 2-flit one, back to back.
  now += 1000000;
  const auto burst = mesh.transfer(0, 1, 40, now);
  CHECK(burst.packets == 2);
  CHECK(burst.delivered_ps - now == 2 * kWormRouter + (kFlits + 2) * kFlit);
}

TEST_CASE("Mesh wormhole timing: a buffer shorter than the credit loop paces the flits",
          "[interconnect][mesh][wormhole]") {
  // Injection, one link of 3 ns, ejection; 1-flit buffers: flit k may enter a buffer only once
  // flit k-1 has left it and the credit is back, so on the link the period is
  // latency + router + credit = 4.5 ns instead of the 1 ns flit time.
  const Picoseconds flit = 1000;
  const Picoseconds router = 1000;
  const Picoseconds link = 3000;
  const Picoseconds credit = 500;
  std::vector<WormholeChannel> path = {{flit, 0, 0, 0}, {flit, link, 0, 0}, {flit, 0, 0, 0}};
  WormholeFlow packet;
  packet.flits = 8;
  packet.buffer_flits = 1;
  packet.router_ps = router;
  packet.credit_delay_ps = credit;
  const Picoseconds period = link + router + credit;
  const Picoseconds head_at_exit = router + link + router;
  CHECK(wormholeZeroLoadLatency(path, packet) == head_at_exit + 7 * period + flit);
  // With a buffer of 8 flits the loop is covered and flits stream at the flit time.
  packet.buffer_flits = 8;
  CHECK(wormholeZeroLoadLatency(path, packet) == head_at_exit + 8 * flit);
}

TEST_CASE("Mesh wormhole: one link saturates at one packet per P flit times",
          "[interconnect][mesh][wormhole]") {
  MeshNetwork mesh(wormholeConfig(4, 1));
  const Picoseconds packet_time = kFlits * kFlit;
  const Picoseconds zero_load = 4 * kWormRouter + packet_time;  // 3 hops
  // A 100-packet burst and 100 single packets offered at once from node 0 to node 3.
  const auto burst = mesh.transfer(0, 3, 100 * 32, 0);
  CHECK(burst.delivered_ps == zero_load + 99 * packet_time);
  Picoseconds last = 0;
  for (int packet = 0; packet < 100; ++packet)
    last = std::max(last, mesh.transfer(0, 3, 32, 0).delivered_ps);
  CHECK(last == zero_load + 199 * packet_time);
  const ChannelCounters& link = mesh.outputChannel(1, Port::kEast);
  CHECK(link.packets == 200);
  CHECK(link.busy_ps == 200 * packet_time);  // wire time of the flits
}

TEST_CASE("Mesh wormhole: a blocked packet longer than a buffer holds two links, not three",
          "[interconnect][mesh][wormhole]") {
  for (std::uint32_t vcs : {1u, 2u}) {
    CAPTURE(vcs);
    MeshNetwork mesh(wormholeConfig(6, 1, vcs));
    // Node 5's ejection is busy until T with its own 20 packets (local to local).
    const auto blocker = mesh.transfer(5, 5, 20 * 32, 0);
    const Picoseconds t_block = 20 * kFlits * kFlit;
    REQUIRE(blocker.delivered_ps == kWormRouter + t_block);
    // A: node 0 -> 5; its head reaches router 5 long before T and waits. Flits 0-3 wait in
    // router 5's buffer, flits 4-7 in router 4's, so link 4->5 stays held until the last of
    // them crossed it: T + 4 flits + credit; link 3->4 was free once flit 7 crossed it.
    const auto blocked = mesh.transfer(0, 5, 32, 0);
    CHECK(blocked.delivered_ps == kWormRouter + t_block + kFlits * kFlit);
    // C and D are ready at T/2, long after A's flits stopped moving and long before T.
    // C: node 4 -> the east edge of router 5 needs link 4->5.
    const Picoseconds ready = t_block / 2;
    const auto c = mesh.transfer(Endpoint::local(4), Endpoint{5, Port::kEast}, 32, ready);
    // D: node 3 -> node 4 needs link 3->4 and node 4's ejection.
    const auto d = mesh.transfer(3, 4, 32, ready);
    CHECK(d.delivered_ps - ready == 2 * kWormRouter + kFlits * kFlit);
    if (vcs == 1) {
      // A's flit 4 may cross link 4->5 one credit after flit 0 left router 5 (at the router
      // latency + T), flits 5-7 follow one flit time apart, and the last takes a flit time.
      const Picoseconds link_free =
          kWormRouter + t_block + kCredit + (kFlits - kBufferFlits) * kFlit;
      // C's head waits for A's tail on link 4->5, then router 5 and the edge channel.
      CHECK(c.delivered_ps == link_free + kWormRouter + kFlits * kFlit);
    } else {
      // The second virtual channel lets C pass the blocked packet: zero-load latency. (Before
      // A's flits stopped, C would share the wire with them.)
      CHECK(c.delivered_ps - ready == 2 * kWormRouter + kFlits * kFlit);
    }
  }
}

TEST_CASE("Mesh wormhole: random traffic conserves packets and is deterministic",
          "[interconnect][mesh][wormhole]") {
  auto run = [] {
    MeshNetwork mesh(wormholeConfig(4, 4, 2));
    std::mt19937_64 rng(7);
    std::vector<Picoseconds> deliveries;
    for (int i = 0; i < 2000; ++i) {
      const auto source = static_cast<NodeId>(rng() % 16);
      const auto destination = static_cast<NodeId>(rng() % 16);
      const Picoseconds ready = static_cast<Picoseconds>(i) * 3000 + rng() % 50000;
      const auto result = mesh.transfer(source, destination, 32 * (1 + rng() % 3), ready);
      REQUIRE(
          result.delivered_ps - ready >=
          mesh.zeroLoadPacketLatency(Endpoint::local(source), Endpoint::local(destination), 32));
      deliveries.push_back(result.delivered_ps);
    }
    REQUIRE(bytesConserved(mesh));
    return deliveries;
  };
  CHECK(run() == run());
}

TEST_CASE("Mesh wormhole: configuration errors name the field", "[interconnect][mesh][wormhole]") {
  MeshConfig config = wormholeConfig(4, 4);
  CHECK(config.validate().empty());
  CHECK(config.flitsPerPacket() == kFlits);
  CHECK(config.bufferFlitsPerVirtualChannel() == kBufferFlits);
  config.link.flit_bytes = 0;
  CHECK(mentions(config.validate(), "mesh.link.flit_bytes: expected > 0 with flow_control"));
  config = wormholeConfig(4, 4, 2);
  config.input_buffer_bytes = 4;  // one flit for two virtual channels
  CHECK(mentions(config.validate(), "mesh.input_buffer_bytes: expected >= one flit per virtual"));
  config = wormholeConfig(4, 4);
  config.virtual_channels = 0;
  CHECK(mentions(config.validate(), "mesh.virtual_channels: expected 1..64"));
  // Virtual channels need wormhole; a cut-through buffer must still hold a whole packet.
  config = testConfig(4, 4);
  config.virtual_channels = 2;
  CHECK(mentions(config.validate(), "mesh.virtual_channels: expected 1 with flow_control"));
  CHECK(parseFlowControl("wormhole") == FlowControl::kWormhole);
  CHECK(parseFlowControl("cut_through") == FlowControl::kCutThrough);
  CHECK_FALSE(parseFlowControl("Wormhole").has_value());
}
