#pragma once
// The combine schedule: how an MoE layer's expert outputs become what the next layer needs
// (sources W2.2 leaves the paper's choice open; the reasoning is in workloads/moe/README.md,
// "What the next layer needs").
//
// After the combine, the residual add and the next layer's RMSNorm need each token's complete
// sum over its k experts (the norm divides by the RMS of the whole hidden vector, so partial
// sums cannot be normalised), and the next layer's column-parallel Q/K/V projections need the
// normalised vector of every token of the TP group at every member. So every member must end
// with every sum: an all-reduce's worth of bytes, 2(t-1)/t x S on each ring edge, unless the
// sums are already complete somewhere, in which case an all-gather, (t-1)/t x S, is enough.
//   kReverseThenGroupAllReduce: outputs return on the reverse (FTD-local) path; the members'
//     partial sums are all-reduced on the group ring (= reduce-scatter, norm, all-gather).
//   kToOwnerThenGroupAllGather: outputs go to the token's owner, which then holds complete sums;
//     the group all-gathers them. With owner dispatch (contiguous) the reverse path ends at the
//     owner anyway, so this schedule dominates; with FTD-member dispatch (ER/HER) the combine
//     leaves the FTDs, and which one is cheaper depends on the topology: estimated below.
#include <vector>

#include "workloads/moe/expert_placement.h"
#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/parallel_mapping.h"

namespace spatialvp::moe {

struct CombineScheduleCost {
  CombinePolicy policy = CombinePolicy::kReverseThenGroupAllReduce;
  double combine_s = 0.0;     // fluid time of the combine (expert -> receiver)
  double collective_s = 0.0;  // fluid time of its group collective
  double total() const { return combine_s + collective_s; }
};

struct CombineScheduleChoice {
  CombinePolicy chosen = CombinePolicy::kReverseThenGroupAllReduce;
  std::vector<CombineScheduleCost> candidates;  // empty when one schedule dominates
};

// Fluid estimate (LinkLoadMap: busiest link + longest route latency, with the topology's link
// timing) of the combine and its collective for one layer: every die of a live TP group owns
// group_tokens / t tokens, each choosing top_k experts uniformly, primary placement. With the
// topology's faults adopted, the routes are the fault-tolerant ones, degraded links keep their
// fraction of the bandwidth, and groups with a die that cannot compute get no tokens (as the
// timed platform runs them); `placement` must then hold only dies that can compute.
CombineScheduleCost estimateCombineSchedule(const MeshTopology& topology, MappingConfig config,
                                            const ExpertPlacement& placement, double group_tokens,
                                            int top_k, double token_bytes);

// The cheapest schedule that leaves every TP member with every sum. Owner dispatch (contiguous):
// owner + all-gather, no estimate needed. Entwined: the lower estimate; ties keep the reverse
// path (it stays inside the FTDs).
CombineScheduleChoice cheapestCombineSchedule(const MeshTopology& topology,
                                              const MappingConfig& config,
                                              const ExpertPlacement& placement, double group_tokens,
                                              int top_k, double token_bytes);

const char* combinePolicyName(CombinePolicy policy);

}  // namespace spatialvp::moe
