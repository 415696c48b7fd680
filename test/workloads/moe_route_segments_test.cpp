#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "workloads/moe/link_load_map.h"
#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/route_segments.h"

using namespace spatialvp;
using namespace spatialvp::moe;

namespace {

// Every die sends to every other die (an owner combine's shape), seeded sizes.
std::vector<Transfer> allToAll(const MeshTopology& topology, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Transfer> flows;
  for (int src = 0; src < topology.dies(); ++src) {
    if (topology.dieDead(src))
      continue;
    for (int dst = 0; dst < topology.dies(); ++dst) {
      if (dst == src || topology.dieDead(dst))
        continue;
      Transfer flow;
      flow.src = src;
      flow.dst = dst;
      flow.bytes = static_cast<double>(1 + rng() % 100000);
      flow.phase = Phase::kCombine;
      flows.push_back(flow);
    }
  }
  return flows;
}

double routeLatency(const MeshTopology& topology, int src, int dst) {
  double latency = 0.0;
  topology.forEachLink(src, dst, [&](int link) { latency += topology.linkLatency(link); });
  return latency;
}

// The segments put exactly the flows' bytes on every link, follow the network's own routes
// between their ends, and each flow's legs chain from its source to its destination with the
// route's latency split around each segment.
void checkSegments(const MeshTopology& topology, const std::vector<Transfer>& flows,
                   const SegmentedFlows& out) {
  LinkLoadMap whole(topology);
  whole.add(flows);
  LinkLoadMap pieces(topology);
  pieces.add(out.segments);
  for (int link = 0; link < topology.linkIdCount(); ++link)
    REQUIRE(pieces.bytes(Phase::kCombine, link) == whole.bytes(Phase::kCombine, link));
  REQUIRE(out.first.size() == flows.size() + 1);
  for (std::size_t i = 0; i < flows.size(); ++i) {
    int at = flows[i].src;
    const double latency = routeLatency(topology, flows[i].src, flows[i].dst);
    REQUIRE(out.first[i + 1] > out.first[i]);
    for (int l = out.first[i]; l < out.first[i + 1]; ++l) {
      const SegmentedFlows::Leg& leg = out.legs[static_cast<std::size_t>(l)];
      const Transfer& piece = out.segments[static_cast<std::size_t>(leg.segment)];
      REQUIRE(piece.src == at);
      const double own = routeLatency(topology, piece.src, piece.dst);
      REQUIRE(leg.before_s + own + leg.after_s == Approx(latency));
      at = piece.dst;
    }
    REQUIRE(at == flows[i].dst);
  }
}

}  // namespace

TEST_CASE("moe: route segments keep every link's bytes with far fewer transfers",
          "[moe][segments]") {
  SECTION("one 8 x 8 wafer") {
    const MeshTopology topology{WaferSystemSpec{}};
    const std::vector<Transfer> flows = allToAll(topology, 1);
    RouteSegmenter segmenter(topology);
    SegmentedFlows out;
    segmenter.segment(flows, out);
    checkSegments(topology, flows, out);
    // XY routes turn once: at most one segment per (die, die in its row or column).
    CHECK(out.segments.size() <= 64u * (7 + 7));
    CHECK(out.segments.size() * 4 < flows.size());
    for (const Transfer& piece : out.segments) {  // straight pieces
      const bool row = topology.globalY(piece.src) == topology.globalY(piece.dst);
      const bool column = topology.globalX(piece.src) == topology.globalX(piece.dst);
      CHECK(row != column);
    }
  }
  SECTION("4 wafers of 4 x 4 with one linked die per edge") {
    WaferSystemSpec base;
    base.mesh_width = 4;
    base.mesh_height = 4;
    base.inter_wafer_link_offsets = {1};
    WaferSystemSpec spec = waferSystemWithWafers(4, base);
    spec.inter_wafer_latency = 5e-7;
    const MeshTopology topology(spec);
    const std::vector<Transfer> flows = allToAll(topology, 2);
    RouteSegmenter segmenter(topology);
    SegmentedFlows out;
    segmenter.segment(flows, out);
    checkSegments(topology, flows, out);
    CHECK(out.segments.size() * 2 < flows.size());
  }
  SECTION("fault-tolerant routes around a dead die and a dead link") {
    const WaferSystemSpec spec;
    MeshTopology topology(spec);
    const interconnect::WaferGridRouting grid(8, 8, 1, 1, {}, "test");
    interconnect::WaferFaultSpec faults;
    faults.dead_dies = {27};
    faults.dead_links = {interconnect::LinkSite{36, interconnect::GridStep::kYPlus}};
    faults.degraded_links = {interconnect::LinkSite{9, interconnect::GridStep::kXPlus}};
    topology.adoptFaults(interconnect::WaferFaults(faults, grid));
    const std::vector<Transfer> flows = allToAll(topology, 3);
    RouteSegmenter segmenter(topology);
    SegmentedFlows out;
    segmenter.segment(flows, out);
    checkSegments(topology, flows, out);  // pieces that would route otherwise stay whole
    CHECK(out.segments.size() * 2 < flows.size());
  }
}

