// The wormhole mesh with arbitration arrival_order: heads granted in the order they arrive,
// input buffers FIFO (head-of-line blocking), against closed forms and the calendar mode.
#include "interconnect/mesh/mesh_network.h"
#include "interconnect/traffic/open_loop_driver.h"
#include "interconnect/traffic/traffic_pattern.h"
#include "test/interconnect/core_test_support.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

using namespace spatialvp::interconnect;
using namespace spatialvp::interconnect::core_test;
using spatialvp::Picoseconds;

namespace {

constexpr Picoseconds kPacket = kFlits * kFlit;
constexpr Picoseconds kEnd = std::numeric_limits<Picoseconds>::max();

MeshConfig config(std::uint32_t width, std::uint32_t height, MeshArbitration arbitration) {
  MeshConfig mesh = wormholeConfig(width, height);
  mesh.arbitration = arbitration;
  return mesh;
}

// Submits transfers (source, destination, bytes, ready) in order, runs the mesh to the end and
// returns each one's result.
struct Transfer {
  Endpoint source;
  Endpoint destination;
  std::uint64_t bytes;
  Picoseconds ready_ps;
};
std::vector<MeshTransferResult> runQueued(MeshNetwork& mesh, const std::vector<Transfer>& list) {
  std::vector<MeshTransferResult> results(list.size());
  std::vector<int> seen(list.size(), 0);
  const MeshNetwork::DeliveryHandler record = [&](const MeshDelivery& delivery) {
    results.at(delivery.tag) = delivery.result;
    ++seen.at(delivery.tag);
  };
  for (std::size_t i = 0; i < list.size(); ++i) {
    mesh.advanceTo(list[i].ready_ps, record);
    mesh.submit(list[i].source, list[i].destination, list[i].bytes, list[i].ready_ps, i);
  }
  mesh.advanceTo(kEnd, record);
  for (int count : seen)
    REQUIRE(count == 1);  // every transfer reported once
  Picoseconds next = 0;
  REQUIRE_FALSE(mesh.nextEventTime(next));
  return results;
}

std::vector<MeshTransferResult> runPresented(MeshNetwork& mesh, const std::vector<Transfer>& list) {
  std::vector<MeshTransferResult> results;
  for (const Transfer& t : list)
    results.push_back(mesh.transfer(t.source, t.destination, t.bytes, t.ready_ps));
  return results;
}

Transfer local(NodeId source, NodeId destination, std::uint64_t bytes, Picoseconds ready) {
  return {Endpoint::local(source), Endpoint::local(destination), bytes, ready};
}

}  // namespace

TEST_CASE("Mesh arrival order: an idle mesh gives the calendar mode's latencies",
          "[interconnect][mesh][wormhole]") {
  MeshNetwork queued(config(4, 3, MeshArbitration::kArrivalOrder));
  MeshNetwork presented(config(4, 3, MeshArbitration::kPresentationOrder));
  std::vector<Transfer> list;
  Picoseconds now = 0;
  for (NodeId source = 0; source < queued.nodes(); ++source) {
    for (NodeId destination = 0; destination < queued.nodes(); ++destination) {
      now += 1000000;  // idle mesh for every transfer
      list.push_back(local(source, destination, 32 * (1 + (source + destination) % 3), now));
    }
  }
  const auto a = runQueued(queued, list);
  const auto b = runPresented(presented, list);
  for (std::size_t i = 0; i < list.size(); ++i) {
    CAPTURE(i);
    CHECK(a[i].delivered_ps == b[i].delivered_ps);
    CHECK(a[i].head_delivered_ps == b[i].head_delivered_ps);
    CHECK(a[i].start_ps == b[i].start_ps);
    CHECK(a[i].packets == b[i].packets);
    CHECK(a[i].hops == b[i].hops);
  }
  CHECK(queued.packetsDelivered() == presented.packetsDelivered());
  CHECK(queued.packetHops() == presented.packetHops());
  CHECK(queued.outputChannel(1, Port::kEast).busy_ps ==
        presented.outputChannel(1, Port::kEast).busy_ps);
}

