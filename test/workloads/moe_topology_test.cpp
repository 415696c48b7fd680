#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "workloads/moe/expert_placement.h"
#include "workloads/moe/layer_routing.h"
#include "workloads/moe/link_load_map.h"
#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/parallel_mapping.h"
#include "workloads/moe/phase_traffic_builder.h"
#include "workloads/star/random.h"

using namespace spatialvp::moe;

namespace {

// Skewed random demand (not the uniform reference): owner die x expert token counts.
std::vector<double> randomDemand(int dies, int experts, std::uint64_t seed) {
  spatialvp::star::DeterministicRng rng(seed);
  std::vector<double> demand(static_cast<std::size_t>(dies) * experts);
  for (std::size_t i = 0; i < demand.size(); ++i) {
    demand[i] = static_cast<double>(rng.uniformIndex(5)) * (i % 7 == 0 ? 4.0 : 1.0);
  }
  return demand;
}

}  // namespace

TEST_CASE("moe: XY routes, and multi-wafer routes equal global XY when every edge die is linked",
          "[moe][topology]") {
  WaferSystemSpec spec;
  spec.mesh_width = 4;
  spec.mesh_height = 4;
  const MeshTopology single(spec);
  // (0,0) -> (2,1): two X hops then one Y hop.
  const std::vector<int> route = single.route(0, 1 * 4 + 2);
  REQUIRE(route.size() == 3);
  CHECK(single.linkTarget(route[0]) == 1);
  CHECK(single.linkTarget(route[1]) == 2);
  CHECK(single.linkTarget(route[2]) == 6);

  const MeshTopology multi(waferSystemWithWafers(4, spec));
  REQUIRE(multi.gridWidth() == 8);
  REQUIRE(multi.gridHeight() == 8);
  for (int src = 0; src < multi.dies(); src += 3) {
    for (int dst = 0; dst < multi.dies(); dst += 5) {
      const int expected = std::abs(multi.globalX(src) - multi.globalX(dst)) +
                           std::abs(multi.globalY(src) - multi.globalY(dst));
      CHECK(multi.hops(src, dst) == expected);
      // Link by link: x changes first along the source's row, then y along the destination's
      // column (a minimal route through another column, e.g. the wafer's corner, would fail).
      int x = multi.globalX(src);
      int y = multi.globalY(src);
      for (const int link : multi.route(src, dst)) {
        const int next = multi.linkTarget(link);
        if (x != multi.globalX(dst)) {
          x += multi.globalX(dst) > x ? 1 : -1;
        } else {
          y += multi.globalY(dst) > y ? 1 : -1;
        }
        CHECK(multi.globalX(next) == x);
        CHECK(multi.globalY(next) == y);
      }
    }
  }
}

TEST_CASE("moe: sparse inter-wafer links route through the nearest linked edge die",
          "[moe][topology]") {
  WaferSystemSpec spec;
  spec.mesh_width = 4;
  spec.mesh_height = 4;
  spec.inter_wafer_link_offsets = {3};
  spec = waferSystemWithWafers(2, spec);
  const MeshTopology topology(spec);
  const int src = topology.dieAt(0, 1, 0);
  const int dst = topology.dieAt(1, 1, 0);
  int crossings = 0;
  topology.forEachLink(src, dst, [&](int link) {
    CHECK(topology.linkExists(link));
    if (topology.isInterWafer(link)) {
      ++crossings;
      CHECK(topology.localY(topology.linkSource(link)) == 3);
    }
  });
  CHECK(crossings == 1);
  CHECK(topology.hops(src, dst) == 2 + 3 + 1 + 3 + 1);
}

TEST_CASE("moe: zero-load time adds each link's latency and serialises at the slowest link",
          "[moe][topology]") {
  WaferSystemSpec spec;
  spec.mesh_width = 4;
  spec.mesh_height = 4;
  spec.inter_wafer_bandwidth = 450e9;
  spec.inter_wafer_latency = 500e-9;
  spec = waferSystemWithWafers(2, spec);
  const MeshTopology topology(spec);
  const int src = topology.dieAt(0, 2, 1);
  CHECK(topology.zeroLoadTime(src, topology.dieAt(0, 3, 1), 9e6) == Approx(9e6 / 900e9 + 100e-9));
  // (2,1) -> (5,1): a D2D link, the inter-wafer link, a D2D link on the second wafer.
  CHECK(topology.zeroLoadTime(src, topology.dieAt(1, 1, 1), 9e6) ==
        Approx(9e6 / 450e9 + 2 * 100e-9 + 500e-9));
  CHECK(topology.zeroLoadTime(src, src, 9e6) == 0.0);
}