TEST_CASE("moe: route segments merge only equal pieces and skip empty flows", "[moe][segments]") {
  const MeshTopology topology{WaferSystemSpec{}};
  // (0,0) -> (3,2) and (0,0) -> (3,5) share the row piece (0,0) -> (3,0).
  const auto die = [&](int x, int y) { return topology.dieAt(0, x, y); };
  std::vector<Transfer> flows(4);
  flows[0] = Transfer{die(0, 0), die(3, 2), 100.0, Phase::kCombine, TransferStep::kTokenFlow};
  flows[1] = Transfer{die(0, 0), die(3, 5), 50.0, Phase::kCombine, TransferStep::kTokenFlow};
  flows[2] = Transfer{die(1, 1), die(1, 1), 70.0, Phase::kCombine, TransferStep::kTokenFlow};
  flows[3] = Transfer{die(2, 0), die(6, 0), 30.0, Phase::kCombine, TransferStep::kTokenFlow};
  RouteSegmenter segmenter(topology);
  SegmentedFlows out;
  segmenter.segment(flows, out);
  REQUIRE(out.segments.size() == 4);  // shared row piece, two column pieces, one straight flow
  CHECK(out.segments[0].src == die(0, 0));
  CHECK(out.segments[0].dst == die(3, 0));
  CHECK(out.segments[0].bytes == 150.0);
  CHECK(out.first[3] - out.first[2] == 0);  // the self-transfer has no legs
  CHECK(out.first[4] - out.first[3] == 1);  // a straight flow is its own segment
  const SegmentedFlows::Leg& column = out.legs[static_cast<std::size_t>(out.first[0] + 1)];
  CHECK(column.before_s == Approx(3 * topology.linkLatency(0)));
  CHECK(column.after_s == 0.0);
}

TEST_CASE("moe: route segments merge only within a ready class", "[moe][segments]") {
  const MeshTopology topology{WaferSystemSpec{}};
  const auto die = [&](int x, int y) { return topology.dieAt(0, x, y); };
  // Both flows share the row piece (0,0) -> (3,0), but their sources are ready at different
  // times: the pieces stay apart, so no piece carries bytes of a flow not yet ready.
  const std::vector<Transfer> flows = {
      Transfer{die(0, 0), die(3, 2), 100.0, Phase::kCombine, TransferStep::kTokenFlow},
      Transfer{die(0, 0), die(3, 5), 50.0, Phase::kCombine, TransferStep::kTokenFlow}};
  RouteSegmenter segmenter(topology);
  SegmentedFlows out;
  const std::vector<std::uint64_t> same = {7, 7};
  segmenter.segment(flows, out, &same);
  CHECK(out.segments.size() == 3);
  const std::vector<std::uint64_t> apart = {7, 9};
  segmenter.segment(flows, out, &apart);
  REQUIRE(out.segments.size() == 4);
  CHECK(out.segments[0].bytes == 100.0);
  CHECK(out.segments[2].bytes == 50.0);
  CHECK(out.segments[2].src == die(0, 0));
}
