#pragma once
// Timing core of one HBM pseudo-channel: bank state machines, FR-FCFS over a bounded queue,
// JEDEC timing constraints and all-bank refresh, computed without per-cycle ticking.
//
// Loosely-timed callers deliver requests in call order, not in timestamp order, and every call
// must return its completion time. Hence:
//  * bursts of one call are scheduled FR-FCFS (row hits first, then oldest) among at most
//    queue_depth visible bursts; bursts of earlier calls are already committed;
//  * resources shared by banks (the data bus; activate spacing t_rrd_s/t_faw per
//    pseudo-channel and t_rrd_l per bank group; column spacing t_ccd_l per bank group) are
//    interval calendars, so a request that arrives later in call order but earlier in
//    simulated time uses idle gaps instead of queueing behind the future;
//  * bank state (open row, t_rcd/t_ras/t_rp/t_rtp/t_wr) is monotonic in call order: a request
//    never rewrites the past of a bank, it waits for it;
//  * the read/write turnaround (t_rtw, t_wtr) holds in time order against the recent bursts of
//    the other direction (HbmTurnaroundHistory), as a controller issuing in time order has it;
//  * the pseudo-channels of a channel share its row command bus (HbmCommandBus): one row
//    command (ACT two cycles, PRE and REF one) per command-clock cycle;
//  * refresh is a barrier for all banks of the pseudo-channel.
// The result depends only on the sequence of calls, so it is deterministic.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "models/memory/hbm_config.h"
#include "models/memory/hbm_turnaround.h"
#include "models/memory/interval_calendar.h"
#include "platform/core/contention_timeline.h"  // Picoseconds

namespace spatialvp::models {

// The row command bus of one channel, shared by its pseudo-channels (JEDEC HBM: separate row
// and column command buses, one command per clock cycle each; an activate takes two cycles).
// The column bus is not modelled: a pseudo-channel issues at most one column command per
// t_ccd_s, and t_ccd_s >= pseudo-channels per channel x tCK (HBM2/2E/3: 2 >= 2), so it has room
// for all of them (two requests for one cycle cost one cycle, which no test distinguishes).
struct HbmCommandBus {
  HbmCommandBus(spatialvp::Picoseconds cycle, std::size_t max_intervals)
      : row(cycle, max_intervals), cycle_time(cycle) {}
  IntervalCalendar row;
  spatialvp::Picoseconds cycle_time;
};

// One burst of a request, already mapped to this pseudo-channel.
struct HbmBurst {
  std::uint32_t bank_group = 0;
  std::uint32_t bank = 0;  // within its bank group
  std::uint64_t row = 0;
  std::uint64_t column = 0;
};

// A DRAM command as scheduled; recorded only when a trace is attached (tests, debugging).
struct HbmCommand {
  enum class Kind : std::uint8_t { kActivate, kPrecharge, kRead, kWrite, kRefresh };
  Kind kind = Kind::kActivate;
  spatialvp::Picoseconds time = 0;
  std::uint32_t pseudo_channel = 0;
  std::uint32_t bank_group = 0;
  std::uint32_t bank = 0;
  std::uint64_t row = 0;
  spatialvp::Picoseconds data_start = 0;  // RD/WR: data burst on the bus
  spatialvp::Picoseconds data_end = 0;
};

struct HbmChannelCounters {
  std::uint64_t read_bursts = 0;
  std::uint64_t write_bursts = 0;
  std::uint64_t activates = 0;
  std::uint64_t precharges = 0;
  std::uint64_t refreshes = 0;
  std::uint64_t row_hits = 0;
  std::uint64_t row_misses = 0;     // bank was closed
  std::uint64_t row_conflicts = 0;  // another row was open
  std::uint64_t queue_full_stalls = 0;
  spatialvp::Picoseconds data_bus_busy = 0;     // bursts * burst time
  spatialvp::Picoseconds refresh_busy = 0;      // refreshes * t_rfc
  spatialvp::Picoseconds queue_stall_time = 0;  // time bursts waited for a queue slot

