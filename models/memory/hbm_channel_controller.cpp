// Scheduling of an HBM pseudo-channel controller: bounded queue, FR-FCFS (reference and fast
// path) and refresh, for scheduling: on_arrival. Command timing: hbm_channel_timing.h;
// scheduling: on_issue: hbm_issue_scheduling.cpp; construction and counters:
// hbm_channel_setup.cpp; the write buffer: hbm_write_buffer.cpp.
#include "models/memory/hbm_channel_controller.h"
#include "models/memory/hbm_channel_timing.h"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <string>

namespace spatialvp::models {

using spatialvp::Picoseconds;

Picoseconds HbmChannelController::accessNow(const HbmBurst* bursts, std::size_t count,
                                            bool is_write, Picoseconds arrival,
                                            HbmRequestStats& stats) {
  rcd_ = is_write ? t_.rcd_wr : t_.rcd_rd;
  if (!mixed_ && (is_write ? any_read_ : any_write_)) {
    // First burst of the other direction: from now on both directions keep a history.
    mixed_ = true;
    // Only the latest data start of the first direction is known: nothing of the other
    // direction goes before its turnaround zone ends (conservative, once per pseudo-channel).
    if (any_read_)
      read_history_.raiseFloor(last_read_data_start_ + zone_for_write_.after_long);
    if (any_write_)
      write_history_.raiseFloor(last_write_data_start_ + zone_for_read_.after_long);
  }
  return fast_path_ ? accessFast(bursts, count, is_write, arrival, stats)
                    : accessReference(bursts, count, is_write, arrival, stats);
}

Picoseconds HbmChannelController::accessReference(const HbmBurst* bursts, std::size_t count,
                                                  bool is_write, Picoseconds arrival,
                                                  HbmRequestStats& stats) {
  const Picoseconds queued = arrival + t_.controller;
  Picoseconds completion = queued;
  window_.clear();
  std::size_t next = 0;
  while (next < count && window_.size() < queue_depth_ && bankHasRoom(bursts[next])) {
    window_.push_back(enqueue(queued, bursts[next], static_cast<std::uint32_t>(next), stats));
    ++next;
  }
  while (!window_.empty()) {
    const std::size_t pick = pickNext(bursts);
    const WindowEntry entry = window_[pick];
    window_.erase(window_.begin() + static_cast<std::ptrdiff_t>(pick));
    const HbmBurst& burst = bursts[entry.burst];
    Picoseconds data_end = 0;
    const Picoseconds column = schedule(burst, is_write, entry.enqueued, data_end, stats);
    completion = std::max(completion, data_end);
    retire(entry, column, queued);
    while (next < count && window_.size() < queue_depth_ && bankHasRoom(bursts[next])) {
      window_.push_back(enqueue(queued, bursts[next], static_cast<std::uint32_t>(next), stats));
      ++next;
    }
    if (closed_page_) {
      const std::uint32_t bank = bankIndex(burst);
      const bool more_hits = std::any_of(window_.begin(), window_.end(), [&](const WindowEntry& e) {
        const HbmBurst& other = bursts[e.burst];
        return bankIndex(other) == bank && other.row == burst.row;
      });
      if (!more_hits)
        prechargeAfterUse(burst);
    }
  }
  return completion;
}

// Fast path. The reference path estimates, for every pick, the column time of every queued
// burst (a calendar search each): O(queue_depth) searches per burst. Bursts of one (bank, row)
// share the formula of their estimate, which is non-decreasing in the enqueue time, so:
//  * a row-hit group's best estimate is the estimate of its earliest enqueue time `e`, and the
//    burst the reference path picks in it is its oldest burst enqueued by that estimate (the
//    column calendar's first fit is flat on [e, fit(e)]; checked, with a fallback);
//  * a miss group (rare: row changes) is estimated burst by burst, as in the reference path;
//  * a group's estimate depends only on its bursts and on its bank group (column and activate
//    calendars, bank states), so it is kept until one of those changes (versions).
// The pick is then the minimum over groups of (estimate, miss before hit, admission order): the
// order in which the reference loop replaces its best. Every other step (admission, slots,
// schedule(), refresh, precharge) is shared, so results are bit-identical.

inline Picoseconds HbmChannelController::accessFast(const HbmBurst* bursts, std::size_t count,
                                                    bool is_write, Picoseconds arrival,
                                                    HbmRequestStats& stats) {
  const Picoseconds queued = arrival + t_.controller;
  if (oneRow(bursts, count))
    return accessOneRow(bursts, count, is_write, queued, stats);
  Picoseconds completion = queued;
  row_group_count_ = 0;
  window_size_ = 0;
  std::size_t next = 0;
  while (next < count && window_size_ < queue_depth_ && bankHasRoom(bursts[next]))
    admitFast(queued, bursts, static_cast<std::uint32_t>(next++), stats);
  while (window_size_ > 0) {
    const auto [group_index, entry_index] = pickNextFast(bursts);
    RowGroup& group = row_groups_[group_index];
    const WindowEntry entry = group.entries[entry_index];
    group.entries.erase(group.entries.begin() + static_cast<std::ptrdiff_t>(entry_index));
    group.order.erase(group.order.begin() + static_cast<std::ptrdiff_t>(entry_index));
    group.version = 0;
    --window_size_;
    const HbmBurst& burst = bursts[entry.burst];
    Picoseconds data_end = 0;
    const Picoseconds column = schedule(burst, is_write, entry.enqueued, data_end, stats);
    touchBankGroup(burst.bank_group);
    completion = std::max(completion, data_end);
    retire(entry, column, queued);
    while (next < count && window_size_ < queue_depth_ && bankHasRoom(bursts[next]))
      admitFast(queued, bursts, static_cast<std::uint32_t>(next++), stats);
    if (closed_page_) {
      const std::uint32_t bank = bankIndex(burst);
      bool more_hits = false;
      for (std::size_t g = 0; g < row_group_count_ && !more_hits; ++g) {
        const RowGroup& other = row_groups_[g];
        more_hits = other.bank == bank && other.row == burst.row && !other.entries.empty();
      }
      if (!more_hits)
        prechargeAfterUse(burst);
    }
  }
  return completion;
}

inline bool HbmChannelController::oneRow(const HbmBurst* bursts, std::size_t count) const {
  const std::uint32_t bank = bankIndex(bursts[0]);
  const std::uint64_t row = bursts[0].row;
  for (std::size_t i = 1; i < count; ++i) {
    if (bursts[i].row != row || bankIndex(bursts[i]) != bank)
      return false;
  }
  return true;
}

inline Picoseconds HbmChannelController::accessOneRow(const HbmBurst* bursts, std::size_t count,
                                                      bool is_write, Picoseconds queued,
                                                      HbmRequestStats& stats) {
  // With one (bank, row), every pick of the grouped path is the oldest queued burst, i.e. call
  // order: the queue is a FIFO and needs no groups or estimates, and precharge (closed page)
  // follows the last burst, the first with no hit queued behind it. Entry i belongs to burst i;
  // a short call's entries stay on the stack (hot in the cache).
  std::array<WindowEntry, kLocalEntries> local;
  WindowEntry* entries = local.data();
  if (count > local.size()) {
    window_.resize(count);
    entries = window_.data();
  }
  Picoseconds completion = queued;
  std::size_t next = 0;
  for (; next < count && next < queue_depth_ && bankHasRoom(bursts[next]); ++next)
    entries[next] = enqueue(queued, bursts[next], static_cast<std::uint32_t>(next), stats);
  for (std::size_t i = 0; i < count; ++i) {
    Picoseconds data_end = 0;
    const Picoseconds column = schedule(bursts[i], is_write, entries[i].enqueued, data_end, stats);
    completion = std::max(completion, data_end);
    retire(entries[i], column, queued);
    if (next < count) {
      entries[next] = enqueue(queued, bursts[next], static_cast<std::uint32_t>(next), stats);
      ++next;
    }
  }
  if (closed_page_)
    prechargeAfterUse(bursts[count - 1]);
  return completion;
}

void HbmChannelController::admitFast(Picoseconds arrival, const HbmBurst* bursts,
                                     std::uint32_t burst, HbmRequestStats& stats) {
  const HbmBurst& b = bursts[burst];
  const WindowEntry entry = enqueue(arrival, b, burst, stats);
  const std::uint32_t bank = bankIndex(b);
  std::size_t g = 0;
  while (g < row_group_count_ && (row_groups_[g].bank != bank || row_groups_[g].row != b.row))
    ++g;
  if (g == row_group_count_) {
    if (row_group_count_ == row_groups_.size())
      throw std::logic_error("HBM controller: more row groups than queued bursts");
    RowGroup& fresh = row_groups_[row_group_count_++];
    fresh.bank = bank;
    fresh.bank_group = b.bank_group;
    fresh.row = b.row;
    fresh.entries.clear();
    fresh.order.clear();
  }
  RowGroup& group = row_groups_[g];
  group.entries.push_back(entry);
  group.order.push_back(admissions_++);
  group.version = 0;
  ++window_size_;
}

Picoseconds HbmChannelController::estimateColumn(const HbmBurst& burst, Picoseconds enqueued,
                                                 bool hit) const {
  const Bank& bank = banks_[bankIndex(burst)];
  const BankGroup& group = groups_[burst.bank_group];
  Picoseconds column = 0;
  if (hit) {
    column = std::max(enqueued, bank.activated + rcd_);
  } else {
    const Picoseconds activate = bank.open_row == kNoRow
                                     ? std::max(enqueued, bank.act_ready)
                                     : std::max(enqueued, bank.pre_ready) + t_.rp;
    column = group.activates.earliestFit(activate) + rcd_;
  }
  return group.columns.earliestFit(column);
}

void HbmChannelController::estimateGroup(RowGroup& group, const HbmBurst* bursts, bool hit) const {
  // The estimate is non-decreasing in the enqueue time and at least the enqueue time, so the
  // group's minimum is the estimate of its earliest enqueue time, and no burst enqueued after
  // that minimum reaches it. The reference loop keeps the first burst with the minimum: the
  // oldest burst enqueued by then, if its own estimate is the minimum (always for a row hit,
  // whose calendar fit is flat up to the fit; checked anyway).
  const HbmBurst& burst = bursts[group.entries.front().burst];
  const std::size_t n = group.entries.size();
  std::size_t earliest = 0;
  for (std::size_t i = 1; i < n; ++i) {
    if (group.entries[i].enqueued < group.entries[earliest].enqueued)
      earliest = i;
  }
  const Picoseconds estimate = estimateColumn(burst, group.entries[earliest].enqueued, hit);
  std::size_t first = 0;
  while (group.entries[first].enqueued > estimate)
    ++first;
  if (first == earliest || group.entries[first].enqueued == group.entries[earliest].enqueued ||
      estimateColumn(burst, group.entries[first].enqueued, hit) == estimate) {
    group.estimate = estimate;
    group.representative = first;
    return;
  }
  // Burst by burst, keeping the first minimum (as the reference loop does).
  group.estimate = std::numeric_limits<Picoseconds>::max();
  group.representative = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Picoseconds candidate = estimateColumn(burst, group.entries[i].enqueued, hit);
    if (candidate < group.estimate) {
      group.estimate = candidate;
      group.representative = i;
    }
  }
}

