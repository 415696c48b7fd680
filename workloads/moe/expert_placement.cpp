#include "workloads/moe/expert_placement.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace spatialvp::moe {

ExpertPlacement::ExpertPlacement(std::vector<std::vector<int>> domains, int total_dies, int experts,
                                 int shadow_slots_per_die)
    : domains_(std::move(domains)), total_dies_(total_dies), experts_(experts) {
  if (experts < 1 || shadow_slots_per_die < 0 || domains_.empty()) {
    throw std::invalid_argument("ExpertPlacement: need experts >= 1, shadow slots >= 0, a domain");
  }
  std::size_t largest = 0;
  for (const auto& domain : domains_)
    largest = std::max(largest, domain.size());
  const int domain_dies = static_cast<int>(largest);
  primary_slots_ = experts >= domain_dies ? (experts + domain_dies - 1) / domain_dies : 1;
  slots_per_die_ = primary_slots_ + shadow_slots_per_die;
  domain_of_.assign(total_dies, -1);
  slot_expert_.assign(total_dies * slots_per_die_, -1);
  slot_state_.assign(total_dies * slots_per_die_, SlotState::kEmpty);
  slot_weight_.assign(total_dies * slots_per_die_, 1.0);
  live_.assign(domains_.size() * experts, {});
  for (int d = 0; d < domainCount(); ++d) {
    const auto& dies = domains_[d];
    const int count = static_cast<int>(dies.size());
    for (int die : dies) {
      if (die < 0 || die >= total_dies || domain_of_[die] >= 0) {
        throw std::invalid_argument("ExpertPlacement: die " + std::to_string(die) +
                                    " is out of range or in two domains");
      }
      domain_of_[die] = d;
    }
    if (experts >= count) {
      for (int e = 0; e < experts; ++e) {
        const int die = dies[e % count];
        const int slot = e / count;
        slot_expert_[die * slots_per_die_ + slot] = e;
        setLive(die, slot, true);
      }
    } else {
      for (int i = 0; i < count; ++i) {
        slot_expert_[dies[i] * slots_per_die_] = i % experts;
        setLive(dies[i], 0, true);
      }
    }
  }
}

void ExpertPlacement::setLive(int die, int slot, bool live) {
  const int index = die * slots_per_die_ + slot;
  auto& list = live_[domain_of_[die] * experts_ + slot_expert_[index]];
  if (live) {
    slot_state_[index] = SlotState::kLive;
    list.insert(std::lower_bound(list.begin(), list.end(), index), index);
  } else {
    list.erase(std::remove(list.begin(), list.end(), index), list.end());
  }
}

double ExpertPlacement::shareOf(int domain, int expert, int instance, double tokens) const {
  const std::vector<int>& live = instances(domain, expert);
  double sum = 0.0;
  for (int i : live)
    sum += slot_weight_[i];
  if (sum <= 0.0)
    return tokens / static_cast<double>(live.size());
  return tokens * slot_weight_[instance] / sum;
}

int ExpertPlacement::primarySlotOf(int die, int expert) const {
  for (int slot = 0; slot < primary_slots_; ++slot) {
    if (slot_expert_[die * slots_per_die_ + slot] == expert)
      return slot;
  }
  return -1;
}

bool ExpertPlacement::holds(int die, int expert) const {
  for (int slot = 0; slot < slots_per_die_; ++slot) {
    const int index = die * slots_per_die_ + slot;
    if (slot_expert_[index] == expert && slot_state_[index] != SlotState::kEmpty)
      return true;
  }
  return false;
}

int ExpertPlacement::freeShadowSlot(int die) const {
  for (int slot = primary_slots_; slot < slots_per_die_; ++slot) {
    if (slot_state_[die * slots_per_die_ + slot] == SlotState::kEmpty)
      return slot;
  }
  return -1;
}

int ExpertPlacement::liveReplicaCount() const {
  int count = 0;
  for (int die = 0; die < total_dies_; ++die) {
    for (int slot = primary_slots_; slot < slots_per_die_; ++slot) {
      count += stateAt(die, slot) == SlotState::kLive ? 1 : 0;
    }
  }
  return count;
}

void ExpertPlacement::reserve(int die, int slot, int expert) {
  if (!isShadowSlot(slot) || stateAt(die, slot) != SlotState::kEmpty || domain_of_[die] < 0) {
    throw std::logic_error("ExpertPlacement::reserve: slot is not a free shadow slot");
  }
  slot_expert_[die * slots_per_die_ + slot] = expert;
  slot_state_[die * slots_per_die_ + slot] = SlotState::kReserved;
}

void ExpertPlacement::activate(int die, int slot) {
  if (stateAt(die, slot) != SlotState::kReserved) {
    throw std::logic_error("ExpertPlacement::activate: slot is not reserved");
  }
  setLive(die, slot, true);
}

void ExpertPlacement::evict(int die, int slot) {
  if (!isShadowSlot(slot)) {
    throw std::logic_error("ExpertPlacement::evict: primary slots are static");
  }
  if (stateAt(die, slot) == SlotState::kLive)
    setLive(die, slot, false);
  slot_expert_[die * slots_per_die_ + slot] = -1;
  slot_state_[die * slots_per_die_ + slot] = SlotState::kEmpty;
  slot_weight_[die * slots_per_die_ + slot] = 1.0;
}

}  // namespace spatialvp::moe
