// scheduling: on_issue of an HBM pseudo-channel controller: bursts wait uncommitted in per-bank
// queues and the command that can issue first goes, decided in time order (see
// hbm_channel_controller.h). The command timing is shared with on_arrival
// (hbm_channel_timing.h).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/memory/hbm_channel_controller.h"
#include "models/memory/hbm_channel_timing.h"

namespace spatialvp::models {

using spatialvp::Picoseconds;

// scheduling: on_issue. Decisions are made in time order: a decision at time t is final once every
// request that arrives by t is known (a later arrival queues no earlier than its arrival plus the
// controller latency), which the device guarantees by committing only decisions up to the current
// simulation time (the `hbm` module also commits, in a request's nb_transport_fw call, those up to
// its acceptance and those before its acceptance time: no other request can arrive before then). A
// request known before it arrives (an initiator ahead of the simulation time) takes part only in
// decisions from its arrival on, so the decisions do not depend on how far ahead it was called.
// Estimates only grow as commands are booked (calendars and turnaround zones only gain intervals),
// but a new arrival can give its bank a better offer, so the next decision is recomputed after
// every change (issue_known_).

void HbmChannelController::submit(const HbmBurst* bursts, std::size_t count, bool is_write,
                                  Picoseconds arrival, std::uint64_t request) {
  const Picoseconds queued = arrival + t_.controller;
  for (std::size_t i = 0; i < count; ++i)
    issue_waiting_.push_back({bursts[i], is_write, queued, queued, request, issue_order_++});
  admitWaiting(queued);
}

void HbmChannelController::arrive(std::uint32_t b, std::uint64_t row, std::uint64_t order) {
  // The next decision changes only if the bank's offer does: a bank's later arrivals wait
  // behind its offer unless the first of them hits the open row behind a miss (or, called
  // after it, arrived before it).
  IssueOffer& offer = issue_offers_[b];
  if (issue_arrived_count_[b]++ == 0) {
    issue_busy_banks_.push_back(b);
    forgetOffer(b);
  } else if (offer.known &&
             (order < offer.order ||
              (row == banks_[b].open_row && issue_banks_[b][offer.entry].burst.row != row))) {
    forgetOffer(b);
  }
}

void HbmChannelController::revealArrivalsBy(Picoseconds time) {
  issue_arrived_by_ = std::max(issue_arrived_by_, time);
  while (!issue_unarrived_.empty() && issue_unarrived_.front().joins <= issue_arrived_by_) {
    const UnarrivedBurst& burst = issue_unarrived_.front();
    arrive(burst.bank, burst.row, burst.order);
    issue_unarrived_.pop_front();
  }
}

void HbmChannelController::admitWaiting(Picoseconds now) {
  // In arrival order: a burst without a place holds back the ones behind it, as an initiator
  // waits for END_REQ before its next request.
  while (!issue_waiting_.empty() && issue_admitted_ < queue_depth_) {
    IssueBurst& next = issue_waiting_.front();
    const std::uint32_t b = bankIndex(next.burst);
    BankQueue& bank = issue_banks_[b];
    if (bank_queue_depth_ > 0 && bank.size() >= bank_queue_depth_)
      break;
    next.enqueued = std::max(next.queued, now);
    if (next.enqueued != next.queued) {
      ++counters_.queue_full_stalls;
      counters_.queue_stall_time += next.enqueued - next.queued;
    }
    if (issue_sink_ != nullptr)
      issue_sink_->push_back({next.request, IssueEvent::Kind::kAdmitted, next.enqueued});
    if (joins(next) <= issue_arrived_by_) {
      arrive(b, next.burst.row, next.order);
    } else {
      // Sorted by arrival; in order of admission nearly always, so inserted at the back.
      const UnarrivedBurst unarrived{joins(next), next.order, next.burst.row, b};
      if (issue_unarrived_.empty() || !(issue_unarrived_.back() > unarrived)) {
        issue_unarrived_.push_back(unarrived);
      } else {
        issue_unarrived_.insert(
            std::upper_bound(
                issue_unarrived_.begin(), issue_unarrived_.end(), unarrived,
                [](const UnarrivedBurst& x, const UnarrivedBurst& y) { return y > x; }),
            unarrived);
      }
    }
    bank.push_back(next);
    ++issue_admitted_;
    issue_waiting_.pop_front();
  }
}

HbmChannelController::ColumnPlan HbmChannelController::planColumn(const HbmBurst& burst,
                                                                  bool is_write,
                                                                  Picoseconds earliest) const {
  // schedule()'s search without its bookings (it books a conflict's precharge only after the
  // activate's fit, so the plan finds the same).
  const Bank& bank = banks_[bankIndex(burst)];
  const BankGroup& group = groups_[burst.bank_group];
  Picoseconds activated = bank.activated;
  Picoseconds precharge = kNoIssue;
  Picoseconds activate = kNoIssue;
  if (bank.open_row != burst.row) {
    Picoseconds act_earliest = std::max(earliest, bank.act_ready);
    if (bank.open_row != kNoRow) {
      precharge = rowCommandFit(std::max(earliest, bank.pre_ready), 1);
      act_earliest = precharge + t_.rp;
    }
    activated = activate = activateFit(act_earliest, group);
  }
  const Picoseconds rcd = is_write ? t_.rcd_wr : t_.rcd_rd;
  const Picoseconds latency = is_write ? t_.wl : t_.cl;
  const Picoseconds data_start =
      std::max({earliest, activated + rcd, issue_last_decision_}) + latency;
  return {precharge, activate,
          dataFit(data_start, latency, group, is_write, burst.bank_group) - latency};
}

void HbmChannelController::estimateOffer(std::uint32_t b) {
  IssueOffer& offer = issue_offers_[b];
  const BankQueue& queue = issue_banks_[b];
  if (!offer.known) {  // the bank's oldest arrived hit, else its oldest arrived burst
    const std::uint64_t open_row = banks_[b].open_row;
    const std::size_t none = queue.size();
    std::size_t oldest = none;
    offer.entry = none;
    for (std::size_t i = 0; i < queue.size(); ++i) {
      if (joins(queue[i]) > issue_arrived_by_)
        continue;
      if (oldest == none)
        oldest = i;
      if (queue[i].burst.row == open_row) {
        offer.entry = i;
        break;
      }
      if (open_row == kNoRow)
        break;
    }
    if (offer.entry == none)
      offer.entry = oldest;
    offer.order = queue[offer.entry].order;
    offer.is_write = queue[offer.entry].is_write;
    offer.known = true;
  }
  const IssueBurst& candidate = queue[offer.entry];
  const ColumnPlan plan = planColumn(candidate.burst, candidate.is_write, candidate.enqueued);
  offer.precharge = plan.precharge;
  offer.activate = plan.activate;
  offer.estimate = plan.column;
  offer.version = issue_version_;
}

void HbmChannelController::raiseOfferBounds(Picoseconds column, bool is_write, Picoseconds activate,
                                            std::uint32_t bank_group) {
  // Every other offer issues no earlier than `column` (the least estimate). The same direction
  // then starts its data no earlier than this burst's and so waits for its data-bus slot; the
  // other direction cannot end its data a turnaround before this burst's (its latency is too
  // long, checked), so it waits for the turnaround after it. An offer whose activate was
  // planned (or bounded) within the activate spacing of this burst's `activate` (t_rrd_s and
  // t_faw in the pseudo-channel, t_rrd_l in the bank group) can only move later, and not inside
  // the spacing, so it activates after it: under random traffic that spacing is what moves the
  // offers. Lower bounds, so that the lazy search in nextIssue() plans a few offers per
  // decision instead of every one.
  const Picoseconds latency = is_write ? t_.wl : t_.cl;
  const Picoseconds other_latency = is_write ? t_.cl : t_.wl;
  const HbmTurnaroundHistory::Zone& zone = is_write ? zone_for_read_ : zone_for_write_;
  const Picoseconds data_start = column + latency;
  const Picoseconds same_bound = column + data_bus_.slot();
  const bool other_bounded = column + other_latency + zone.before_short > data_start;
  const Picoseconds other_bound =
      other_bounded ? data_start + zone.after_short - other_latency : column;
  const Picoseconds pc_spacing = activate_budget_.slot();
  for (const std::uint32_t b : issue_busy_banks_) {
    IssueOffer& offer = issue_offers_[b];
    if (!offer.known)
      continue;
    Picoseconds bound = offer.is_write == is_write ? same_bound : other_bound;
    if (activate != kNoIssue && offer.activate != kNoIssue) {
      Picoseconds& act = offer.activate;
      auto pastSpacing = [&](Picoseconds spacing) {
        if (act + spacing > activate && act < activate + spacing)
          act = activate + spacing;
      };
      pastSpacing(pc_spacing);
      if (b / banks_per_group_ == bank_group)
        pastSpacing(t_.rrd_l);
      bound = std::max(bound, act + (offer.is_write ? t_.rcd_wr : t_.rcd_rd));
    }
    offer.estimate = std::max(offer.estimate, bound);
  }
}

Picoseconds HbmChannelController::nextIssue() {
  // Decisions go in time order, so the bursts arrived by the last one take part. The bursts
  // that arrive by the decision planned among them join it one arrival time at a time; one that
  // changes its bank's offer (arrive()) has the decision planned again.
  if (!issue_known_) {
    revealArrivalsBy(issue_last_decision_);
    planNextIssue();
    issue_known_ = true;
  }
  while (!issue_unarrived_.empty() && issue_unarrived_.front().joins <= issue_time_) {
    revealArrivalsBy(issue_unarrived_.front().joins);
    if (!issue_known_) {
      planNextIssue();
      issue_known_ = true;
    }
  }
  return issue_time_;
}

void HbmChannelController::planNextIssue() {
  issue_refresh_ = false;
  issue_time_ = kNoIssue;
  if (issue_busy_banks_.empty())
    return;
  if (fast_path_) {
    for (const std::uint32_t b : issue_unknown_banks_) {  // duplicates and idle banks skipped
      if (!issue_offers_[b].known && issue_arrived_count_[b] > 0)
        estimateOffer(b);
    }
  } else {
    for (const std::uint32_t b : issue_busy_banks_)
      estimateOffer(b);  // every offer planned afresh (the reference)
  }
  issue_unknown_banks_.clear();
  // The least (estimate, order). A stale estimate is a lower bound. A scan keeps the kTop
  // least offers in order; while the first is stale it is re-planned (its estimate can only
  // grow) and moved back into place, or, if it now sorts after the last kept one, dropped (the
  // offers not kept may come before it); the scan is repeated only when none is left.
  const IssueOffer* const offers = issue_offers_.data();
  auto less = [offers](std::uint32_t a, std::uint32_t b) {
    return offers[a].estimate < offers[b].estimate ||
           (offers[a].estimate == offers[b].estimate && offers[a].order < offers[b].order);
  };
  // Two kept: fewest instructions on streams and random traffic alike (1, 3, 4 and 8 measured;
  // more kept cost more per scan than the scans they save).
  constexpr std::size_t kTop = 2;
  std::uint32_t top[kTop] = {};
  std::size_t kept = 0;
  for (;;) {
    if (kept == 0) {
      for (const std::uint32_t b : issue_busy_banks_) {
        if (kept == kTop && !less(b, top[kTop - 1]))
          continue;
        std::size_t i = kept < kTop ? kept++ : kTop - 1;
        for (; i > 0 && less(b, top[i - 1]); --i)
          top[i] = top[i - 1];
        top[i] = b;
      }
    }
    const std::uint32_t first = top[0];
    if (offers[first].version == issue_version_)
      break;
    estimateOffer(first);
    std::size_t i = 0;
    for (; i + 1 < kept && less(top[i + 1], first); ++i)
      top[i] = top[i + 1];
    if (i + 1 == kept && kept < issue_busy_banks_.size()) {
      --kept;  // after the last kept offer: an offer not kept may come first
    } else {
      top[i] = first;
    }
  }
  const std::uint32_t best = top[0];
  issue_time_ = offers[best].estimate;
  issue_bank_ = best;
  issue_entry_ = offers[best].entry;
  // A refresh due before that decision goes first (schedule() would insert it anyway, so the
  // offers are compared again after it).
  if (refresh_enabled_ && next_refresh_due_ <= std::max(issue_time_, high_water_)) {
    issue_refresh_ = true;
    issue_time_ = std::min(issue_time_, next_refresh_due_);
  }
}

bool HbmChannelController::issueNext() {
  const Picoseconds decision = nextIssue();
  if (decision == kNoIssue)
    return false;
  issue_known_ = false;
  ++issue_version_;
  issue_last_decision_ = decision;
  if (issue_refresh_) {
    refreshUpTo(std::max(decision, next_refresh_due_));
    // Every bank closed. An idle bank's offer is forgotten when a burst arrives (arrive()).
    for (const std::uint32_t b : issue_busy_banks_)
      forgetOffer(b);
    return true;
  }
  BankQueue& queue = issue_banks_[issue_bank_];
  const IssueBurst chosen = queue[issue_entry_];
  queue.erase(issue_entry_);
  if (--issue_arrived_count_[issue_bank_] == 0) {
    issue_busy_banks_.erase(
        std::find(issue_busy_banks_.begin(), issue_busy_banks_.end(), issue_bank_));
  }
  --issue_admitted_;
  forgetOffer(issue_bank_);
  rcd_ = chosen.is_write ? t_.rcd_wr : t_.rcd_rd;
  const std::uint64_t row_commands = counters_.activates + counters_.precharges;
  const std::uint64_t activates = counters_.activates;
  HbmRequestStats stats;
  Picoseconds data_end = 0;
  // The chosen offer's plan is fresh (planned in this state), so on the fast path schedule()
  // books it without searching again; the reference path searches, and the check below holds
  // the plan to that search (the equivalence tests compare the two paths).
  const IssueOffer& offer = issue_offers_[issue_bank_];
  const ColumnPlan plan{offer.precharge, offer.activate, decision};
  const Picoseconds column = schedule(chosen.burst, chosen.is_write, chosen.enqueued, data_end,
                                      stats, fast_path_ ? &plan : nullptr);
  if (column != decision)
    throw std::logic_error("HBM controller (on_issue): a burst issued at " +
                           std::to_string(column) + " ps, planned for " + std::to_string(decision) +
                           " ps");
  touchBankGroup(chosen.burst.bank_group);
  if (closed_page_ && std::none_of(queue.begin(), queue.end(), [&](const IssueBurst& other) {
        return other.burst.row == chosen.burst.row && joins(other) <= issue_arrived_by_;
      }))
    prechargeAfterUse(chosen.burst);
  const Bank& bank = banks_[issue_bank_];
  raiseOfferBounds(column, chosen.is_write,
                   counters_.activates != activates ? bank.activated : kNoIssue,
                   chosen.burst.bank_group);
  if (issue_sink_ != nullptr)
    issue_sink_->push_back({chosen.request, IssueEvent::Kind::kCompleted, data_end});
  admitWaiting(column);  // its places free when its column command issues
  return counters_.activates + counters_.precharges != row_commands;
}

}  // namespace spatialvp::models
