#include "workloads/moe/replication_planner.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace spatialvp::moe {

ReplicationPlanner::ReplicationPlanner(TargetChoice choice, double target_imbalance,
                                       Distance distance, PlanSplit split)
    : choice_(choice),
      target_imbalance_(target_imbalance),
      distance_(std::move(distance)),
      split_(split) {
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
      h += placement.shareOf(domain, e, die * placement.slotsPerDie() + slot, loads[e]);
    }
    max_load = std::max(max_load, h);
    sum += h;
  }
  return sum > 0.0 ? max_load * static_cast<double>(dies.size()) / sum : 1.0;
}

bool ReplicationPlanner::better(const Candidate& a, const Candidate& b) const {
  if (b.die < 0)
    return true;
  if (a.kept != b.kept)
    return a.kept;  // reusing a live replica costs no migration
  if (a.absorbs != b.absorbs)
    return a.absorbs;
  if (choice_ == TargetChoice::kNearest)
    return a.distance < b.distance || (a.distance == b.distance && a.load < b.load);
  return a.load < b.load;
}

namespace {

// True if die `die` (of the domain) holds a live shadow replica of `expert`.
bool liveShadowReplica(const ExpertPlacement& placement, int die, int expert) {
  for (int slot = placement.primarySlots(); slot < placement.slotsPerDie(); ++slot) {
    if (placement.expertAt(die, slot) == expert &&
        placement.stateAt(die, slot) == ExpertPlacement::SlotState::kLive) {
      return true;
    }
  }
  return false;
}

}  // namespace

ReplicaPlan ReplicationPlanner::planWeighted(const ExpertPlacement& placement, int domain,
                                             const std::vector<double>& loads) const {
  const std::vector<int>& dies = placement.domainDies(domain);
  const int experts = placement.experts();
  const int count = static_cast<int>(dies.size());
  // Loads per (domain-local die, expert) instance; primaries split an expert evenly.
  std::vector<std::vector<std::pair<int, double>>> shares(experts);
  std::vector<std::vector<int>> hosted(count);
  for (int i = 0; i < count; ++i) {
    for (int slot = 0; slot < placement.primarySlots(); ++slot) {
      const int e = placement.expertAt(dies[i], slot);
      if (e >= 0) {
        shares[e].emplace_back(i, 0.0);
        hosted[i].push_back(e);
      }
    }
  }
  std::vector<double> h(count, 0.0);
  double total = 0.0;
  for (int e = 0; e < experts; ++e) {
    for (auto& [i, load] : shares[e]) {
      load = loads[e] / static_cast<double>(shares[e].size());
      h[i] += load;
      total += load;
    }
  }
  ReplicaPlan result;
  if (total <= 0.0)
    return result;
  std::vector<std::size_t> primaries_of(experts);  // the first entries of shares[e]
  for (int e = 0; e < experts; ++e)
    primaries_of[e] = shares[e].size();
  const double mean = total / count;
  const double goal = target_imbalance_ * mean;
  // [I] A replica costs a whole expert's migration and weight reads: it must take at least the
  // load the target tolerance allows above the mean.
  const double min_load = (target_imbalance_ - 1.0) * mean;
  std::vector<int> free_slots(count, placement.slotsPerDie() - placement.primarySlots());
  auto share_on = [&](int e, int i) -> double* {
    for (auto& [die, load] : shares[e]) {
      if (die == i)
        return &load;
    }
    return nullptr;
  };
  for (;;) {
    const int hottest = static_cast<int>(std::max_element(h.begin(), h.end()) - h.begin());
    if (h[hottest] <= goal)
      break;
    int expert = -1;
    for (int e : hosted[hottest]) {
      if (expert < 0 || *share_on(e, hottest) > *share_on(expert, hottest))
        expert = e;
    }
    Candidate best;
    for (int i = 0; i < count; ++i) {
      if (free_slots[i] == 0 || goal - h[i] < min_load || share_on(expert, i) != nullptr)
        continue;
      const Candidate candidate{
          i, liveShadowReplica(placement, dies[i], expert), distance_(dies[hottest], dies[i]), h[i],
          goal - h[i] >= std::min(h[hottest] - goal, *share_on(expert, hottest))};
      if (better(candidate, best))
        best = candidate;
    }
    if (best.die < 0)
      break;
    double& from = *share_on(expert, hottest);
    const double moved = std::min({h[hottest] - goal, goal - h[best.die], from});
    from -= moved;
    h[hottest] -= moved;
    h[best.die] += moved;
    shares[expert].emplace_back(best.die, moved);
    hosted[best.die].push_back(expert);
    --free_slots[best.die];
    // Source: a primary holder (live weights): the hottest die if it is one, else the first;
    // for kNearest the one nearest the target.
    int source = shares[expert].front().first;
    for (std::size_t k = 0; k < primaries_of[expert]; ++k) {
      const int i = shares[expert][k].first;
      const bool nearer =
          distance_(dies[i], dies[best.die]) < distance_(dies[source], dies[best.die]);
      if (choice_ == TargetChoice::kNearest ? nearer : i == hottest)
        source = i;
    }
    const ReplicaMove move{expert, dies[source], dies[best.die], moved};
    (best.kept ? result.kept : result.new_replicas).push_back(move);
  }
  for (int e = 0; e < experts; ++e) {
    if (shares[e].size() == primaries_of[e])
      continue;
    for (std::size_t k = 0; k < primaries_of[e]; ++k)
      result.primaries.push_back(PrimaryLoad{dies[shares[e][k].first], e, shares[e][k].second});
  }
  result.predicted_imbalance = *std::max_element(h.begin(), h.end()) / mean;
  return result;
}

ReplicaPlan ReplicationPlanner::plan(const ExpertPlacement& placement, int domain,
                                     const std::vector<double>& loads) const {
  if (split_ == PlanSplit::kWeighted)
    return planWeighted(placement, domain, loads);
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
    Candidate best;
    for (int i = 0; i < count; ++i) {
      if (free_slots[i] == 0 || h[i] + new_share >= h[hottest_die])
        continue;
      if (std::find(holders[expert].begin(), holders[expert].end(), i) != holders[expert].end()) {
        continue;
      }
      const Candidate candidate{i, liveShadowReplica(placement, dies[i], expert),
                                distance_(dies[hottest_die], dies[i]), h[i]};
      if (better(candidate, best))
        best = candidate;
    }
    if (best.die < 0)
      break;
    const int target = best.die;
    const bool target_kept = best.kept;
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
    const ReplicaMove move{expert, dies[source], dies[target], 1.0};
    (target_kept ? result.kept : result.new_replicas).push_back(move);
  }
  result.predicted_imbalance = *std::max_element(h.begin(), h.end()) / mean;
  return result;
}

}  // namespace spatialvp::moe
