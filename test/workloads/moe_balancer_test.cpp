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
  return loadMoeModel(SPATIALVP_SOURCE_DIR "/platform/configs/presets/moe/deepseek_v3.yaml");
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

// Loads with a broad spread, one expert per die (as Zipf plus drift at EP 256): an even split
// stalls well above the target (a replica of an expert of load L needs a die below L/2), the
// weighted split water-fills down to it.
TEST_CASE("moe: weighted replica split reaches the target where an even split stalls",
          "[moe][balancer]") {
  const MeshTopology topology(WaferSystemSpec{});
  const ParallelMapping mapping(topology, MappingConfig{});
  ExpertPlacement placement({mapping.domainDies(0)}, 64, 64, 1);
  std::vector<double> loads(64);
  for (int e = 0; e < 64; ++e)
    loads[e] = 50.0 + 50.0 * ((e * 37) % 64) / 63.0;  // 50 .. 100, mean 75
  auto hops = [&](int a, int b) { return topology.hops(a, b); };
  const double target = 1.05;
  const ReplicaPlan even =
      ReplicationPlanner(TargetChoice::kNearest, target, hops, PlanSplit::kEven)
          .plan(placement, 0, loads);
  const ReplicaPlan weighted =
      ReplicationPlanner(TargetChoice::kNearest, target, hops, PlanSplit::kWeighted)
          .plan(placement, 0, loads);
  CHECK(even.predicted_imbalance > 1.15);
  CHECK(weighted.predicted_imbalance <= target + 1e-9);

  // The plan's loads are consistent: per expert, primary + replica loads = the expert's load;
  // per die, the planned load stays within the target; one replica per die (one shadow slot).
  std::vector<double> expert_sum(64, 0.0);
  std::vector<double> die_load(64, 0.0);
  std::vector<int> replicas(64, 0);
  std::vector<bool> replicated(64, false);
  for (const ReplicaMove& move : weighted.new_replicas) {
    CHECK(move.load > 0.0);
    expert_sum[move.expert] += move.load;
    die_load[move.dst_die] += move.load;
    CHECK(++replicas[move.dst_die] <= 1);
    CHECK(placement.holds(move.src_die, move.expert));
    replicated[move.expert] = true;
  }
  for (const PrimaryLoad& primary : weighted.primaries) {
    expert_sum[primary.expert] += primary.load;
    die_load[primary.die] += primary.load;
  }
  for (int e = 0; e < 64; ++e) {
    if (replicated[e]) {
      CHECK(expert_sum[e] == Approx(loads[e]));
    } else {
      die_load[e] += loads[e];  // primary of expert e sits on die e (64 experts, 64 dies)
    }
  }
  for (int die = 0; die < 64; ++die)
    CHECK(die_load[die] <= target * 75.0 * (1.0 + 1e-9));

  // Applied as instance weights, the live layout has the planned imbalance.
  for (const PrimaryLoad& primary : weighted.primaries)
    placement.setWeight(primary.die, placement.primarySlotOf(primary.die, primary.expert),
                        primary.load);
  for (const ReplicaMove& move : weighted.new_replicas) {
    const int slot = placement.freeShadowSlot(move.dst_die);
    placement.reserve(move.dst_die, slot, move.expert);
    placement.setWeight(move.dst_die, slot, move.load);
    placement.activate(move.dst_die, slot);
  }
  CHECK(ReplicationPlanner::imbalance(placement, 0, loads) == Approx(weighted.predicted_imbalance));
}

TEST_CASE("moe: instance weights split an expert's tokens in proportion", "[moe][balancer]") {
  ExpertPlacement placement({{0, 1, 2}}, 3, 3, 1);  // expert e on die e
  placement.reserve(1, 1, 0);
  placement.activate(1, 1);
  const int primary = 0 * placement.slotsPerDie();
  const int replica = 1 * placement.slotsPerDie() + 1;
  CHECK(placement.shareOf(0, 0, primary, 90.0) == Approx(45.0));  // weights 1 = even
  placement.setWeight(0, 0, 2.0);
  CHECK(placement.shareOf(0, 0, primary, 90.0) == Approx(60.0));
  CHECK(placement.shareOf(0, 0, replica, 90.0) == Approx(30.0));
  placement.setWeight(0, 0, 0.0);
  placement.setWeight(1, 1, 0.0);
  CHECK(placement.shareOf(0, 0, replica, 90.0) == Approx(45.0));  // all zero: even
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

TEST_CASE("moe: balancers reduce imbalance and only the invasive ones stall", "[moe][balancer]") {
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
