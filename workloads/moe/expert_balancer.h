#pragma once
// Expert load balancers as policies over per-iteration expert loads (sources W3, 4.4):
//   kNone                  no balancing;
//   kGreedyInvasive        EPLB-style: every `interval` iterations replicate hot experts onto
//                          the least-loaded dies; inference stops while the copies move;
//   kTopologyAwareInvasive the same trigger, nearest qualifying die from the nearest holder;
//   kNonInvasive           NI-Balancer: topology-aware plan when the accumulated imbalance
//                          exceeds alpha (and nothing is in flight); migrations split into
//                          local/global/local chunks that advance only in cold-link windows.
// The balancer updates the placements (evictions, reserved slots; invasive: live at once) and
// returns the migrations; the driver (or the timed platform) moves them.
#include <memory>
#include <vector>

#include "workloads/moe/expert_load_history.h"
#include "workloads/moe/expert_placement.h"
#include "workloads/moe/migration.h"
#include "workloads/moe/parallel_mapping.h"
#include "workloads/moe/replication_planner.h"

namespace spatialvp::moe {

enum class BalancerKind { kNone, kGreedyInvasive, kTopologyAwareInvasive, kNonInvasive };
enum class BalancerTrigger { kInterval, kAccumulatedImbalance };

const char* balancerKindName(BalancerKind kind);

struct BalancerConfig {
  BalancerKind kind = BalancerKind::kNone;
  BalancerTrigger trigger = BalancerTrigger::kInterval;
  int history_window = 10;                 // [I] iterations of load history (sources W3.2)
  int interval = 10;                       // [S4] EPLB interrupts about once every 10 iterations
  double alpha = 1.0;                      // [I] accumulated sum of (imbalance - 1) that triggers
  double target_imbalance = 1.05;          // [I] planner stops at max H / mean H <= this
  double chunk_bytes = 8.0 * 1024 * 1024;  // [I] migration chunk size
  // [I] weighted: replicas take planned token shares (reaches the target imbalance with one
  // expert per die); even: sources W3.2's H_d = sum l_e / r_e (stalls near 1.3 there, README).
  PlanSplit split = PlanSplit::kWeighted;
};

// Spec defaults per kind: invasive kinds use the interval trigger, NI the accumulated one.
BalancerConfig defaultBalancerConfig(BalancerKind kind);

struct BalancerDecision {
  bool planned = false;
  bool invasive = false;
  std::vector<Migration> migrations;
  int evictions = 0;
  int kept = 0;
};

class ExpertBalancer {
 public:
  // mapping may be null (switch baseline): unit distances, no FTD split.
  ExpertBalancer(const BalancerConfig& config, const ParallelMapping* mapping,
                 const ReplicationPlanner::Distance& distance, int layers, int domains,
                 double expert_bytes);

  const BalancerConfig& config() const { return config_; }
  // loads[layer][domain][expert] of the finished iteration. Placements are per layer.
  BalancerDecision onIteration(int iteration,
                               const std::vector<std::vector<std::vector<double>>>& loads,
                               std::vector<ExpertPlacement>& placements, bool migrations_in_flight);
  double accumulatedImbalance() const { return accumulated_; }

 private:
  BalancerConfig config_;
  const ParallelMapping* mapping_;
  ReplicationPlanner planner_;
  int domains_;
  double expert_bytes_;
  std::vector<ExpertLoadHistory> history_;  // [layer * domains + domain]
  double accumulated_ = 0.0;
  int since_plan_ = 0;
};

}  // namespace spatialvp::moe