TEST_CASE("moe: mapping formulas, FTDs and the entwined ring", "[moe][mapping]") {
  WaferSystemSpec spec;
  const MeshTopology topology(spec);  // 8x8
  MappingConfig config;
  config.kind = MappingKind::kEntwined;
  config.tp_x = 2;
  config.tp_y = 2;
  const ParallelMapping er(topology, config);
  // Sources W2.2: dx = dy = 4, group = (x mod 4) + 4 (y mod 4), rank = (x div 4) + 2 (y div 4).
  const int die = 6 * 8 + 5;  // (5, 6)
  CHECK(er.group(die) == 1 + 4 * 2);
  CHECK(er.tpRank(die) == 1 + 2 * 1);
  CHECK(er.ftdCount() == 4);
  for (int g = 0; g < er.groupCount(); ++g) {
    std::vector<int> ftds;
    for (int r = 0; r < er.tpSize(); ++r)
      ftds.push_back(er.ftd(er.member(g, r)));
    std::sort(ftds.begin(), ftds.end());
    CHECK(std::unique(ftds.begin(), ftds.end()) == ftds.end());  // one member per FTD
    const auto& ring = er.ringOrder(g);
    for (std::size_t i = 0; i < ring.size(); ++i) {
      CHECK(topology.hops(ring[i], ring[(i + 1) % ring.size()]) == 4);  // stride dx = dy = 4
    }
  }
  config.kind = MappingKind::kContiguous;
  const ParallelMapping contiguous(topology, config);
  CHECK(contiguous.group(die) == 2 + 4 * 3);
  CHECK(contiguous.tpRank(die) == 1 + 2 * 0);
  CHECK_THROWS_AS(ParallelMapping(topology, MappingConfig{MappingKind::kEntwined, 3, 2}),
                  std::invalid_argument);
}

TEST_CASE("moe: ER all-to-all stays inside FTDs under skewed routing, HER inside wafers",
          "[moe][mapping]") {
  WaferSystemSpec spec;
  spec.mesh_width = 4;
  spec.mesh_height = 4;
  spec = waferSystemWithWafers(2, spec);
  const MeshTopology topology(spec);
  const int experts = 32;  // one expert per die over both wafers
  for (MappingKind kind : {MappingKind::kEntwined, MappingKind::kHierarchicalEntwined}) {
    MappingConfig config;
    config.kind = kind;
    const ParallelMapping mapping(topology, config);
    const ExpertPlacement placement({mapping.domainDies(0)}, topology.dies(), experts, 0);
    PhaseTrafficBuilder builder(mapping);
    MoeLayerTraffic traffic;
    builder.buildMoeLayer(randomDemand(topology.dies(), experts, 7), placement, 1.0, traffic);
    LinkLoadMap loads(topology);
    loads.add(traffic.dispatch);
    loads.add(traffic.combine);
    REQUIRE(loads.totalBytes(Phase::kDispatch) > 0.0);
    for (Phase phase : {Phase::kDispatch, Phase::kCombine}) {
      CHECK(loads.maxBytes(phase, [&](int link) { return !mapping.isIntraFtdLink(link); }) == 0.0);
    }
    if (kind == MappingKind::kHierarchicalEntwined) {
      CHECK(loads.maxBytes(Phase::kDispatch,
                           [&](int link) { return topology.isInterWafer(link); }) == 0.0);
      // The cross-wafer token copies move in the attention collective instead.
      std::vector<Transfer> collective;
      builder.appendAttentionCollective(std::vector<double>(mapping.groupCount(), 1.0), collective);
      loads.add(collective);
      CHECK(loads.maxBytes(Phase::kAttentionAllReduce,
                           [&](int link) { return topology.isInterWafer(link); }) > 0.0);
    }
  }
}