TEST_CASE(
    "Mesh arrival order: the head that reaches a link first takes it, whoever was "
    "presented first",
    "[interconnect][mesh][wormhole]") {
  // A: node 0 -> node 5, presented first, reaches link 3->4 at 4 routers = 8 ns. B: node 3 ->
  // node 5, ready at 1 ns, reaches it at 3 ns. The 5 ns gap is shorter than B's 16 ns hold.
  const std::vector<Transfer> list{local(0, 5, 32, 0), local(3, 5, 32, 1000)};
  const Picoseconds zero_a = 6 * kWormRouter + kPacket;
  const Picoseconds zero_b = 3 * kWormRouter + kPacket;

  MeshNetwork presented(config(6, 1, MeshArbitration::kPresentationOrder));
  const auto calendar = runPresented(presented, list);
  CHECK(calendar[0].delivered_ps == zero_a);        // A keeps the times it booked
  CHECK(calendar[1].delivered_ps - 1000 > zero_b);  // B waits behind A's tail

  MeshNetwork queued(config(6, 1, MeshArbitration::kArrivalOrder));
  const auto routed = runQueued(queued, list);
  CHECK(routed[1].delivered_ps - 1000 == zero_b);  // B first: no wait
  CHECK(routed[0].delivered_ps > zero_a);          // A waits behind B's tail
  // Less waiting in total: the router does not leave the link idle before A arrives.
  CHECK(routed[0].delivered_ps + routed[1].delivered_ps <
        calendar[0].delivered_ps + calendar[1].delivered_ps);
}

TEST_CASE("Mesh arrival order: a packet behind a blocked one in an input buffer waits for it",
          "[interconnect][mesh][wormhole]") {
  // 3 x 2 mesh. A packet local to node 2 holds node 2's ejection over [2, 18] ns. X: node 0 ->
  // node 2 (east, east) reaches router 2 at 6 ns and waits for the ejection, flits 0-3 in
  // router 2's west buffer, flits 4-7 in router 1's. Y: node 0 -> node 4 (east to router 1,
  // then north) follows X into router 1's west buffer; the north output is free, but Y's head
  // is behind X's flits. X's flit 4 may leave router 1 one credit (1 ns) after flit 0 left
  // router 2 (18 ns), flit 7 three flit times later: Y's head leaves router 1 at 25 ns at the
  // earliest, then crosses router 4 and the ejection flit.
  const std::vector<Transfer> list{local(2, 2, 32, 0), local(0, 2, 32, 0), local(0, 4, 32, 0)};
  MeshNetwork queued(config(3, 2, MeshArbitration::kArrivalOrder));
  const auto routed = runQueued(queued, list);
  REQUIRE(routed[0].delivered_ps == kWormRouter + kPacket);
  CHECK(routed[1].head_delivered_ps == kWormRouter + kPacket + kFlit);  // X ejects at 18 ns
  CHECK(routed[2].head_delivered_ps >= 25000 + kWormRouter + kFlit);

  // The calendar mode leaves this head-of-line blocking out: Y's head passes X's at router 1.
  MeshNetwork presented(config(3, 2, MeshArbitration::kPresentationOrder));
  const auto calendar = runPresented(presented, list);
  CHECK(calendar[1].delivered_ps == routed[1].delivered_ps);
  CHECK(calendar[2].head_delivered_ps < 25000 + kWormRouter + kFlit);

  // An allocation delay holds back only the head that waited behind X (Y), by exactly itself.
  MeshConfig slower = config(3, 2, MeshArbitration::kArrivalOrder);
  slower.allocation_delay_ps = 1000;
  MeshNetwork allocating(slower);
  const auto delayed = runQueued(allocating, list);
  CHECK(delayed[0].delivered_ps == routed[0].delivered_ps);
  CHECK(delayed[1].delivered_ps == routed[1].delivered_ps);
  CHECK(delayed[2].head_delivered_ps == routed[2].head_delivered_ps + 1000);
}