std::pair<std::size_t, std::size_t> HbmChannelController::pickNextFast(const HbmBurst* bursts) {
  // Drop emptied groups, keeping the others in place (their order does not matter).
  std::size_t live = 0;
  for (std::size_t g = 0; g < row_group_count_; ++g) {
    if (row_groups_[g].entries.empty())
      continue;
    if (live != g)
      std::swap(row_groups_[live], row_groups_[g]);
    ++live;
  }
  row_group_count_ = live;
  if (row_group_count_ == 1)
    return {0, 0};  // one (bank, row): the reference path takes the oldest burst
  for (std::size_t g = 0; g < row_group_count_; ++g) {
    const RowGroup& group = row_groups_[g];
    if (banks_[group.bank].open_row == group.row)
      bank_has_hit_[group.bank] = 1;
  }
  std::size_t best_group = row_group_count_;
  Picoseconds best_time = std::numeric_limits<Picoseconds>::max();
  bool best_hit = false;
  std::uint64_t best_order = 0;
  for (std::size_t g = 0; g < row_group_count_; ++g) {
    RowGroup& group = row_groups_[g];
    const Bank& bank = banks_[group.bank];
    const bool hit = bank.open_row == group.row;
    if (!hit && bank.open_row != kNoRow && bank_has_hit_[group.bank] != 0)
      continue;  // row-hit protection
    const std::uint64_t version = bank_group_version_[group.bank_group];
    if (group.version != version) {
      estimateGroup(group, bursts, hit);
      group.version = version;
    }
    const std::uint64_t order = group.order[group.representative];
    // Reference order: earlier estimate; then hit before miss; then older.
    const bool better =
        best_group == row_group_count_ || group.estimate < best_time ||
        (group.estimate == best_time && (hit != best_hit ? hit : order < best_order));
    if (better) {
      best_group = g;
      best_time = group.estimate;
      best_hit = hit;
      best_order = order;
    }
  }
  for (std::size_t g = 0; g < row_group_count_; ++g)
    bank_has_hit_[row_groups_[g].bank] = 0;
  if (best_group == row_group_count_) {  // cannot happen (a bank with hits has a hit group)
    std::size_t oldest = 0;
    for (std::size_t g = 1; g < row_group_count_; ++g) {
      if (row_groups_[g].order.front() < row_groups_[oldest].order.front())
        oldest = g;
    }
    return {oldest, 0};
  }
  return {best_group, row_groups_[best_group].representative};
}

