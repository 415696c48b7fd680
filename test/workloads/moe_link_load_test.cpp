#include <catch2/catch.hpp>

#include <vector>

#include "workloads/moe/expert_placement.h"
#include "workloads/moe/link_load_map.h"
#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/parallel_mapping.h"
#include "workloads/moe/phase_traffic_builder.h"

using namespace spatialvp::moe;

namespace {

// The sources W2.3 reference setting: uniform routing, one expert per die, every die owns one
// token unit (spread evenly over all experts), 1 byte per token unit.
struct ReferenceCase {
  int width;
  int height;
  int tp_x;
  int tp_y;
};

struct ReferenceLoads {
  double max_link;
  double mean_hops;
  bool zero_on_inter_ftd;
};

WaferSystemSpec meshSpec(int width, int height) {
  WaferSystemSpec spec;
  spec.mesh_width = width;
  spec.mesh_height = height;
  return spec;
}

ReferenceLoads allToAll(const ReferenceCase& c, MappingKind kind, DispatchSource source) {
  const MeshTopology topology(meshSpec(c.width, c.height));
  MappingConfig config;
  config.kind = kind;
  config.tp_x = c.tp_x;
  config.tp_y = c.tp_y;
  config.dispatch = source;
  const ParallelMapping mapping(topology, config);
  const int dies = topology.dies();
  const ExpertPlacement placement({mapping.domainDies(0)}, dies, dies, 0);
  const std::vector<double> demand(static_cast<std::size_t>(dies) * dies, 1.0 / dies);
  PhaseTrafficBuilder builder(mapping);
  MoeLayerTraffic traffic;
  builder.buildMoeLayer(demand, placement, 1.0, traffic);
  LinkLoadMap loads(topology);
  loads.add(traffic.dispatch);
  bool zero = true;
  if (mapping.entwined()) {
    zero = loads.maxBytes(Phase::kDispatch,
                          [&](int link) { return !mapping.isIntraFtdLink(link); }) == 0.0;
  }
  return {loads.maxBytes(Phase::kDispatch), loads.meanHops(Phase::kDispatch), zero};
}

double allReduceMax(const ReferenceCase& c, MappingKind kind) {
  const MeshTopology topology(meshSpec(c.width, c.height));
  MappingConfig config;
  config.kind = kind;
  config.tp_x = c.tp_x;
  config.tp_y = c.tp_y;
  const ParallelMapping mapping(topology, config);
  const PhaseTrafficBuilder builder(mapping);
  std::vector<Transfer> transfers;
  builder.appendAttentionCollective(std::vector<double>(mapping.groupCount(), 1.0), transfers);
  LinkLoadMap loads(topology);
  loads.add(transfers);
  return loads.maxBytes(Phase::kAttentionAllReduce);
}

constexpr double kTableRounding = 0.005;  // the sources W2.3 table prints two decimals

}  // namespace

TEST_CASE("moe: sources W2.3 table, all-to-all max-link loads and mean hops", "[moe][linkload]") {
  struct Row {
    ReferenceCase c;
    double sp_max, sp_hops, nearest_max, nearest_hops, er_max, er_hops;
  };
  const std::vector<Row> rows = {
      {{4, 4, 2, 2}, 1.00, 2.67, 1.50, 2.00, 0.50, 1.33},
      {{8, 8, 2, 2}, 2.00, 5.33, 3.50, 4.53, 1.00, 2.67},
      {{8, 8, 4, 4}, 2.00, 5.33, 5.00, 3.33, 0.50, 1.33},
      {{8, 8, 4, 2}, 2.00, 5.33, 3.50, 3.86, 1.00, 2.00},
  };
  for (const Row& row : rows) {
    INFO("mesh " << row.c.width << "x" << row.c.height << " TP " << row.c.tp_x << "x"
                 << row.c.tp_y);
    const auto sp = allToAll(row.c, MappingKind::kContiguous, DispatchSource::kTokenOwner);
    CHECK(sp.max_link == Approx(row.sp_max).margin(kTableRounding));
    CHECK(sp.mean_hops == Approx(row.sp_hops).margin(kTableRounding));
    const auto nearest = allToAll(row.c, MappingKind::kContiguous, DispatchSource::kNearestMember);
    CHECK(nearest.max_link == Approx(row.nearest_max).margin(kTableRounding));
    CHECK(nearest.mean_hops == Approx(row.nearest_hops).margin(kTableRounding));
    const auto er = allToAll(row.c, MappingKind::kEntwined, DispatchSource::kFtdMember);
    CHECK(er.max_link == Approx(row.er_max).margin(kTableRounding));
    CHECK(er.mean_hops == Approx(row.er_hops).margin(kTableRounding));
    CHECK(er.zero_on_inter_ftd);
  }
}

TEST_CASE("moe: sources W2.3 table, contiguous and entwined ring all-reduce max-link loads",
          "[moe][linkload]") {
  struct Row {
    ReferenceCase c;
    double contiguous, entwined;
  };
  const std::vector<Row> rows = {
      {{4, 4, 2, 2}, 1.50, 3.00},
      {{8, 8, 2, 2}, 1.50, 6.00},
      {{8, 8, 4, 4}, 1.88, 3.75},
      {{8, 8, 4, 2}, 1.75, 7.00},
  };
  for (const Row& row : rows) {
    INFO("mesh " << row.c.width << "x" << row.c.height << " TP " << row.c.tp_x << "x"
                 << row.c.tp_y);
    CHECK(allReduceMax(row.c, MappingKind::kContiguous) ==
          Approx(row.contiguous).margin(kTableRounding));
    CHECK(allReduceMax(row.c, MappingKind::kEntwined) ==
          Approx(row.entwined).margin(kTableRounding));
  }
}

TEST_CASE("moe: entwined all-reduce loads inter-FTD links twice as much as intra-FTD links",
          "[moe][linkload]") {
  // Sources W2.3: 4x4 gives 1.50 vs 0.75 mean, 8x8 TP 4 gives 3.00 vs 1.50; in the 4x4 case half of
  // the directed intra-FTD links are idle.
  for (const auto& c : {ReferenceCase{4, 4, 2, 2}, ReferenceCase{8, 8, 2, 2}}) {
    const MeshTopology topology(meshSpec(c.width, c.height));
    MappingConfig config;
    config.tp_x = c.tp_x;
    config.tp_y = c.tp_y;
    const ParallelMapping mapping(topology, config);
    const PhaseTrafficBuilder builder(mapping);
    std::vector<Transfer> transfers;
    builder.appendAttentionCollective(std::vector<double>(mapping.groupCount(), 1.0), transfers);
    LinkLoadMap loads(topology);
    loads.add(transfers);
    auto intra = [&](int link) { return mapping.isIntraFtdLink(link); };
    auto inter = [&](int link) { return !mapping.isIntraFtdLink(link); };
    const double expected_inter = c.width == 4 ? 1.50 : 3.00;
    CHECK(loads.meanBytes(Phase::kAttentionAllReduce, inter) == Approx(expected_inter));
    CHECK(loads.meanBytes(Phase::kAttentionAllReduce, intra) == Approx(expected_inter / 2));
    if (c.width == 4) {
      int idle = 0;
      int total = 0;
      for (int link = 0; link < topology.linkIdCount(); ++link) {
        if (!topology.linkExists(link) || !intra(link))
          continue;
        ++total;
        idle += loads.bytes(Phase::kAttentionAllReduce, link) == 0.0 ? 1 : 0;
      }
      CHECK(idle * 2 == total);
    }
  }
}