  HbmChannelCounters& operator+=(const HbmChannelCounters& other);
};

// Statistics of one request, summed over the pseudo-channels it touches.
struct HbmRequestStats {
  std::uint32_t bursts = 0;
  std::uint32_t row_hits = 0;
  std::uint32_t row_misses = 0;
  std::uint32_t row_conflicts = 0;
  std::uint32_t queue_full_stalls = 0;
  // Latest time a burst of the request found its place in a full queue (0: none waited): the
  // request is accepted then, and an initiator that waits for acceptance issues no earlier.
  spatialvp::Picoseconds accepted = 0;
};

class HbmChannelController {
 public:
  // `config` must be valid; `index` is the pseudo-channel's global index (refresh staggering);
  // `bus` is its channel's command bus (shared with the channel's other pseudo-channels; must
  // outlive the controller).
  HbmChannelController(const HbmConfig& config, std::uint32_t index, HbmCommandBus& bus);

  // Schedules the bursts of one request (in address order) that arrives at `arrival`; returns
  // the end of the last data burst. With a write buffer (write_batch > 0) a write is buffered
  // and reaches the DRAM with its batch; the return value is then its acknowledgement as a
  // posted write (arrival + controller latency).
  spatialvp::Picoseconds access(const HbmBurst* bursts, std::size_t count, bool is_write,
                                spatialvp::Picoseconds arrival, HbmRequestStats& stats);
  // The same for a write (write_batch > 0) whose answer is deferred: it is reported under
  // `write_id` (not 0) with the end of its data in drainedWrites() once its batch is scheduled.
  spatialvp::Picoseconds accessDeferredWrite(const HbmBurst* bursts, std::size_t count,
                                             spatialvp::Picoseconds arrival, HbmRequestStats& stats,
                                             std::uint64_t write_id);

  // write_batch > 0: hands buffered writes to the scheduler (their DRAM commands, counters and
  // energy); the device calls it before it reports. Returns the end of their data (0: none).
  spatialvp::Picoseconds drainWrites();
  std::size_t bufferedWrites() const { return buffered_writes_.size(); }
  // When the buffered writes are due to drain with no further request: once no read is
  // pending and every buffered write has arrived (kNoDrainDue: none buffered).
  static constexpr spatialvp::Picoseconds kNoDrainDue = ~spatialvp::Picoseconds{0};
  spatialvp::Picoseconds writeDrainDue() const {
    return buffered_writes_.empty() ? kNoDrainDue
                                    : std::max(last_read_end_, latest_buffered_arrival_);
  }
  // Drains the buffer if it is due by `now` (writeDrainDue() <= now), starting at its due time.
  void drainWritesDueBy(spatialvp::Picoseconds now);
  // Deferred writes report (write_id, end of their data in this pseudo-channel) to `sink` when
  // their batch is scheduled, in drain order (the device's; must outlive the controller).
  struct DrainedWrite {
    std::uint64_t write_id;
    spatialvp::Picoseconds done;
  };
  void setDrainedWriteSink(std::vector<DrainedWrite>* sink) { drained_sink_ = sink; }

  // scheduling: on_issue (hbm_issue_scheduling.cpp). A request's bursts (in address order)
  // wait for a place in the queue (queue_depth; bank_queue_depth per bank), in arrival order, then
  // uncommitted in their bank's queue. Each bank offers one burst, as DRAMSys' FR-FCFS bank
  // machine: its oldest hit on the open row, else its oldest, among the bursts that have
  // arrived (a request called ahead of its arrival, as temporal decoupling allows, takes no part
  // in earlier decisions); the controller issues the offer whose column command can start first
  // (ties: the oldest), at that time. submit() queues;
  // nextIssue() is the time of the next decision (refresh included); issueNext() commits it and
  // reports the bursts admitted to a place and completed (their data end) to the sink.
  struct IssueEvent {
    enum class Kind : std::uint8_t { kAdmitted, kCompleted };
    std::uint64_t request;
    Kind kind;
    spatialvp::Picoseconds time;
  };
  static constexpr spatialvp::Picoseconds kNoIssue = ~spatialvp::Picoseconds{0};
  void setIssueSink(std::vector<IssueEvent>* sink) { issue_sink_ = sink; }
  void submit(const HbmBurst* bursts, std::size_t count, bool is_write,
              spatialvp::Picoseconds arrival, std::uint64_t request);
  spatialvp::Picoseconds nextIssue();
  bool issueNext();  // true when it booked the row command bus
  // Another pseudo-channel of the channel booked the shared row command bus.
  void rowBusChanged() {
    issue_known_ = false;
    ++issue_version_;
  }
  bool issueIdle() const { return issue_admitted_ == 0 && issue_waiting_.empty(); }
  // With no arrived burst (no decision of its own to carry them), commits the refreshes due by
  // `time`, at which a sibling sharing the row command bus decides next; true when it did.
  bool refreshIdleBy(spatialvp::Picoseconds time) {
    if (!refresh_enabled_ || next_refresh_due_ > time || !issue_busy_banks_.empty())
      return false;
    refreshUpTo(time);
    rowBusChanged();
    return true;
  }