void HbmChannelController::touchAllBankGroups() {
  ++version_;
  std::fill(bank_group_version_.begin(), bank_group_version_.end(), version_);
}

std::size_t HbmChannelController::pickNext(const HbmBurst* bursts) {
  // FR-FCFS in continuous time: the burst whose column command could issue first goes next
  // ("first ready"); ties go to row hits, then to the oldest. A burst that would close a row
  // still hit by a queued burst waits for those hits (row-hit protection).
  if (window_.size() == 1)
    return 0;
  const HbmBurst& oldest = bursts[window_.front().burst];
  const bool one_row = std::all_of(window_.begin(), window_.end(), [&](const WindowEntry& e) {
    return bursts[e.burst].row == oldest.row && bankIndex(bursts[e.burst]) == bankIndex(oldest);
  });
  if (one_row)
    return 0;  // e.g. the bursts of one 64 B request: age order is best
  for (const WindowEntry& entry : window_) {
    const HbmBurst& burst = bursts[entry.burst];
    const Bank& bank = banks_[bankIndex(burst)];
    if (bank.open_row == burst.row)
      bank_has_hit_[bankIndex(burst)] = 1;
  }
  std::size_t pick = window_.size();
  Picoseconds best_time = std::numeric_limits<Picoseconds>::max();
  bool best_hit = false;
  for (std::size_t i = 0; i < window_.size(); ++i) {
    const HbmBurst& burst = bursts[window_[i].burst];
    const std::uint32_t index = bankIndex(burst);
    const Bank& bank = banks_[index];
    const BankGroup& group = groups_[burst.bank_group];
    const Picoseconds enqueued = window_[i].enqueued;
    const bool hit = bank.open_row == burst.row;
    Picoseconds column = 0;
    if (hit) {
      column = std::max(enqueued, bank.activated + rcd_);
    } else {
      if (bank.open_row != kNoRow && bank_has_hit_[index] != 0)
        continue;
      const Picoseconds activate = bank.open_row == kNoRow
                                       ? std::max(enqueued, bank.act_ready)
                                       : std::max(enqueued, bank.pre_ready) + t_.rp;
      column = group.activates.earliestFit(activate) + rcd_;
    }
    column = group.columns.earliestFit(column);
    if (column < best_time || (column == best_time && hit && !best_hit)) {
      best_time = column;
      best_hit = hit;
      pick = i;
    }
  }
  for (const WindowEntry& entry : window_)
    bank_has_hit_[bankIndex(bursts[entry.burst])] = 0;
  return pick == window_.size() ? 0 : pick;
}

