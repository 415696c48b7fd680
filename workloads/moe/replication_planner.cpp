#include "workloads/moe/replication_planner.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace spatialvp::moe {

ReplicationPlanner::ReplicationPlanner(TargetChoice choice, double target_imbalance,
                                       Distance distance)
    : choice_(choice), target_imbalance_(target_imbalance), distance_(std::move(distance)) {
  if (target_imbalance < 1.0) {
    throw std::invalid_argument("ReplicationPlanner: target imbalance must be >= 1");
  }
}

double ReplicationPlanner::imbalance(const ExpertPlacement& placement, int domain,
                                     const std::vector<double>& loads) {
  const std::vector<int>& dies = placement.domainDies(domain);
  double max_load = 0.0;
  double sum = 0.0;
  for (int die : dies) {
    double h = 0.0;
    for (int slot = 0; slot < placement.slotsPerDie(); ++slot) {
      if (placement.stateAt(die, slot) != ExpertPlacement::SlotState::kLive)
        continue;
      const int e = placement.expertAt(die, slot);
      h += loads[e] / static_cast<double>(placement.instances(domain, e).size());
    }
    max_load = std::max(max_load, h);
    sum += h;
  }
  return sum > 0.0 ? max_load * static_cast<double>(dies.size()) / sum : 1.0;
}

ReplicaPlan ReplicationPlanner::plan(const ExpertPlacement& placement, int domain,
                                     const std::vector<double>& loads) const {
  const std::vector<int>& dies = placement.domainDies(domain);
  const int experts = placement.experts();
  const int count = static_cast<int>(dies.size());
  const int shadow = placement.slotsPerDie() - placement.primarySlots();
  // Planning state over domain-local die indices: holders per expert (primaries first).
  std::vector<std::vector<int>> holders(experts);
  std::vector<std::vector<int>> live_holders(experts);  // valid migration sources
  std::vector<std::vector<int>> hosted(count);
  std::vector<int> free_slots(count, shadow);
  for (int i = 0; i < count; ++i) {
    for (int slot = 0; slot < placement.primarySlots(); ++slot) {
      const int e = placement.expertAt(dies[i], slot);
      if (e < 0)
        continue;
      holders[e].push_back(i);
      live_holders[e].push_back(i);
      hosted[i].push_back(e);
    }
  }
  std::vector<double> h(count, 0.0);
  for (int e = 0; e < experts; ++e) {
    for (int i : holders[e])
      h[i] += loads[e] / static_cast<double>(holders[e].size());
  }
  double total = 0.0;
  for (double value : h)
    total += value;
  const double mean = total / count;
  ReplicaPlan result;
  if (total <= 0.0)
    return result;
  auto live_shadow = [&](int i, int e) {
    for (int slot = placement.primarySlots(); slot < placement.slotsPerDie(); ++slot) {
      if (placement.expertAt(dies[i], slot) == e &&
          placement.stateAt(dies[i], slot) == ExpertPlacement::SlotState::kLive) {
        return true;
      }
    }
    return false;
  };
  for (;;) {
    const int hottest_die = static_cast<int>(std::max_element(h.begin(), h.end()) - h.begin());
    if (h[hottest_die] <= target_imbalance_ * mean)
      break;
    int expert = -1;
    double best_share = -1.0;
    for (int e : hosted[hottest_die]) {
      const double share = loads[e] / static_cast<double>(holders[e].size());
      if (share > best_share) {
        best_share = share;
        expert = e;
      }
    }
    if (expert < 0 || best_share <= 0.0)
      break;
    const double new_share = loads[expert] / static_cast<double>(holders[expert].size() + 1);
    int target = -1;
    bool target_kept = false;
    int target_distance = 0;
    for (int i = 0; i < count; ++i) {
      if (free_slots[i] == 0 || h[i] + new_share >= h[hottest_die])
        continue;
      if (std::find(holders[expert].begin(), holders[expert].end(), i) != holders[expert].end()) {
        continue;
      }
      const bool kept = live_shadow(i, expert);
      const int dist = distance_(dies[hottest_die], dies[i]);
      bool better = target < 0;
      if (!better && kept != target_kept) {
        better = kept;  // reusing a live replica costs no migration
      } else if (!better && choice_ == TargetChoice::kNearest) {
        better = dist < target_distance || (dist == target_distance && h[i] < h[target]);
      } else if (!better) {
        better = h[i] < h[target];
      }
      if (better) {
        target = i;
        target_kept = kept;
        target_distance = dist;
      }
    }
    if (target < 0)
      break;
    // Only a die that already holds the weights can send them (d* may hold a planned copy).
    const auto& live = live_holders[expert];
    int source =
        std::find(live.begin(), live.end(), hottest_die) != live.end() ? hottest_die : live.front();
    if (choice_ == TargetChoice::kNearest) {
      for (int i : live_holders[expert]) {
        if (distance_(dies[i], dies[target]) < distance_(dies[source], dies[target]))
          source = i;
      }
    }
    const double old_share = loads[expert] / static_cast<double>(holders[expert].size());
    for (int i : holders[expert])
      h[i] -= old_share - new_share;
    h[target] += new_share;
    holders[expert].push_back(target);
    hosted[target].push_back(expert);
    --free_slots[target];
    if (target_kept)
      live_holders[expert].push_back(target);
    const ReplicaMove move{expert, dies[source], dies[target]};
    (target_kept ? result.kept : result.new_replicas).push_back(move);
  }
  result.predicted_imbalance = *std::max_element(h.begin(), h.end()) / mean;
  return result;
}

}  // namespace spatialvp::moe