TEST_CASE("Mesh arrival order: random traffic conserves packets and is deterministic",
          "[interconnect][mesh][wormhole]") {
  auto run = [] {
    MeshNetwork mesh(config(4, 4, MeshArbitration::kArrivalOrder));
    std::mt19937_64 rng(11);
    std::vector<Transfer> list;
    Picoseconds ready = 0;
    for (int i = 0; i < 3000; ++i) {
      ready += rng() % 2500;  // ready times in order, heavy load
      list.push_back(local(static_cast<NodeId>(rng() % 16), static_cast<NodeId>(rng() % 16),
                           32 * (1 + rng() % 3), ready));
    }
    const auto results = runQueued(mesh, list);
    std::vector<Picoseconds> deliveries;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Transfer& t = list[i];
      REQUIRE(results[i].delivered_ps - t.ready_ps >=
              mesh.zeroLoadPacketLatency(t.source, t.destination, 32));
      deliveries.push_back(results[i].delivered_ps);
    }
    REQUIRE(bytesConserved(mesh));
    return deliveries;
  };
  CHECK(run() == run());
}

TEST_CASE("Mesh arrival order: open-loop uniform traffic waits less than in the calendar mode",
          "[interconnect][mesh][wormhole]") {
  // 8 x 8 uniform at about 60% of the knee: the calendar mode leaves link time unused that a
  // router would give to the first head waiting; both agree near zero load.
  TrafficPatternConfig uniform;
  uniform.width = 8;
  uniform.height = 8;
  const TrafficPattern pattern(uniform);
  auto mean_latency = [&](MeshArbitration arbitration, double load) {
    MeshNetwork mesh(config(8, 8, arbitration));
    OpenLoopConfig open_loop;
    open_loop.offered_load = load;
    open_loop.warmup_packets = 1000;
    open_loop.measured_packets = 8000;
    return OpenLoopDriver(mesh, pattern, open_loop).run().mean_latency_ps;
  };
  const double idle_queued = mean_latency(MeshArbitration::kArrivalOrder, 0.005);
  const double idle_presented = mean_latency(MeshArbitration::kPresentationOrder, 0.005);
  CHECK(idle_queued == Approx(idle_presented).epsilon(0.01));
  CHECK(mean_latency(MeshArbitration::kArrivalOrder, 0.17) <
        mean_latency(MeshArbitration::kPresentationOrder, 0.17));
}

TEST_CASE("Mesh arrival order: misuse and configuration errors are clear",
          "[interconnect][mesh][wormhole]") {
  MeshNetwork queued(config(4, 4, MeshArbitration::kArrivalOrder));
  CHECK_THROWS_AS(queued.transfer(0, 1, 32, 0), std::logic_error);
  queued.submit(Endpoint::local(0), Endpoint::local(3), 32, 5000, 0);
  queued.advanceTo(6000, [](const MeshDelivery&) {});
  CHECK_THROWS_AS(queued.submit(Endpoint::local(0), Endpoint::local(1), 32, 5999, 1),
                  std::invalid_argument);
  CHECK_THROWS_AS(queued.submit(Endpoint::local(99), Endpoint::local(1), 32, 7000, 1),
                  std::invalid_argument);
  MeshNetwork presented(config(4, 4, MeshArbitration::kPresentationOrder));
  CHECK_THROWS_AS(presented.submit(Endpoint::local(0), Endpoint::local(1), 32, 0, 0),
                  std::logic_error);

  MeshConfig bad = config(4, 4, MeshArbitration::kArrivalOrder);
  bad.virtual_channels = 2;
  bad.input_buffer_bytes = 32;
  CHECK(mentions(bad.validate(), "mesh.arbitration: expected presentation_order unless"));
  bad = testConfig(4, 4);
  bad.arbitration = MeshArbitration::kArrivalOrder;
  CHECK(mentions(bad.validate(), "mesh.arbitration: expected presentation_order unless"));
  bad = config(4, 4, MeshArbitration::kPresentationOrder);
  bad.allocation_delay_ps = 1000;
  CHECK(mentions(bad.validate(), "mesh.allocation_delay_ps: expected 0 unless arbitration"));
  CHECK(parseArbitration("arrival_order") == MeshArbitration::kArrivalOrder);
  CHECK(parseArbitration("presentation_order") == MeshArbitration::kPresentationOrder);
  CHECK_FALSE(parseArbitration("fifo").has_value());
}