inline HbmChannelController::WindowEntry HbmChannelController::enqueue(Picoseconds arrival,
                                                                       const HbmBurst& b,
                                                                       std::uint32_t burst,
                                                                       HbmRequestStats& stats) {
  // The burst takes the queue slot that frees first. It waits until that slot's occupant has
  // left, unless the occupant arrived later in simulated time (a decoupled initiator ahead of
  // this one): then the slot was free at `arrival`.
  const Slot slot = takeSlot();
  Picoseconds enqueued = arrival;
  if (slot.free_at > arrival && slot.occupant_arrival <= arrival)
    enqueued = slot.free_at;
  std::uint32_t bank_slot = 0;
  if (bank_queue_depth_ > 0) {  // and the place of its bank's buffer that frees first
    Slot* const first = bank_slots_.data() + bankIndex(b) * bank_queue_depth_;
    Slot* best = nullptr;
    for (Slot* s = first; s != first + bank_queue_depth_; ++s) {
      if (s->free_at != kPlaceHeld && (best == nullptr || s->free_at < best->free_at))
        best = s;
    }
    if (best->free_at > arrival && best->occupant_arrival <= arrival)
      enqueued = std::max(enqueued, best->free_at);
    best->free_at = kPlaceHeld;
    bank_slot = best->index;
  }
  if (enqueued != arrival) {
    ++stats.queue_full_stalls;
    ++counters_.queue_full_stalls;
    counters_.queue_stall_time += enqueued - arrival;
    stats.accepted = std::max(stats.accepted, enqueued);
  }
  return {burst, slot.index, enqueued, bank_slot};
}

inline bool HbmChannelController::bankHasRoom(const HbmBurst& burst) const {
  if (bank_queue_depth_ == 0)
    return true;
  const Slot* const first = bank_slots_.data() + bankIndex(burst) * bank_queue_depth_;
  return std::any_of(first, first + bank_queue_depth_,
                     [](const Slot& s) { return s.free_at != kPlaceHeld; });
}

