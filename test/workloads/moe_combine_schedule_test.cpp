#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "workloads/moe/combine_schedule.h"
#include "workloads/moe/expert_placement.h"
#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/parallel_mapping.h"
#include "workloads/moe/phase_traffic_builder.h"

using namespace spatialvp::moe;
namespace interconnect = spatialvp::interconnect;

namespace {

constexpr double kTokenBytes = 14336.0;  // DeepSeek-V3 hidden 7168 x BF16
constexpr double kGroupTokens = 256.0;
constexpr int kTopK = 8;

std::vector<std::vector<int>> domainsOf(const ParallelMapping& mapping) {
  std::vector<std::vector<int>> domains;
  for (int d = 0; d < mapping.domainCount(); ++d)
    domains.push_back(mapping.domainDies(d));
  return domains;
}

CombineScheduleChoice choose(const MeshTopology& topology, const MappingConfig& config) {
  const ParallelMapping mapping(topology, config);
  const ExpertPlacement placement(domainsOf(mapping), topology.dies(), 256, 0);
  return cheapestCombineSchedule(topology, config, placement, kGroupTokens, kTopK, kTokenBytes);
}

}  // namespace

TEST_CASE("moe: combine schedule is owner + all-gather under owner dispatch, else the cheaper",
          "[moe][combine]") {
  WaferSystemSpec spec;  // one 8 x 8 wafer
  const MeshTopology topology(spec);
  MappingConfig config;
  config.kind = MappingKind::kContiguous;
  const CombineScheduleChoice contiguous = choose(topology, config);
  CHECK(contiguous.chosen == CombinePolicy::kToOwnerThenGroupAllGather);
  CHECK(contiguous.candidates.empty());  // the reverse path ends at the owner: dominated

  config.kind = MappingKind::kEntwined;
  const CombineScheduleChoice entwined = choose(topology, config);
  REQUIRE(entwined.candidates.size() == 2);
  const CombineScheduleCost& reverse = entwined.candidates[0];
  const CombineScheduleCost& owner = entwined.candidates[1];
  CHECK(reverse.policy == CombinePolicy::kReverseThenGroupAllReduce);
  CHECK(owner.policy == CombinePolicy::kToOwnerThenGroupAllGather);
  // The reverse path stays inside the FTDs, the owner's combine crosses them.
  CHECK(reverse.combine_s < owner.combine_s);
  // The same ring: an all-reduce carries 2(t-1)/t x S per edge, an all-gather half of it.
  CHECK(reverse.collective_s > 1.8 * owner.collective_s);
  CHECK(reverse.collective_s < 2.0 * owner.collective_s);
  CHECK(entwined.chosen == (owner.total() < reverse.total() ? owner.policy : reverse.policy));
}

TEST_CASE("moe: scarce inter-wafer bandwidth turns the HER combine choice to the reverse path",
          "[moe][combine]") {
  // The owner schedule sends every remote (token, expert) output across the wafer boundary; the
  // reverse path sends one reduced shard per token and remote wafer.
  WaferSystemSpec base;
  base.mesh_width = 4;
  base.mesh_height = 4;
  MappingConfig config;
  config.kind = MappingKind::kHierarchicalEntwined;
  WaferSystemSpec fast = waferSystemWithWafers(4, base);
  WaferSystemSpec slow = fast;
  slow.inter_wafer_bandwidth = fast.inter_wafer_bandwidth / 16.0;
  const CombineScheduleChoice with_fast = choose(MeshTopology(fast), config);
  const CombineScheduleChoice with_slow = choose(MeshTopology(slow), config);
  REQUIRE(with_slow.candidates.size() == 2);
  CHECK(with_slow.chosen == CombinePolicy::kReverseThenGroupAllReduce);
  CHECK(with_fast.chosen == CombinePolicy::kToOwnerThenGroupAllGather);
  // Slower boundary links cost the owner's combine more than the reverse path's shards.
  const double owner_growth = with_slow.candidates[1].total() / with_fast.candidates[1].total();
  const double reverse_growth = with_slow.candidates[0].total() / with_fast.candidates[0].total();
  CHECK(owner_growth > reverse_growth);
}

