#pragma once
// The command timing both scheduling modes of HbmChannelController share: where a burst's
// commands fit (activate, column, data bus, row command bus, turnaround) and their booking.
// Included only by the controller's own sources (hbm_channel_controller.cpp for on_arrival,
// hbm_issue_scheduling.cpp for on_issue), so that each can inline it (see the note on inline
// helpers in hbm_channel_controller.h).
#include <algorithm>

#include "models/memory/hbm_channel_controller.h"

namespace spatialvp::models {

inline void HbmChannelController::record(HbmCommand::Kind kind, Picoseconds time,
                                         std::uint32_t bank_group, std::uint32_t bank,
                                         std::uint64_t row, Picoseconds data_start,
                                         Picoseconds data_end) {
  if (trace_ == nullptr)
    return;
  trace_->push_back({kind, time, index_, bank_group, bank, row, data_start, data_end});
}

inline Picoseconds HbmChannelController::schedule(const HbmBurst& burst, bool is_write,
                                                  Picoseconds earliest, Picoseconds& data_end,
                                                  HbmRequestStats& stats, const ColumnPlan* plan) {
  if (refresh_enabled_) {
    const Picoseconds now = std::max(earliest, high_water_);
    if (next_refresh_due_ <= now)  // rare: a call only when a refresh is due
      refreshUpTo(now);
  }
  Bank& bank = banks_[bankIndex(burst)];
  BankGroup& group = groups_[burst.bank_group];
  ++stats.bursts;
  if (bank.open_row == burst.row) {
    ++counters_.row_hits;
    ++stats.row_hits;
  } else {
    const bool conflict = bank.open_row != kNoRow;
    Picoseconds precharge = 0;
    Picoseconds act_earliest = 0;
    if (conflict) {
      ++counters_.row_conflicts;
      ++stats.row_conflicts;
      precharge =
          plan != nullptr ? plan->precharge : rowCommandFit(std::max(earliest, bank.pre_ready), 1);
      act_earliest = precharge + t_.rp;
    } else {
      ++counters_.row_misses;
      ++stats.row_misses;
      act_earliest = std::max(earliest, bank.act_ready);
    }
    const Picoseconds activate =
        plan != nullptr ? plan->activate : activateFit(act_earliest, group);
    // The precharge is booked once the activate has its fit, as planColumn() plans them: its
    // row-bus slot lies t_rp before the activate's and so changes no fit, but a booking that
    // takes a calendar past its interval limit folds the oldest interval, which can.
    if (conflict) {
      bookRowCommand(precharge, 1);
      ++counters_.precharges;
      record(HbmCommand::Kind::kPrecharge, precharge, burst.bank_group, burst.bank, bank.open_row);
    }
    activate_budget_.book(activate);
    group.activates.book(activate);
    bookRowCommand(activate, 2);
    ++counters_.activates;
    record(HbmCommand::Kind::kActivate, activate, burst.bank_group, burst.bank, burst.row);
    bank.open_row = burst.row;
    bank.activated = activate;
    bank.pre_ready = activate + t_.ras;
    high_water_ = std::max(high_water_, activate);
  }

  const Picoseconds latency = is_write ? t_.wl : t_.cl;
  if (plan != nullptr)
    return bookColumn(burst, is_write, plan->column + latency, data_end);
  // The first data start that satisfies t_rcd, the bank group's t_ccd_l, a free data bus and
  // the turnaround against the other direction's bursts (in time order); on_issue: a column
  // command no earlier than the pseudo-channel's latest decision (decisions in time order).
  Picoseconds data_start =
      std::max({earliest, bank.activated + rcd_, issue_last_decision_}) + latency;
  const Picoseconds search_from = data_start;
  Picoseconds& no_fit_from = group.no_fit_from[is_write];
  Picoseconds& no_fit_to = group.no_fit_to[is_write];
  const bool use_no_fit_span = mixed_ && fast_path_;  // the reference path searches in full
  if (use_no_fit_span && no_fit_from <= data_start && data_start < no_fit_to)
    data_start = no_fit_to;
  data_start = dataFit(data_start, latency, group, is_write, burst.bank_group);
  if (use_no_fit_span) {
    // [search_from, data_start) has no fit; joined to the known span when they touch.
    if (search_from <= no_fit_to && no_fit_from <= data_start) {
      no_fit_from = std::min(no_fit_from, search_from);
      no_fit_to = std::max(no_fit_to, data_start);
    } else {
      no_fit_from = search_from;
      no_fit_to = data_start;
    }
  }
  return bookColumn(burst, is_write, data_start, data_end);
}

inline Picoseconds HbmChannelController::bookColumn(const HbmBurst& burst, bool is_write,
                                                    Picoseconds data_start, Picoseconds& data_end) {
  Bank& bank = banks_[bankIndex(burst)];
  BankGroup& group = groups_[burst.bank_group];
  const Picoseconds column = data_start - (is_write ? t_.wl : t_.cl);
  group.columns.book(column);
  data_bus_.book(data_start);
  data_end = data_start + t_.burst;
  counters_.data_bus_busy += t_.burst;
  if (mixed_) {
    bookTurnaround(data_start, is_write, burst.bank_group);
  } else if (is_write) {
    if (data_start >= last_write_data_start_) {
      last_write_data_start_ = data_start;
      last_write_group_ = burst.bank_group;
    }
  } else if (data_start >= last_read_data_start_) {
    last_read_data_start_ = data_start;
    last_read_group_ = burst.bank_group;
  }
  if (is_write) {
    ++counters_.write_bursts;
    bank.pre_ready = std::max(bank.pre_ready, data_end + t_.wr);
    any_write_ = true;
    record(HbmCommand::Kind::kWrite, column, burst.bank_group, burst.bank, burst.row, data_start,
           data_end);
  } else {
    ++counters_.read_bursts;
    bank.pre_ready = std::max(bank.pre_ready, column + t_.rtp);
    any_read_ = true;
    record(HbmCommand::Kind::kRead, column, burst.bank_group, burst.bank, burst.row, data_start,
           data_end);
  }
  high_water_ = std::max(high_water_, column);
  return column;
}

inline Picoseconds HbmChannelController::activateFit(Picoseconds earliest,
                                                     const BankGroup& group) const {
  // A fit is a fixed point of its own calendar (earliestFit(f) == f), so when only the first
  // calendar moved the time, the others having accepted it, it fits all three.
  Picoseconds activate = earliest;
  for (;;) {
    const Picoseconds channel_fit = activate_budget_.earliestFit(activate);
    const Picoseconds group_fit = group.activates.earliestFit(channel_fit);
    const Picoseconds bus_fit = rowCommandFit(group_fit, 2);
    const bool fits = bus_fit == channel_fit;
    activate = bus_fit;
    if (fits)
      return activate;
  }
}

inline Picoseconds HbmChannelController::dataFit(Picoseconds data_start, Picoseconds latency,
                                                 const BankGroup& group, bool is_write,
                                                 std::uint32_t bank_group) const {
  // As for the activate: once the later constraints accept the first one's fit, it fits all.
  for (;;) {
    const Picoseconds group_fit = group.columns.earliestFit(data_start - latency);
    Picoseconds data_fit = data_bus_.earliestFit(group_fit + latency);
    if (mixed_)
      data_fit = turnaroundFit(data_fit, is_write, bank_group);
    const bool fits = data_fit == group_fit + latency;
    data_start = data_fit;
    if (fits)
      return data_start;
  }
}

inline Picoseconds HbmChannelController::rowCommandFit(Picoseconds time, int slots) const {
  const Picoseconds cycle = bus_->cycle_time;
  for (;;) {
    const Picoseconds first = bus_->row.earliestFit(time);
    if (slots == 1 || bus_->row.nextSlotFree(first))
      return first;
    time = bus_->row.earliestFit(first + cycle) - cycle;
  }
}

inline void HbmChannelController::bookRowCommand(Picoseconds time, int slots) {
  bus_->row.book(time);
  if (slots == 2)
    bus_->row.book(time + bus_->cycle_time);
}

inline Picoseconds HbmChannelController::turnaroundFit(Picoseconds start, bool is_write,
                                                       std::uint32_t bank_group) const {
  return is_write ? read_history_.earliestFit(start, bank_group)
                  : write_history_.earliestFit(start, bank_group);
}

inline void HbmChannelController::bookTurnaround(Picoseconds start, bool is_write,
                                                 std::uint32_t bank_group) {
  if (is_write)
    write_history_.book(start, bank_group);
  else
    read_history_.book(start, bank_group);
}

}  // namespace spatialvp::models