inline void HbmChannelController::retire(const WindowEntry& entry, Picoseconds column,
                                         Picoseconds arrival) {
  releaseSlot({column, arrival, entry.slot});
  if (bank_queue_depth_ > 0)
    bank_slots_[entry.bank_slot] = {column, arrival, entry.bank_slot};
}

inline void HbmChannelController::releaseSlot(const Slot& slot) {
  if (free_head_ + freeCount() == free_slots_.size()) {  // no room at the back: compact
    std::copy(free_slots_.begin() + static_cast<std::ptrdiff_t>(free_head_), free_slots_.end(),
              free_slots_.begin());
    free_tail_ -= free_head_;
    free_head_ = 0;
  }
  // Insertion from the back, shifting as it goes; equal free times are rare, so the second
  // comparison seldom runs.
  Slot* const first = free_slots_.data() + free_head_;
  Slot* position = free_slots_.data() + free_tail_;
  while (position != first &&
         (position[-1].free_at > slot.free_at ||
          (position[-1].free_at == slot.free_at && position[-1].index > slot.index))) {
    *position = position[-1];
    --position;
  }
  *position = slot;
  ++free_tail_;
}

void HbmChannelController::prechargeAfterUse(const HbmBurst& burst) {
  Bank& bank = banks_[bankIndex(burst)];
  const Picoseconds precharge = rowCommandFit(bank.pre_ready, 1);
  bookRowCommand(precharge, 1);
  ++counters_.precharges;
  record(HbmCommand::Kind::kPrecharge, precharge, burst.bank_group, burst.bank, bank.open_row);
  bank.open_row = kNoRow;
  bank.act_ready = precharge + t_.rp;
  high_water_ = std::max(high_water_, precharge);
  touchBankGroup(burst.bank_group);
}

void HbmChannelController::refreshUpTo(Picoseconds time) {
  while (next_refresh_due_ <= time) {
    refreshOnce(next_refresh_due_);
    next_refresh_due_ += t_.refi;
    if (trace_ == nullptr && next_refresh_due_ + t_.refi <= time) {
      // The pseudo-channel sat idle over these intervals (every bank closed by the refresh
      // above, nothing committed since): account for their refreshes in closed form.
      const std::uint64_t idle_refreshes = (time - next_refresh_due_) / t_.refi;
      const Picoseconds last_end = next_refresh_due_ + (idle_refreshes - 1) * t_.refi + t_.rfc;
      counters_.refreshes += idle_refreshes;
      counters_.refresh_busy += idle_refreshes * t_.rfc;
      next_refresh_due_ += idle_refreshes * t_.refi;
      for (Bank& bank : banks_)
        bank.act_ready = std::max(bank.act_ready, last_end);
      touchAllBankGroups();
      high_water_ = std::max(high_water_, last_end - t_.rfc);
    }
  }
}

void HbmChannelController::refreshOnce(Picoseconds due) {
  // All-bank refresh: precharge every open bank (PREA), wait t_rp, refresh for t_rfc.
  Picoseconds precharge_all = due;
  Picoseconds ready = due;
  bool any_open = false;
  for (const Bank& bank : banks_) {
    if (bank.open_row != kNoRow) {
      any_open = true;
      precharge_all = std::max(precharge_all, bank.pre_ready);
    } else {
      ready = std::max(ready, bank.act_ready);
    }
  }
  // PREA and REF are row commands on the channel's shared command bus.
  if (any_open) {
    precharge_all = rowCommandFit(precharge_all, 1);
    bookRowCommand(precharge_all, 1);
  }
  const Picoseconds refresh =
      rowCommandFit(any_open ? std::max(ready, precharge_all + t_.rp) : ready, 1);
  bookRowCommand(refresh, 1);
  for (std::size_t i = 0; i < banks_.size(); ++i) {
    Bank& bank = banks_[i];
    if (bank.open_row != kNoRow) {
      ++counters_.precharges;
      record(HbmCommand::Kind::kPrecharge, precharge_all,
             static_cast<std::uint32_t>(i / banks_per_group_),
             static_cast<std::uint32_t>(i % banks_per_group_), bank.open_row);
    }
    bank.open_row = kNoRow;
    bank.act_ready = refresh + t_.rfc;
  }
  touchAllBankGroups();
  ++counters_.refreshes;
  counters_.refresh_busy += t_.rfc;
  record(HbmCommand::Kind::kRefresh, refresh, 0, 0, 0, refresh, refresh + t_.rfc);
  high_water_ = std::max(high_water_, refresh);
}

}  // namespace spatialvp::models
