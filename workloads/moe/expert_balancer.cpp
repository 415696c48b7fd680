#include "workloads/moe/expert_balancer.h"

#include <stdexcept>

namespace spatialvp::moe {

const char* balancerKindName(BalancerKind kind) {
  switch (kind) {
    case BalancerKind::kNone:
      return "none";
    case BalancerKind::kGreedyInvasive:
      return "greedy-invasive";
    case BalancerKind::kTopologyAwareInvasive:
      return "topology-aware-invasive";
    case BalancerKind::kNonInvasive:
      return "NI-Balancer";
  }
  return "?";
}

BalancerConfig defaultBalancerConfig(BalancerKind kind) {
  BalancerConfig config;
  config.kind = kind;
  config.trigger = kind == BalancerKind::kNonInvasive ? BalancerTrigger::kAccumulatedImbalance
                                                      : BalancerTrigger::kInterval;
  return config;
}

ExpertBalancer::ExpertBalancer(const BalancerConfig& config, const ParallelMapping* mapping,
                               const ReplicationPlanner::Distance& distance, int layers,
                               int domains, double expert_bytes)
    : config_(config),
      mapping_(mapping),
      planner_(config.kind == BalancerKind::kGreedyInvasive ? TargetChoice::kLeastLoaded
                                                            : TargetChoice::kNearest,
               config.target_imbalance, distance, config.split),
      domains_(domains),
      expert_bytes_(expert_bytes) {
  if (config.kind == BalancerKind::kNonInvasive && (mapping == nullptr || !mapping->entwined())) {
    throw std::invalid_argument(
        "ExpertBalancer: the NI-Balancer needs an entwined (ER/HER) mapping for its FTD steps");
  }
  history_.assign(static_cast<std::size_t>(layers) * domains,
                  ExpertLoadHistory(config.history_window));
}

namespace {

// Token-share weights of a plan: planned loads for replicated experts' primaries and kept
// replicas, 1 (even) for everything else.
void applyWeights(ExpertPlacement& placement, int domain, const ReplicaPlan& plan) {
  for (int die : placement.domainDies(domain)) {
    for (int slot = 0; slot < placement.primarySlots(); ++slot)
      placement.setWeight(die, slot, 1.0);
  }
  for (const PrimaryLoad& primary : plan.primaries) {
    placement.setWeight(primary.die, placement.primarySlotOf(primary.die, primary.expert),
                        primary.load);
  }
  for (const ReplicaMove& move : plan.kept) {
    for (int slot = placement.primarySlots(); slot < placement.slotsPerDie(); ++slot) {
      if (placement.expertAt(move.dst_die, slot) == move.expert)
        placement.setWeight(move.dst_die, slot, move.load);
    }
  }
}

}  // namespace

BalancerDecision ExpertBalancer::onIteration(
    int /*iteration*/, const std::vector<std::vector<std::vector<double>>>& loads,
    std::vector<ExpertPlacement>& placements, bool migrations_in_flight) {
  BalancerDecision decision;
  if (config_.kind == BalancerKind::kNone)
    return decision;
  const int layers = static_cast<int>(placements.size());
  double imbalance_sum = 0.0;
  for (int layer = 0; layer < layers; ++layer) {
    for (int domain = 0; domain < domains_; ++domain) {
      history_[layer * domains_ + domain].push(loads[layer][domain]);
      imbalance_sum +=
          ReplicationPlanner::imbalance(placements[layer], domain, loads[layer][domain]);
    }
  }
  accumulated_ += imbalance_sum / (layers * domains_) - 1.0;
  ++since_plan_;
  const bool due = config_.trigger == BalancerTrigger::kInterval ? since_plan_ >= config_.interval
                                                                 : accumulated_ >= config_.alpha;
  if (!due || migrations_in_flight)
    return decision;
  since_plan_ = 0;
  accumulated_ = 0.0;
  decision.planned = true;
  decision.invasive = config_.kind != BalancerKind::kNonInvasive;
  for (int layer = 0; layer < layers; ++layer) {
    ExpertPlacement& placement = placements[layer];
    for (int domain = 0; domain < domains_; ++domain) {
      const ReplicaPlan plan =
          planner_.plan(placement, domain, history_[layer * domains_ + domain].mean());
      // Evict shadow replicas the plan does not keep, then reserve slots for the new ones.
      for (int die : placement.domainDies(domain)) {
        for (int slot = placement.primarySlots(); slot < placement.slotsPerDie(); ++slot) {
          if (placement.stateAt(die, slot) == ExpertPlacement::SlotState::kEmpty)
            continue;
          bool keep = false;
          for (const ReplicaMove& move : plan.kept) {
            keep = keep || (move.dst_die == die && move.expert == placement.expertAt(die, slot));
          }
          if (!keep) {
            placement.evict(die, slot);
            ++decision.evictions;
          }
        }
      }
      decision.kept += static_cast<int>(plan.kept.size());
      applyWeights(placement, domain, plan);
      for (const ReplicaMove& move : plan.new_replicas) {
        const int slot = placement.freeShadowSlot(move.dst_die);
        placement.reserve(move.dst_die, slot, move.expert);
        placement.setWeight(move.dst_die, slot, move.load);
        Migration migration = splitMigration(mapping_, layer, move.expert, move.src_die,
                                             move.dst_die, expert_bytes_, config_.chunk_bytes);
        migration.dst_slot = slot;
        decision.migrations.push_back(std::move(migration));
      }
    }
  }
  return decision;
}

}  // namespace spatialvp::moe