TEST_CASE("moe: collective transfers name their step; only shards cross wafers", "[moe][combine]") {
  WaferSystemSpec base;
  base.mesh_width = 4;
  base.mesh_height = 4;
  const MeshTopology topology(waferSystemWithWafers(2, base));
  MappingConfig config;
  config.kind = MappingKind::kHierarchicalEntwined;
  config.combine = CombinePolicy::kReverseThenGroupAllReduce;
  const ParallelMapping mapping(topology, config);
  const PhaseTrafficBuilder builder(mapping);
  const std::vector<double> group_bytes(static_cast<std::size_t>(mapping.groupCount()), 1000.0);
  std::vector<Transfer> transfers;
  builder.appendAttentionCollective(group_bytes, transfers);
  builder.appendCombineCollective(group_bytes, transfers);
  int shards = 0;
  int rings = 0;
  for (const Transfer& t : transfers) {
    const bool crosses = topology.waferOf(t.src) != topology.waferOf(t.dst);
    const bool shard = t.step == TransferStep::kShardHome || t.step == TransferStep::kShardToTwin;
    CHECK(crosses == shard);
    shards += shard ? 1 : 0;
    rings += t.step == TransferStep::kRingEdge || t.step == TransferStep::kTwinRingEdge ? 1 : 0;
    if (t.step == TransferStep::kShardHome)
      CHECK(t.phase == Phase::kCombineCollective);
    if (t.step == TransferStep::kShardToTwin)
      CHECK(t.phase == Phase::kAttentionAllReduce);
  }
  CHECK(shards > 0);
  CHECK(rings + shards == static_cast<int>(transfers.size()));
}

TEST_CASE("moe: the combine estimate follows the fault map", "[moe][combine][faults]") {
  // Before, `auto` kept the structural choice on a faulted mesh; now the estimate runs on the
  // fault-tolerant routes, the degraded bandwidths and the live groups, as the timed run does.
  const WaferSystemSpec spec;  // one 8 x 8 wafer, ER TP 2 x 2
  const interconnect::WaferGridRouting grid(8, 8, 1, 1, {}, "test");
  const auto chooseOn = [](const MeshTopology& topology) {
    MappingConfig config;
    ParallelMapping mapping(topology, config);
    mapping.adoptFaults();
    std::vector<std::vector<int>> domains;
    for (int d = 0; d < mapping.domainCount(); ++d)
      domains.push_back(mapping.expertDies(d));
    const ExpertPlacement placement(domains, topology.dies(), 256, 0);
    return cheapestCombineSchedule(topology, config, placement, kGroupTokens, kTopK, kTokenBytes);
  };
  const CombineScheduleChoice healthy = chooseOn(MeshTopology(spec));

  // Every link at half its bandwidth: the bandwidth-bound part doubles, the latency does not.
  interconnect::WaferFaultSpec half;
  half.degraded_bandwidth = 0.5;
  for (int node = 0; node < 64; ++node) {
    if (node % 8 < 7)
      half.degraded_links.push_back({node, interconnect::GridStep::kXPlus});
    if (node / 8 < 7)
      half.degraded_links.push_back({node, interconnect::GridStep::kYPlus});
  }
  MeshTopology slow(spec);
  slow.adoptFaults(interconnect::WaferFaults(half, grid));
  const CombineScheduleChoice degraded = chooseOn(slow);
  REQUIRE(degraded.candidates.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(degraded.candidates[i].total() > 1.5 * healthy.candidates[i].total());
    CHECK(degraded.candidates[i].total() < 2.0 * healthy.candidates[i].total());
  }

  // A dead die: routes go around it, its TP group owns no tokens, it hosts no expert.
  interconnect::WaferFaultSpec one_dead;
  one_dead.dead_dies = {27};
  MeshTopology holed(spec);
  holed.adoptFaults(interconnect::WaferFaults(one_dead, grid));
  const CombineScheduleChoice dead = chooseOn(holed);
  REQUIRE(dead.candidates.size() == 2);
  for (const CombineScheduleCost& cost : dead.candidates) {
    CHECK(cost.combine_s > 0.0);
    CHECK(cost.collective_s > 0.0);
    CHECK(std::isfinite(cost.total()));
  }
  CHECK(dead.candidates[0].combine_s < dead.candidates[1].combine_s);  // reverse stays in FTDs
  CHECK(dead.chosen == (dead.candidates[1].total() < dead.candidates[0].total()
                            ? CombinePolicy::kToOwnerThenGroupAllGather
                            : CombinePolicy::kReverseThenGroupAllReduce));
  CHECK(dead.candidates[1].total() != healthy.candidates[1].total());
}