  const HbmChannelCounters& counters() const { return counters_; }
  // Counters with the refreshes this pseudo-channel performs up to `end` also when it has no
  // traffic then (refresh runs whether or not anyone reads; closed form, no state change).
  HbmChannelCounters countersUpTo(spatialvp::Picoseconds end) const;
  std::uint32_t index() const { return index_; }

  // Records every command into `trace` (nullptr stops recording).
  void setCommandTrace(std::vector<HbmCommand>* trace) { trace_ = trace; }

  // The fast path (default on) groups the queued bursts by (bank, row) and keeps each group's
  // FR-FCFS estimate until its bank group changes; it makes exactly the decisions of the
  // reference path (off: every queued burst re-estimated for every pick). With on_issue it
  // re-plans only the offers whose lower bound could win (off: every offer for every
  // decision). For tests.
  void setFastPath(bool enabled) { fast_path_ = enabled; }
  bool fastPath() const { return fast_path_; }

 private:
  static constexpr std::uint64_t kNoRow = ~0ULL;

  struct Timing {
    spatialvp::Picoseconds rcd_rd, rcd_wr, rp, ras, cl, wl, ccd_l, rrd_l, wr, wtr_s, wtr_l, rtp,
        rtw, rfc, refi;
    spatialvp::Picoseconds burst;  // data bus time of one burst
    spatialvp::Picoseconds controller;
  };
  struct Bank {
    std::uint64_t open_row = kNoRow;
    spatialvp::Picoseconds act_ready = 0;  // closed bank: earliest ACT
    spatialvp::Picoseconds activated = 0;  // open bank: its ACT (RD/WR after t_rcd_rd/_wr)
    spatialvp::Picoseconds pre_ready = 0;  // open bank: earliest PRE (t_ras, t_rtp, t_wr)
  };
  struct BankGroup {
    IntervalCalendar activates;  // t_rrd_l spacing
    IntervalCalendar columns;    // t_ccd_l spacing
    // With both directions in use: per direction (index: is_write), a span of data starts in
    // which the last search of schedule() found no fit. Bookings only add constraints, so the
    // span stays without a fit, and the next search that starts inside it resumes at its end
    // instead of walking again over the turnaround gaps of a long backlog (fast path only, so
    // that the bit-identity test of the two paths checks it).
    spatialvp::Picoseconds no_fit_from[2] = {0, 0};
    spatialvp::Picoseconds no_fit_to[2] = {0, 0};
  };
  struct Slot {                          // one entry of the bounded request queue
    spatialvp::Picoseconds free_at = 0;  // when its last occupant left (column command issued)
    spatialvp::Picoseconds occupant_arrival = 0;
    std::uint32_t index = 0;
  };
  struct WindowEntry {
    std::uint32_t burst;  // index into the call's bursts
    std::uint32_t slot;
    spatialvp::Picoseconds enqueued;
    std::uint32_t bank_slot;  // index into bank_slots_ (bank_queue_depth > 0)
  };
  // Fast path: the queued bursts of one (bank, row), in admission order, with the FR-FCFS
  // estimate of the group (valid while `version` equals its bank group's version).
  struct RowGroup {
    std::uint32_t bank = 0;  // bankIndex()
    std::uint32_t bank_group = 0;
    std::uint64_t row = 0;
    std::vector<WindowEntry> entries;
    std::vector<std::uint64_t> order;  // admission number of each entry (FCFS tie-break)
    std::uint64_t version = 0;         // bank_group_version_ the estimate belongs to; 0 = none
    spatialvp::Picoseconds estimate = 0;
    std::size_t representative = 0;  // entry that the reference path would pick in this group
  };