TEST_CASE("moe: HER on-demand forwarding crosses to a wafer once per token", "[moe][mapping]") {
  WaferSystemSpec spec;
  spec.mesh_width = 4;
  spec.mesh_height = 4;
  spec = waferSystemWithWafers(2, spec);
  const MeshTopology topology(spec);
  const int dies = topology.dies();
  const int experts = dies;  // one expert per die over both wafers
  MappingConfig config;
  config.kind = MappingKind::kHierarchicalEntwined;
  config.her_forwarding = HerForwarding::kOnDemand;
  const ParallelMapping mapping(topology, config);
  const ExpertPlacement placement({mapping.domainDies(0)}, dies, experts, 0);
  REQUIRE_FALSE(mapping.replicatesTokens());

  // Skewed selections, 4 distinct experts per token: many tokens pick 2+ on the same wafer.
  LayerRouting routing;
  routing.tokens = 96;
  routing.top_k = 4;
  spatialvp::star::DeterministicRng rng(11);
  for (int token = 0; token < routing.tokens; ++token) {
    std::vector<int> chosen;
    while (static_cast<int>(chosen.size()) < routing.top_k) {
      const int e = static_cast<int>(rng.uniformIndex(experts));
      if (std::find(chosen.begin(), chosen.end(), e) == chosen.end())
        chosen.push_back(e);
    }
    routing.experts.insert(routing.experts.end(), chosen.begin(), chosen.end());
  }
  const int groups = mapping.groupCount();
  std::vector<int> owners;
  std::vector<double> demand(static_cast<std::size_t>(dies) * experts, 0.0);
  double remote_pairs = 0.0;
  std::vector<double> expected(static_cast<std::size_t>(dies) * 2, 0.0);
  for (int token = 0; token < routing.tokens; ++token) {
    const int owner = mapping.member(token % groups, (token / groups) % mapping.tpSize());
    owners.push_back(owner);
    bool on_wafer[2] = {false, false};
    for (int j = 0; j < routing.top_k; ++j) {
      const int e = routing.expert(token, j);
      demand[static_cast<std::size_t>(owner) * experts + e] += 1.0;
      const int wafer = topology.waferOf(placement.dieOfInstance(placement.instances(0, e)[0]));
      on_wafer[wafer] = true;
      remote_pairs += wafer != topology.waferOf(owner) ? 1.0 : 0.0;
    }
    for (int w = 0; w < 2; ++w)
      expected[static_cast<std::size_t>(owner) * 2 + w] += on_wafer[w] ? 1.0 : 0.0;
  }
  PhaseTrafficBuilder builder(mapping);
  const std::vector<double> wafer_tokens = builder.tokensPerWafer(routing, owners, placement);
  CHECK(wafer_tokens == expected);  // one instance per expert: exact counts
  double crossings = 0.0;
  for (int owner = 0; owner < dies; ++owner)
    crossings += wafer_tokens[static_cast<std::size_t>(owner) * 2 + 1 - topology.waferOf(owner)];
  REQUIRE(crossings < remote_pairs);  // the case exercises the once-per-wafer rule

  MoeLayerTraffic traffic;
  CHECK_THROWS_AS(builder.buildMoeLayer(demand, placement, 2.0, traffic), std::invalid_argument);
  builder.buildMoeLayer(demand, placement, 2.0, traffic, &wafer_tokens);
  for (const std::vector<Transfer>* list : {&traffic.dispatch, &traffic.combine}) {
    double crossing_bytes = 0.0;
    for (const Transfer& t : *list) {
      if (topology.waferOf(t.src) == topology.waferOf(t.dst))
        continue;
      // Only owner <-> its twin legs cross, once per token and wafer.
      CHECK(t.dst == topology.twinOn(t.src, topology.waferOf(t.dst)));
      crossing_bytes += t.bytes;
    }
    CHECK(crossing_bytes == Approx(2.0 * crossings));
  }
  double tokens = 0.0;
  for (double n : traffic.instance_tokens)
    tokens += n;
  CHECK(tokens == 4.0 * routing.tokens);
  // No token copies in the collectives: they stay on the home wafer.
  std::vector<Transfer> collectives;
  builder.appendAttentionCollective(std::vector<double>(groups, 1.0), collectives);
  builder.appendCombineCollective(std::vector<double>(groups, 1.0), collectives);
  REQUIRE_FALSE(collectives.empty());
  for (const Transfer& t : collectives)
    CHECK(topology.waferOf(t.src) == topology.waferOf(t.dst));
}

TEST_CASE("moe: every selection is dispatched once and combined once", "[moe][mapping]") {
  const MeshTopology topology(WaferSystemSpec{});
  for (MappingKind kind : {MappingKind::kContiguous, MappingKind::kEntwined}) {
    MappingConfig config;
    config.kind = kind;
    const ParallelMapping mapping(topology, config);
    const ExpertPlacement placement({mapping.domainDies(0)}, topology.dies(), 256, 0);
    const std::vector<double> demand = randomDemand(topology.dies(), 256, 3);
    double total = 0.0;
    for (double d : demand)
      total += d;
    PhaseTrafficBuilder builder(mapping);
    MoeLayerTraffic traffic;
    builder.buildMoeLayer(demand, placement, 2.0, traffic);
    double dispatched = 0.0;
    double combined = 0.0;
    for (const Transfer& t : traffic.dispatch)
      dispatched += t.bytes;
    for (const Transfer& t : traffic.combine)
      combined += t.bytes;
    CHECK(dispatched == Approx(2.0 * total));
    CHECK(combined == Approx(2.0 * total));
    double tokens = 0.0;
    for (double n : traffic.instance_tokens)
      tokens += n;
    CHECK(tokens == Approx(total));
  }
}
