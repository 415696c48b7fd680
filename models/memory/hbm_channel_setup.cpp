// Construction and counters of an HBM pseudo-channel controller; the scheduling is in
// hbm_channel_controller.cpp (on_issue: hbm_issue_scheduling.cpp), the write buffer in
// hbm_write_buffer.cpp.
#include "models/memory/hbm_channel_controller.h"

#include <algorithm>
#include <numeric>

namespace spatialvp::models {

using spatialvp::Picoseconds;

namespace {
// Calendars keep this many busy intervals before folding the oldest into a floor: microseconds
// of history for the decoupling skew of loosely-timed initiators, bounded memory for devices
// with hundreds of pseudo-channels.
constexpr std::size_t kChannelCalendarIntervals = 128;
constexpr std::size_t kGroupCalendarIntervals = 64;
// The fast path's grouped FR-FCFS estimate needs exact (monotone) bank-group calendars.
static_assert(kGroupCalendarIntervals <= IntervalCalendar::kMaxFragmentsSearched,
              "bank-group calendars must be searched exactly");

// The refresh slot (0 .. count - 1) of pseudo-channel `index`: index x stride mod count, a
// permutation for a stride coprime to count, here the first one from 0.618 x count up, so that
// pseudo-channels with nearby indices get slots far apart (two pseudo-channels: the identity).
std::uint64_t refreshSlot(std::uint64_t index, std::uint64_t count) {
  std::uint64_t stride = std::max<std::uint64_t>(1, (count * 618 + 500) / 1000);
  while (std::gcd(stride, count) != 1)
    ++stride;
  return index * stride % count;
}

}  // namespace

HbmChannelCounters& HbmChannelCounters::operator+=(const HbmChannelCounters& other) {
  read_bursts += other.read_bursts;
  write_bursts += other.write_bursts;
  activates += other.activates;
  precharges += other.precharges;
  refreshes += other.refreshes;
  row_hits += other.row_hits;
  row_misses += other.row_misses;
  row_conflicts += other.row_conflicts;
  queue_full_stalls += other.queue_full_stalls;
  data_bus_busy += other.data_bus_busy;
  refresh_busy += other.refresh_busy;
  queue_stall_time += other.queue_stall_time;
  return *this;
}

HbmChannelController::HbmChannelController(const HbmConfig& config, std::uint32_t index,
                                           HbmCommandBus& bus)
    : closed_page_(config.page_policy == PagePolicy::kClosed),
      refresh_enabled_(config.refresh_policy != RefreshPolicy::kNone),
      banks_per_group_(config.banks_per_group),
      queue_depth_(config.queue_depth),
      banks_(config.banksPerPseudoChannel()),
      bus_(&bus),
      data_bus_(std::max(config.burstTime(), config.t_ccd_s), kChannelCalendarIntervals),
      // Reserving t_faw/4 per activate keeps any t_faw window at four activates or fewer. It is
      // exact for a sustained activate rate and conservative for an isolated group of four.
      activate_budget_(std::max(config.t_rrd_s, (config.t_faw + 3) / 4), kChannelCalendarIntervals),
      index_(index),
      bank_has_hit_(config.banksPerPseudoChannel(), 0),
      // At most queue_depth groups hold bursts, and the group emptied by the last pick is only
      // dropped by the next pick, after the admission that refills the queue: one more.
      row_groups_(config.queue_depth + 1),
      version_(1),
      bank_group_version_(config.bank_groups, 1) {
  t_.rcd_rd = config.t_rcd_rd;
  t_.rcd_wr = config.t_rcd_wr;
  t_.rp = config.t_rp;
  t_.ras = config.t_ras;
  t_.cl = config.t_cl;
  t_.wl = config.t_wl;
  t_.ccd_l = config.t_ccd_l;
  t_.rrd_l = config.t_rrd_l;
  t_.wr = config.t_wr;
  t_.wtr_s = config.t_wtr_s;
  t_.wtr_l = config.t_wtr_l;
  t_.rtp = config.t_rtp;
  t_.rtw = config.t_rtw;
  t_.rfc = config.t_rfc;
  t_.refi = config.t_refi;
  t_.burst = config.burstTime();
  t_.controller = config.controller_latency;
  // Turnaround zones (data starts; B = burst): a write needs ws >= rs + B + t_rtw after a read
  // and ws + B + t_wtr + t_cl <= rs before one; a read the mirror image (t_wtr_l in the same
  // bank group).
  zone_for_write_.before_short = t_.burst + t_.wtr_s + t_.cl;
  zone_for_write_.before_long = t_.burst + t_.wtr_l + t_.cl;
  zone_for_write_.after_short = zone_for_write_.after_long = t_.burst + t_.rtw;
  zone_for_read_.before_short = zone_for_read_.before_long = t_.burst + t_.rtw;
  zone_for_read_.after_short = t_.burst + t_.wtr_s + t_.cl;
  zone_for_read_.after_long = t_.burst + t_.wtr_l + t_.cl;
  read_history_ = HbmTurnaroundHistory(zone_for_write_, config.bank_groups);
  write_history_ = HbmTurnaroundHistory(zone_for_read_, config.bank_groups);
  window_.reserve(config.queue_depth);
  for (RowGroup& group : row_groups_) {
    group.entries.reserve(config.queue_depth);
    group.order.reserve(config.queue_depth);
  }
  free_slots_.assign(2 * queue_depth_, Slot{});
  for (std::uint32_t s = 0; s < config.queue_depth; ++s)
    free_slots_[s].index = s;
  free_tail_ = config.queue_depth;
  bank_queue_depth_ = config.bank_queue_depth;
  bank_slots_.assign(banks_.size() * bank_queue_depth_, Slot{});
  for (std::size_t s = 0; s < bank_slots_.size(); ++s)
    bank_slots_[s].index = static_cast<std::uint32_t>(s);
  write_batch_ = config.write_batch;
  buffered_bursts_.reserve(config.write_batch);
  groups_.reserve(config.bank_groups);
  for (std::uint32_t g = 0; g < config.bank_groups; ++g) {
    groups_.push_back({IntervalCalendar(config.t_rrd_l, kGroupCalendarIntervals),
                       IntervalCalendar(config.t_ccd_l, kGroupCalendarIntervals)});
  }
  if (config.scheduling == Scheduling::kOnIssue) {
    issue_banks_.resize(banks_.size());
    issue_offers_.resize(banks_.size());
    issue_arrived_count_.assign(banks_.size(), 0);
    // Offers of both directions are compared from the start, so the turnaround histories are
    // in use from the first burst (empty, they constrain nothing).
    mixed_ = true;
  }
  if (refresh_enabled_) {
    // Stagger pseudo-channels evenly over one interval so that they do not all refresh at once,
    // in a scattered order: with the index order, pseudo-channels next to each other in the
    // address interleave refreshed t_REFI / count apart, less than t_RFC, so a stream of
    // requests that waits for each (one in flight) met one refresh after the other (sequential
    // 64 B reads on the hbm2 preset: 123 ns each against 21 ns without refresh).
    const std::uint64_t count = config.pseudoChannelCount();
    next_refresh_due_ = t_.refi * (refreshSlot(index % count, count) + 1) / count;
  }
}

HbmChannelCounters HbmChannelController::countersUpTo(Picoseconds end) const {
  HbmChannelCounters counters = counters_;
  if (refresh_enabled_ && end >= next_refresh_due_) {
    const std::uint64_t pending = (end - next_refresh_due_) / t_.refi + 1;
    counters.refreshes += pending;
    counters.refresh_busy += pending * t_.rfc;
  }
  return counters;
}

}  // namespace spatialvp::models