  std::uint32_t bankIndex(const HbmBurst& b) const {
    return b.bank_group * banks_per_group_ + b.bank;
  }
  // Helpers declared inline are defined in the .cpp that uses them, or, for the command timing
  // both scheduling modes use, in hbm_channel_timing.h: the core is compiled with -fPIC (it is
  // part of the shared platform library), and GCC does not inline a function that could be
  // interposed, not even within its own file.
  std::size_t pickNext(const HbmBurst* bursts);  // index into window_
  spatialvp::Picoseconds accessReference(const HbmBurst* bursts, std::size_t count, bool is_write,
                                         spatialvp::Picoseconds arrival, HbmRequestStats& stats);
  inline spatialvp::Picoseconds accessFast(const HbmBurst* bursts, std::size_t count, bool is_write,
                                           spatialvp::Picoseconds arrival, HbmRequestStats& stats);
  // Fast path for a call whose bursts all hit one (bank, row) (e.g. a 64 B request): FIFO order.
  static constexpr std::size_t kLocalEntries = 8;  // queue entries of a short call, on the stack
  inline bool oneRow(const HbmBurst* bursts, std::size_t count) const;
  inline spatialvp::Picoseconds accessOneRow(const HbmBurst* bursts, std::size_t count,
                                             bool is_write, spatialvp::Picoseconds queued,
                                             HbmRequestStats& stats);
  // Fast path: enqueues a burst into its row group; picks the next (group, entry).
  void admitFast(spatialvp::Picoseconds arrival, const HbmBurst* bursts, std::uint32_t burst,
                 HbmRequestStats& stats);
  std::pair<std::size_t, std::size_t> pickNextFast(const HbmBurst* bursts);
  // FR-FCFS column estimate of a queued burst (the reference path's per-burst formula).
  spatialvp::Picoseconds estimateColumn(const HbmBurst& burst, spatialvp::Picoseconds enqueued,
                                        bool hit) const;
  void estimateGroup(RowGroup& group, const HbmBurst* bursts, bool hit) const;
  void touchBankGroup(std::uint32_t bank_group) { bank_group_version_[bank_group] = ++version_; }
  void touchAllBankGroups();
  // Gives burst `burst` of the call a queue slot (shared by all paths); its entry goes to the
  // caller's queue. retire() frees the slot when the burst's column command issues at `column`.
  inline WindowEntry enqueue(spatialvp::Picoseconds arrival, const HbmBurst& b, std::uint32_t burst,
                             HbmRequestStats& stats);
  inline void retire(const WindowEntry& entry, spatialvp::Picoseconds column,
                     spatialvp::Picoseconds arrival);
  // bank_queue_depth > 0: whether the burst's bank has a place not held by the current call
  // (bursts of one call are admitted in order, so admission pauses until one is retired).
  inline bool bankHasRoom(const HbmBurst& burst) const;
  // Schedules one request now (no write buffer in between).
  spatialvp::Picoseconds accessNow(const HbmBurst* bursts, std::size_t count, bool is_write,
                                   spatialvp::Picoseconds arrival, HbmRequestStats& stats);
  // Hands the buffered writes to the scheduler as one batch that starts at `start`.
  void drainWriteBuffer(spatialvp::Picoseconds start);
  void holdPlaces(const HbmBurst* bursts, std::size_t count, spatialvp::Picoseconds arrival,
                  HbmRequestStats& stats);
  Slot* freePlace(const HbmBurst& burst);  // the place of its bank that frees first, or none
  bool placesForRead(const HbmBurst* bursts, std::size_t count);
  struct ColumnPlan;
  // Schedules one burst no earlier than `earliest`; returns its column command time and sets
  // `data_end`. With `plan` (on_issue: planColumn()'s plan for it in the current state) the
  // commands are booked where the plan put them instead of searched for again.
  inline spatialvp::Picoseconds schedule(const HbmBurst& burst, bool is_write,
                                         spatialvp::Picoseconds earliest,
                                         spatialvp::Picoseconds& data_end, HbmRequestStats& stats,
                                         const ColumnPlan* plan = nullptr);
  // schedule()'s second half: books the column command and the data of a burst whose data
  // starts at `data_start`; returns the column command time and sets `data_end`.
  inline spatialvp::Picoseconds bookColumn(const HbmBurst& burst, bool is_write,
                                           spatialvp::Picoseconds data_start,
                                           spatialvp::Picoseconds& data_end);
  void prechargeAfterUse(const HbmBurst& burst);
  // Earliest time >= `time` with `slots` consecutive free cycles on the row command bus.
  inline spatialvp::Picoseconds rowCommandFit(spatialvp::Picoseconds time, int slots) const;
  inline void bookRowCommand(spatialvp::Picoseconds time, int slots);
  // The first activate time >= `earliest` that the pseudo-channel's and the bank group's
  // activate spacing and the row command bus allow.
  inline spatialvp::Picoseconds activateFit(spatialvp::Picoseconds earliest,
                                            const BankGroup& group) const;
  // The first data start >= `data_start` that the bank group's column spacing, the data bus and
  // (both directions in use) the turnaround allow.
  inline spatialvp::Picoseconds dataFit(spatialvp::Picoseconds data_start,
                                        spatialvp::Picoseconds latency, const BankGroup& group,
                                        bool is_write, std::uint32_t bank_group) const;
  // on_issue: the precharge (kNoIssue unless a row conflict), activate (kNoIssue for a row
  // hit) and column command times schedule() would give the burst now (no booking).
  struct ColumnPlan {
    spatialvp::Picoseconds precharge;
    spatialvp::Picoseconds activate;
    spatialvp::Picoseconds column;
  };
  ColumnPlan planColumn(const HbmBurst& burst, bool is_write,
                        spatialvp::Picoseconds earliest) const;
  void admitWaiting(spatialvp::Picoseconds now);  // on_issue: waiting bursts into free places
  // First data start >= `start` outside the turnaround zones of the other direction's bursts.
  inline spatialvp::Picoseconds turnaroundFit(spatialvp::Picoseconds start, bool is_write,
                                              std::uint32_t bank_group) const;
  inline void bookTurnaround(spatialvp::Picoseconds start, bool is_write, std::uint32_t bank_group);
  void refreshUpTo(spatialvp::Picoseconds time);
  void refreshOnce(spatialvp::Picoseconds due);
  inline void record(HbmCommand::Kind kind, spatialvp::Picoseconds time, std::uint32_t bank_group,
                     std::uint32_t bank, std::uint64_t row, spatialvp::Picoseconds data_start = 0,
                     spatialvp::Picoseconds data_end = 0);

