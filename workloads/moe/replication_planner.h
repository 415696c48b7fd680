#pragma once
// Greedy replication into shadow slots (spec 3.2 / 3.4): minimise max_d H_d with
// H_d = sum_{e on d} l_e / r_e. Repeatedly take the most-loaded die d*, its hottest expert e*,
// and replicate e* onto a die with a free shadow slot whose load stays below H(d*) after it
// takes its share; stop at the target imbalance or when no die qualifies.
// kNearest (topology-aware): the closest qualifying die, sourced from the closest holder.
// kLeastLoaded (EPLB-style greedy): the least-loaded qualifying die, sourced from d*.
// Planning starts from the primary layout; an existing shadow replica that the plan picks again
// is kept (no transfer), the others are evicted.
#include <functional>
#include <vector>

#include "workloads/moe/expert_placement.h"

namespace spatialvp::moe {

enum class TargetChoice { kLeastLoaded, kNearest };

struct ReplicaMove {
  int expert = 0;
  int src_die = 0;
  int dst_die = 0;
};

struct ReplicaPlan {
  std::vector<ReplicaMove> new_replicas;  // need a migration
  std::vector<ReplicaMove> kept;          // already live in a shadow slot
  double predicted_imbalance = 1.0;       // max H / mean H after the plan
};

class ReplicationPlanner {
 public:
  using Distance = std::function<int(int, int)>;

  ReplicationPlanner(TargetChoice choice, double target_imbalance, Distance distance);

  ReplicaPlan plan(const ExpertPlacement& placement, int domain,
                   const std::vector<double>& expert_loads) const;
  // max_d H_d / mean_d H_d of the live layout under the given loads.
  static double imbalance(const ExpertPlacement& placement, int domain,
                          const std::vector<double>& expert_loads);

 private:
  TargetChoice choice_;
  double target_imbalance_;
  Distance distance_;
};

}  // namespace spatialvp::moe
