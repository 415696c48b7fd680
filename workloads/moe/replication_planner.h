#pragma once
// Greedy replication into shadow slots (sources W3.2 / 3.4): minimise max_d H_d with
// H_d = sum_{e on d} l_e / r_e. Repeatedly take the most-loaded die d*, its hottest expert e*,
// and replicate e* onto a die with a free shadow slot whose load stays below H(d*) after it
// takes its share; stop at the target imbalance or when no die qualifies.
// kNearest (topology-aware): the closest qualifying die, sourced from the closest holder.
// kLeastLoaded (EPLB-style greedy): the least-loaded qualifying die, sourced from d*.
// Planning starts from the primary layout; an existing shadow replica that the plan picks again
// is kept (no transfer), the others are evicted.
// Split rule: even (sources W3.2's H_d = sum l_e / r_e) or weighted [I]: each replica takes just the
// load that brings the hottest die to the target or the receiving die up to it (water filling;
// ReplicaMove::load), which the token dispatch then honours via the instance weights.
#include <functional>
#include <vector>

#include "workloads/moe/expert_placement.h"

namespace spatialvp::moe {

enum class TargetChoice { kLeastLoaded, kNearest };
enum class PlanSplit { kEven, kWeighted };

struct ReplicaMove {
  int expert = 0;
  int src_die = 0;
  int dst_die = 0;
  double load = 0.0;  // tokens the new instance takes (its instance weight)
};

struct PrimaryLoad {  // a primary instance's planned load (weighted plans; unlisted: unchanged)
  int die = 0;
  int expert = 0;
  double load = 0.0;
};

struct ReplicaPlan {
  std::vector<ReplicaMove> new_replicas;  // need a migration
  std::vector<ReplicaMove> kept;          // already live in a shadow slot
  std::vector<PrimaryLoad> primaries;     // weighted: primaries of replicated experts
  double predicted_imbalance = 1.0;       // max H / mean H after the plan
};

class ReplicationPlanner {
 public:
  using Distance = std::function<int(int, int)>;

  ReplicationPlanner(TargetChoice choice, double target_imbalance, Distance distance,
                     PlanSplit split = PlanSplit::kEven);

  ReplicaPlan plan(const ExpertPlacement& placement, int domain,
                   const std::vector<double>& expert_loads) const;
  // max_d H_d / mean_d H_d of the live layout under the given loads (split by instance weights).
  static double imbalance(const ExpertPlacement& placement, int domain,
                          const std::vector<double>& expert_loads);

 private:
  ReplicaPlan planWeighted(const ExpertPlacement& placement, int domain,
                           const std::vector<double>& expert_loads) const;
  // Better target among qualifying dies: kept replicas, then dies that absorb the whole excess
  // (fewer, larger replicas), then by choice_.
  struct Candidate {
    int die = -1;
    bool kept = false;
    int distance = 0;
    double load = 0.0;
    bool absorbs = true;  // weighted: can take the hottest die's whole excess
  };
  bool better(const Candidate& a, const Candidate& b) const;

  TargetChoice choice_;
  double target_imbalance_;
  Distance distance_;
  PlanSplit split_;
};

}  // namespace spatialvp::moe
