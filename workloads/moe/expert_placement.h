#pragma once
// Expert instances on dies for one MoE layer: primary slots (the static EP layout) plus shadow
// slots for balancer replicas (sources W3.2). Every EP domain holds the full expert set.
// Primary layout [I]: with E >= D dies per domain expert e sits on domain die (e mod D), slot
// (e div D); with E < D die i holds expert (i mod E), i.e. E/D-fold static replication.
#include <vector>

namespace spatialvp::moe {

class ExpertPlacement {
 public:
  enum class SlotState { kEmpty, kReserved, kLive };

  // domains: the dies of each EP domain, in placement order.
  ExpertPlacement(std::vector<std::vector<int>> domains, int total_dies, int experts,
                  int shadow_slots_per_die);

  int experts() const { return experts_; }
  int dies() const { return total_dies_; }
  int domainCount() const { return static_cast<int>(domains_.size()); }
  const std::vector<int>& domainDies(int domain) const { return domains_[domain]; }
  int domainOf(int die) const { return domain_of_[die]; }
  int primarySlots() const { return primary_slots_; }
  int slotsPerDie() const { return slots_per_die_; }
  bool isShadowSlot(int slot) const { return slot >= primary_slots_; }

  int expertAt(int die, int slot) const { return slot_expert_[die * slots_per_die_ + slot]; }
  SlotState stateAt(int die, int slot) const { return slot_state_[die * slots_per_die_ + slot]; }
  // Live (routable) instances of an expert in a domain; instance id = die * slotsPerDie + slot.
  const std::vector<int>& instances(int domain, int expert) const {
    return live_[domain * experts_ + expert];
  }
  int dieOfInstance(int instance) const { return instance / slots_per_die_; }
  // Share of an expert's tokens an instance takes, relative to the expert's other live
  // instances (1 everywhere = an even split; a weighted balancer plan sets them).
  double instanceWeight(int instance) const { return slot_weight_[instance]; }
  void setWeight(int die, int slot, double weight) {
    slot_weight_[die * slots_per_die_ + slot] = weight;
  }
  // Token share of each live instance of `expert` in `domain` for `tokens` tokens: in proportion
  // to the instance weights (even when they sum to 0). `instance` must be live.
  double shareOf(int domain, int expert, int instance, double tokens) const;
  int primarySlotOf(int die, int expert) const;  // -1 when die has no primary of expert
  bool holds(int die, int expert) const;         // live or reserved
  int freeShadowSlot(int die) const;             // -1 when none
  int liveReplicaCount() const;                  // live shadow-slot replicas

  // Shadow-slot life cycle: reserve (migration in flight) -> activate (live) -> evict.
  void reserve(int die, int slot, int expert);
  void activate(int die, int slot);
  void evict(int die, int slot);

 private:
  void setLive(int die, int slot, bool live);

  std::vector<std::vector<int>> domains_;
  int total_dies_;
  int experts_;
  int primary_slots_ = 1;
  int slots_per_die_ = 1;
  std::vector<int> domain_of_;
  std::vector<int> slot_expert_;
  std::vector<SlotState> slot_state_;
  std::vector<double> slot_weight_;
  std::vector<std::vector<int>> live_;
};

}  // namespace spatialvp::moe