  // Slots not held by the current call, sorted by (free_at, index) in
  // free_slots_[free_head_, free_tail_) of a buffer of 2 * queue_depth entries: the first is the
  // next to take; a freed slot usually frees among the last, so its insertion from the back
  // moves few entries (cheaper than a heap's sift steps); the live range moves back to the
  // front of the buffer when it reaches the end. A held slot's state lives only here while it
  // is free, so taking one touches nothing else.
  inline void releaseSlot(const Slot& slot);
  Slot takeSlot() { return free_slots_[free_head_++]; }  // the call holds < queue_depth slots
  std::size_t freeCount() const { return free_tail_ - free_head_; }

  // State that every access reads comes first, packed into few cache lines: under random
  // traffic over many pseudo-channels each access finds its controller cold in the L1 cache.
  Timing t_{};
  bool fast_path_ = true;
  bool closed_page_;
  bool refresh_enabled_;
  bool any_write_ = false;
  bool any_read_ = false;
  bool mixed_ = false;              // both directions seen: turnaround histories in use
  spatialvp::Picoseconds rcd_ = 0;  // t_rcd of the current call's direction
  std::uint32_t banks_per_group_;
  std::size_t queue_depth_;
  std::vector<Bank> banks_;
  std::vector<BankGroup> groups_;
  std::vector<Slot> free_slots_;
  std::size_t free_head_ = 0;
  std::size_t free_tail_ = 0;
  // Per-bank request buffer (bank_queue_depth places per bank; empty when unlimited): a place
  // is free from free_at (kPlaceHeld while a burst of the current call or a buffered write
  // holds it; it has no free time yet).
  static constexpr spatialvp::Picoseconds kPlaceHeld = ~spatialvp::Picoseconds{0};
  std::size_t bank_queue_depth_ = 0;
  std::vector<Slot> bank_slots_;
  // Write buffer (write_batch > 0): posted writes (their bursts, in call order) not yet
  // handed to the scheduler.
  struct BufferedWrite {
    std::size_t first_burst;
    std::size_t count;
    spatialvp::Picoseconds arrival;
    std::uint64_t write_id;  // 0: posted, nobody waits for its data
  };
  std::uint32_t write_batch_ = 0;
  std::vector<HbmBurst> buffered_bursts_;
  std::vector<BufferedWrite> buffered_writes_;
  std::vector<DrainedWrite>* drained_sink_ = nullptr;
  // The bank place each buffered burst holds (bank_queue_depth > 0; kNoPlace: none).
  static constexpr std::uint32_t kNoPlace = ~std::uint32_t{0};
  std::vector<std::uint32_t> buffered_places_;
  spatialvp::Picoseconds latest_buffered_arrival_ = 0;
  spatialvp::Picoseconds last_read_end_ = 0;   // end of the latest read data committed
  spatialvp::Picoseconds last_drain_end_ = 0;  // end of the latest drained write data
  // Before both directions are seen, only the latest data start (and its bank group) of each;
  // the histories are seeded with them when the first burst of the other direction comes.
  spatialvp::Picoseconds last_write_data_start_ = 0;
  spatialvp::Picoseconds last_read_data_start_ = 0;
  std::uint32_t last_write_group_ = 0;
  std::uint32_t last_read_group_ = 0;
  HbmTurnaroundHistory read_history_;            // recent read data starts
  HbmTurnaroundHistory write_history_;           // recent write data starts
  HbmTurnaroundHistory::Zone zone_for_write_{};  // a write against booked reads
  HbmTurnaroundHistory::Zone zone_for_read_{};   // a read against booked writes
  HbmCommandBus* bus_;
  spatialvp::Picoseconds high_water_ = 0;  // latest command time committed
  spatialvp::Picoseconds next_refresh_due_ = 0;
  std::vector<HbmCommand>* trace_ = nullptr;
  HbmChannelCounters counters_;
  IntervalCalendar data_bus_;         // slot max(burst, t_ccd_s): also spaces column commands
  IntervalCalendar activate_budget_;  // slot max(t_rrd_s, t_faw / 4)
  std::uint32_t index_;
  std::vector<WindowEntry> window_;
  std::vector<std::uint8_t> bank_has_hit_;  // scratch of pickNext
  // Fast path state: row groups of the current call (the first row_group_count_ are live), a
  // version per bank group bumped whenever its calendars or one of its banks change.
  std::vector<RowGroup> row_groups_;
  std::size_t row_group_count_ = 0;
  std::size_t window_size_ = 0;
  std::uint64_t admissions_ = 0;
  std::uint64_t version_ = 0;
  std::vector<std::uint64_t> bank_group_version_;
  // scheduling: on_issue state.
  struct IssueBurst {
    HbmBurst burst;
    bool is_write;
    spatialvp::Picoseconds queued;    // arrival + controller latency
    spatialvp::Picoseconds enqueued;  // when it got its places
    std::uint64_t request;
    std::uint64_t order;  // arrival number (oldest first)
  };
  // A bank's queued bursts in arrival order. The one that leaves is nearly always among the
  // oldest, so the ones before it move up by one, not the ones after it (up to queue_depth of
  // them with one queue shared by the banks).
  class BankQueue {
   public:
    std::size_t size() const { return items_.size() - head_; }
    const IssueBurst& operator[](std::size_t i) const { return items_[head_ + i]; }
    std::vector<IssueBurst>::const_iterator begin() const {
      return items_.begin() + static_cast<std::ptrdiff_t>(head_);
    }
    std::vector<IssueBurst>::const_iterator end() const { return items_.end(); }
    void push_back(const IssueBurst& burst) {
      if (head_ > 0 && head_ >= items_.size() / 2) {  // moves fewer bursts than have left
        items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
      items_.push_back(burst);
    }
    void erase(std::size_t i) {
      const auto first = items_.begin() + static_cast<std::ptrdiff_t>(head_);
      std::move_backward(first, first + static_cast<std::ptrdiff_t>(i),
                         first + static_cast<std::ptrdiff_t>(i) + 1);
      if (++head_ == items_.size()) {
        items_.clear();
        head_ = 0;
      }
    }

   private:
    std::vector<IssueBurst> items_;
    std::size_t head_ = 0;  // items_ before it have left
  };
  std::deque<IssueBurst> issue_waiting_;         // no place yet, in arrival order
  std::vector<BankQueue> issue_banks_;           // per bank
  std::vector<std::uint32_t> issue_busy_banks_;  // banks with arrived queued bursts
  // Banks whose offer was forgotten since the last plan (may repeat, may have gone idle), so
  // that planNextIssue() does not look at every busy bank to find them.
  std::vector<std::uint32_t> issue_unknown_banks_;
  void forgetOffer(std::uint32_t bank) {
    issue_offers_[bank].known = false;
    issue_unknown_banks_.push_back(bank);
    issue_known_ = false;
  }
  // From when decisions see a queued burst: once it has its places, and after its arrival (with
  // no controller latency it is queued at its arrival, and a caller on time has made the
  // decisions at that time before it calls, so a burst called ahead must not take part in them).
  spatialvp::Picoseconds joins(const IssueBurst& burst) const {
    return std::max(burst.enqueued, burst.queued - t_.controller + 1);
  }
  // A queued burst takes part in decisions once it has arrived (joins <= issue_arrived_by_).
  // Bursts queued ahead of their arrival wait, sorted by it, until nextIssue() reveals those
  // that arrive by the decision it plans.
  struct UnarrivedBurst {
    spatialvp::Picoseconds joins;
    std::uint64_t order;
    std::uint64_t row;
    std::uint32_t bank;
    bool operator>(const UnarrivedBurst& other) const {
      return joins > other.joins || (joins == other.joins && order > other.order);
    }
  };
  std::deque<UnarrivedBurst> issue_unarrived_;  // the next to arrive first
  spatialvp::Picoseconds issue_arrived_by_ = 0;
  // The latest decision: the next column command goes no earlier (0 with on_arrival).
  spatialvp::Picoseconds issue_last_decision_ = 0;
  std::vector<std::uint32_t> issue_arrived_count_;  // per bank: its arrived queued bursts
  // A burst of bank `b` joins the decisions: the bank's offer is re-chosen if it may change.
  inline void arrive(std::uint32_t b, std::uint64_t row, std::uint64_t order);
  inline void revealArrivalsBy(spatialvp::Picoseconds time);
  void planNextIssue();  // nextIssue() among the arrived bursts
  // Each busy bank's offer and its column estimate, computed at `version`. Bookings only add
  // constraints, so an estimate from an older version is a lower bound: nextIssue() recomputes
  // only offers whose bound is below the best fresh estimate. `known` false: the offer itself
  // may have changed (its bank's queue or state did).
  struct IssueOffer {
    std::size_t entry = 0;
    spatialvp::Picoseconds estimate = 0;
    // Its activate as planned (kNoIssue for a row hit); while stale, a lower bound of it.
    spatialvp::Picoseconds activate = kNoIssue;
    spatialvp::Picoseconds precharge = kNoIssue;  // as planned; meaningful only while fresh
    std::uint64_t order = 0;
    std::uint64_t version = 0;
    bool is_write = false;
    bool known = false;
  };
  std::vector<IssueOffer> issue_offers_;
  std::uint64_t issue_version_ = 1;  // bumped by every booking in this PC or on its row bus
  void estimateOffer(std::uint32_t bank);
  void raiseOfferBounds(spatialvp::Picoseconds column, bool is_write,
                        spatialvp::Picoseconds activate, std::uint32_t bank_group);
  std::size_t issue_admitted_ = 0;
  std::uint64_t issue_order_ = 0;
  bool issue_known_ = false;  // the next decision below is up to date
  bool issue_refresh_ = false;
  spatialvp::Picoseconds issue_time_ = 0;
  std::uint32_t issue_bank_ = 0;
  std::size_t issue_entry_ = 0;
  std::vector<IssueEvent>* issue_sink_ = nullptr;
};

}  // namespace spatialvp::models
