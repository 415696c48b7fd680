#include "workloads/moe/combine_schedule.h"

#include <algorithm>
#include <cmath>

#include "workloads/moe/link_load_map.h"
#include "workloads/moe/phase_traffic_builder.h"

namespace spatialvp::moe {

const char* combinePolicyName(CombinePolicy policy) {
  switch (policy) {
    case CombinePolicy::kAuto:
      return "auto";
    case CombinePolicy::kReverseThenGroupAllReduce:
      return "reverse_allreduce";
    case CombinePolicy::kToOwnerThenGroupAllGather:
      return "owner_allgather";
  }
  return "?";
}

CombineScheduleCost estimateCombineSchedule(const MeshTopology& topology, MappingConfig config,
                                            const ExpertPlacement& placement, double group_tokens,
                                            int top_k, double token_bytes) {
  ParallelMapping mapping(topology, config);
  mapping.adoptFaults();  // routes around the topology's faults; dead groups get no tokens
  const int dies = topology.dies();
  const int experts = placement.experts();
  const double owned = group_tokens / mapping.tpSize();
  const double per_expert = owned * top_k / experts;
  std::vector<double> demand(static_cast<std::size_t>(dies) * experts, 0.0);
  const auto owns = [&mapping](int die) { return mapping.groupLive(mapping.group(die)); };
  for (int owner = 0; owner < dies; ++owner) {
    if (owns(owner)) {
      std::fill_n(demand.begin() + static_cast<std::ptrdiff_t>(owner) * experts, experts,
                  per_expert);
    }
  }
  std::vector<double> wafer_tokens;
  if (mapping.hierarchical() && !mapping.replicatesTokens()) {
    // Expected tokens per (owner, wafer) with a selection there: 1 - (1 - f_w)^k of the owned
    // tokens, f_w = the domain's share of expert instances on wafer w (uniform routing).
    const int wafers = topology.wafers();
    wafer_tokens.assign(static_cast<std::size_t>(dies) * wafers, 0.0);
    std::vector<std::vector<double>> fraction(static_cast<std::size_t>(placement.domainCount()),
                                              std::vector<double>(wafers, 0.0));
    for (int domain = 0; domain < placement.domainCount(); ++domain) {
      for (int e = 0; e < experts; ++e) {
        for (int instance : placement.instances(domain, e)) {
          fraction[domain][topology.waferOf(placement.dieOfInstance(instance))] +=
              placement.shareOf(domain, e, instance, 1.0) / experts;
        }
      }
    }
    for (int owner = 0; owner < dies; ++owner) {
      for (int w = 0; w < wafers; ++w) {
        const double f = fraction[placement.domainOf(owner)][w];
        wafer_tokens[static_cast<std::size_t>(owner) * wafers + w] =
            owns(owner) ? owned * (1.0 - std::pow(1.0 - f, top_k)) : 0.0;
      }
    }
  }
  PhaseTrafficBuilder builder(mapping);
  MoeLayerTraffic traffic;
  builder.buildMoeLayer(demand, placement, token_bytes, traffic,
                        wafer_tokens.empty() ? nullptr : &wafer_tokens);
  std::vector<double> group_bytes(static_cast<std::size_t>(mapping.groupCount()), 0.0);
  for (int group = 0; group < mapping.groupCount(); ++group) {
    if (mapping.groupLive(group))
      group_bytes[static_cast<std::size_t>(group)] = group_tokens * token_bytes;
  }
  std::vector<Transfer> collective;
  builder.appendCombineCollective(group_bytes, collective);
  LinkLoadMap loads(topology);
  loads.add(traffic.combine);
  loads.add(collective);
  CombineScheduleCost cost;
  cost.policy = mapping.config().combine;
  cost.combine_s = loads.phaseTime(Phase::kCombine);
  cost.collective_s = loads.phaseTime(Phase::kCombineCollective);
  return cost;
}

CombineScheduleChoice cheapestCombineSchedule(const MeshTopology& topology,
                                              const MappingConfig& config,
                                              const ExpertPlacement& placement, double group_tokens,
                                              int top_k, double token_bytes) {
  CombineScheduleChoice choice;
  const bool owner_dispatch =
      config.kind == MappingKind::kContiguous &&
      (config.dispatch == DispatchSource::kAuto || config.dispatch == DispatchSource::kTokenOwner);
  if (owner_dispatch) {
    choice.chosen = CombinePolicy::kToOwnerThenGroupAllGather;
    return choice;
  }
  for (CombinePolicy policy :
       {CombinePolicy::kReverseThenGroupAllReduce, CombinePolicy::kToOwnerThenGroupAllGather}) {
    MappingConfig candidate = config;
    candidate.combine = policy;
    choice.candidates.push_back(
        estimateCombineSchedule(topology, candidate, placement, group_tokens, top_k, token_bytes));
  }
  choice.chosen = choice.candidates[1].total() < choice.candidates[0].total()
                      ? choice.candidates[1].policy
                      : choice.candidates[0].policy;
  return choice;
}

}  // namespace spatialvp::moe
