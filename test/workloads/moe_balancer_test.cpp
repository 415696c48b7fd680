#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "workloads/moe/analytic_moe_driver.h"
#include "workloads/moe/expert_balancer.h"
#include "workloads/moe/migration_queue.h"
#include "workloads/moe/replication_planner.h"

using namespace spatialvp::moe;

namespace {

std::vector<double> skewedLoads(int experts) {
  std::vector<double> loads(experts);
  for (int e = 0; e < experts; ++e)
    loads[e] = 100.0 / (1.0 + (e * 7) % experts);
  return loads;
}

MoeModel deepSeek() {
  return loadMoeModel(moeModelPresetPath(SPATIALVP_SOURCE_DIR, "deepseek_v3"));
}

AnalyticConfig smallWafer(BalancerKind balancer) {
  AnalyticConfig config;
  config.wafer.mesh_width = 4;
  config.wafer.mesh_height = 4;
  config.mapping.kind = MappingKind::kEntwined;
  config.workload.batch_per_group = 64;
  config.workload.moe_layers = 2;
  config.routing.zipf_exponent = 0.5;
  config.balancer = defaultBalancerConfig(balancer);
  config.balancer.interval = 3;
  config.balancer.history_window = 3;
  return config;
}

}  // namespace

TEST_CASE("moe: replication planner lowers the peak within the shadow slots", "[moe][balancer]") {
  const MeshTopology topology(WaferSystemSpec{});
  const ParallelMapping mapping(topology, MappingConfig{});
  const ExpertPlacement placement({mapping.domainDies(0)}, 64, 64, 1);
  const auto loads = skewedLoads(64);
  auto hops = [&](int a, int b) { return topology.hops(a, b); };
  const double before = ReplicationPlanner::imbalance(placement, 0, loads);
  double distance_sum[2] = {0.0, 0.0};
  int index = 0;
  for (TargetChoice choice : {TargetChoice::kLeastLoaded, TargetChoice::kNearest}) {
    const ReplicaPlan plan = ReplicationPlanner(choice, 1.05, hops).plan(placement, 0, loads);
    CHECK(plan.predicted_imbalance < 0.8 * before);
    CHECK_FALSE(plan.new_replicas.empty());
    std::vector<int> per_die(64, 0);
    for (const ReplicaMove& move : plan.new_replicas) {
      CHECK(++per_die[move.dst_die] <= 1);
      CHECK(placement.holds(move.src_die, move.expert));
      CHECK_FALSE(placement.holds(move.dst_die, move.expert));
      distance_sum[index] += topology.hops(move.src_die, move.dst_die);
    }
    distance_sum[index] /= static_cast<double>(plan.new_replicas.size());
    ++index;
  }
  CHECK(distance_sum[1] < distance_sum[0]);  // topology awareness shortens migrations
}

TEST_CASE("moe: migrations split local/global/local and advance only in their windows",
          "[moe][balancer]") {
  const MeshTopology topology(WaferSystemSpec{});
  const ParallelMapping mapping(topology, MappingConfig{});  // ER, 4x4 FTDs
  const int a = 1 * 8 + 1;                                   // (1,1) in FTD 0
  const int b = 6 * 8 + 6;                                   // (6,6) in FTD 3
  Migration m = splitMigration(&mapping, 0, 5, a, b, 10.0, 4.0);
  REQUIRE(m.chunks == 3);
  REQUIRE(m.steps.size() == 3);
  CHECK(m.steps[0].phase == Phase::kMigrationLocal);
  CHECK(m.steps[1].phase == Phase::kMigrationGlobal);
  CHECK(m.steps[2].phase == Phase::kMigrationLocal);
  CHECK(mapping.ftd(m.steps[0].dst) == mapping.ftd(a));
  CHECK(mapping.ftd(m.steps[1].dst) == mapping.ftd(b));
  for (int link : topology.route(m.steps[0].src, m.steps[0].dst)) {
    CHECK(mapping.isIntraFtdLink(link));
  }
  CHECK(m.chunkList().size() == 9);

  MigrationQueue queue(topology);
  queue.add(m);
  std::vector<double> plenty(topology.linkIdCount(), 1e9);
  // An all-to-all window first: the global step has nothing to carry yet.
  auto spare = plenty;
  CHECK(queue.advance(MigrationWindow::kAllToAll, spare).empty());
  CHECK(queue.pending().front().chunks_done == std::vector<int>{0, 0, 0});
  // Local window: all chunks take step 1 only.
  spare = plenty;
  CHECK(queue.advance(MigrationWindow::kAttentionAllReduce, spare).empty());
  CHECK(queue.pending().front().chunks_done == std::vector<int>{3, 0, 0});
  // A window with room for exactly one chunk on the global path.
  spare = plenty;
  for (int link : topology.route(m.steps[1].src, m.steps[1].dst))
    spare[link] = 4.0;
  CHECK(queue.advance(MigrationWindow::kAllToAll, spare).empty());
  CHECK(queue.pending().front().chunks_done == std::vector<int>{3, 1, 0});
  spare = plenty;
  CHECK(queue.advance(MigrationWindow::kAllToAll, spare).empty());
  spare = plenty;
  const auto done = queue.advance(MigrationWindow::kAttentionAllReduce, spare);
  REQUIRE(done.size() == 1);  // live only after the last chunk of the last step
  CHECK(queue.empty());
}

TEST_CASE("moe: balancers reduce imbalance; only the invasive ones stall", "[moe][balancer]") {
  const MoeModel model = deepSeek();
  auto run = [&](BalancerKind kind) {
    AnalyticMoeDriver driver(model, smallWafer(kind));
    return driver.run(14).mean(7);
  };
  const IterationReport none = run(BalancerKind::kNone);
  const IterationReport greedy = run(BalancerKind::kGreedyInvasive);
  const IterationReport topology = run(BalancerKind::kTopologyAwareInvasive);
  const IterationReport ni = run(BalancerKind::kNonInvasive);
  CHECK(none.migration_stall == 0.0);
  CHECK(none.live_replicas == 0);
  for (const IterationReport* balanced : {&greedy, &topology, &ni}) {
    CHECK(balanced->imbalance < none.imbalance);
  }
  CHECK(greedy.migration_stall > 0.0);
  CHECK(topology.migration_stall > 0.0);
  CHECK(ni.migration_stall == 0.0);
  CHECK(ni.live_replicas > 0);
}

TEST_CASE("moe: analytic driver is deterministic and HER keeps the all-to-all on-wafer",
          "[moe][driver]") {
  const MoeModel model = deepSeek();
  AnalyticConfig config = smallWafer(BalancerKind::kNone);
  config.wafer = waferSystemWithWafers(2, config.wafer);
  config.mapping.kind = MappingKind::kHierarchicalEntwined;
  AnalyticMoeDriver first(model, config);
  AnalyticMoeDriver second(model, config);
  const IterationReport a = first.run(2).mean();
  const IterationReport b = second.run(2).mean();
  CHECK(a.total() == b.total());
  CHECK(a.moe_compute > 0.0);
  const LinkLoadMap& loads = first.lastLayerLoads();
  auto inter_wafer = [&](int link) { return first.topology().isInterWafer(link); };
  CHECK(loads.maxBytes(Phase::kDispatch, inter_wafer) == 0.0);
  CHECK(loads.maxBytes(Phase::kAttentionAllReduce, inter_wafer) > 0.0);
  config.mapping.kind = MappingKind::kContiguous;
  AnalyticMoeDriver baseline(model, config);
  baseline.run(1);
  CHECK(baseline.lastLayerLoads().maxBytes(Phase::kDispatch, inter_wafer) > 0.0);
}
