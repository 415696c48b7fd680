#include "models/memory/hbm_device.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace spatialvp::models {

using spatialvp::Picoseconds;

namespace {

const HbmConfig& validated(const HbmConfig& config) {
  const std::vector<std::string> errors = config.validate();
  if (!errors.empty()) {
    std::string message = "invalid HBM configuration:";
    for (const std::string& error : errors)
      message += "\n  " + error;
    throw std::invalid_argument(message);
  }
  return config;
}

HbmBurst toBurst(const HbmCoordinates& c) {
  return {c.bank_group, c.bank, c.row, c.column};
}

}  // namespace

HbmDevice::HbmDevice(const HbmConfig& config)
    : config_(validated(config)),
      mapper_(config_),
      pending_(config_.pseudoChannelCount()),
      burst_bytes_(config_.burstBytes()),
      deferred_writes_(config_.write_batch > 0 &&
                       config_.write_completion == WriteCompletion::kDeferred) {
  // The command bus keeps as much history as a pseudo-channel's data bus (it carries the
  // commands of all pseudo-channels of the channel).
  constexpr std::size_t kCommandBusIntervals = 128;
  command_buses_.reserve(config_.channelCount());
  for (std::uint32_t c = 0; c < config_.channelCount(); ++c)
    command_buses_.emplace_back(config_.clockPeriod(), kCommandBusIntervals);
  channels_.reserve(config_.pseudoChannelCount());
  for (std::uint32_t i = 0; i < config_.pseudoChannelCount(); ++i) {
    channels_.emplace_back(config_, i, command_buses_[i / config_.pseudo_channels_per_channel]);
  }
  touched_.reserve(config_.pseudoChannelCount());
  request_time_.assign(config_.pseudoChannelCount(), 0);
  if (deferred_writes_) {
    for (HbmChannelController& channel : channels_)
      channel.setDrainedWriteSink(&drained_writes_);
  }
  if (schedulesOnIssue()) {
    for (HbmChannelController& channel : channels_)
      channel.setIssueSink(&issue_events_);
    issue_leaves_ = 1;
    while (issue_leaves_ < channels_.size())
      issue_leaves_ *= 2;
    issue_time_.assign(issue_leaves_, HbmChannelController::kNoIssue);
    issue_winner_.assign(2 * issue_leaves_, 0);
    for (std::uint32_t leaf = 0; leaf < issue_leaves_; ++leaf)
      issue_winner_[issue_leaves_ + leaf] = leaf;
    for (std::uint32_t node = issue_leaves_ - 1; node >= 1; --node)
      issue_winner_[node] = issue_winner_[2 * node];  // all kNoIssue: the lower index
  }
}

bool HbmDevice::contains(std::uint64_t address, std::uint64_t bytes) const {
  return bytes <= config_.capacity && address <= config_.capacity - bytes;
}

// Inlined into its callers: a call here costs the 64 B random read about 8% of the device's
// share.
template <typename Share>
[[gnu::always_inline]] inline std::uint32_t HbmDevice::forEachShare(const MemoryRequest& request,
                                                                    Share share) {
  const std::uint64_t first = request.address / burst_bytes_;
  const std::uint64_t last = (request.address + request.bytes - 1) / burst_bytes_;
  HbmCoordinates c = mapper_.decode(first * burst_bytes_);
  const std::uint32_t first_channel = mapper_.pseudoChannelIndex(c);
  // A short request usually stays in one pseudo-channel (a 64 B read is two bursts of one PC):
  // its bursts go from short_request_ straight to that channel, without per-channel grouping.
  std::size_t short_count = 0;
  std::uint64_t block = first;
  for (;;) {
    short_request_[short_count++] = toBurst(c);
    if (++block > last)
      break;
    mapper_.decodeNext(block * burst_bytes_, c);  // c: coordinates of `block`, not yet stored
    if (short_count == short_request_.size() || mapper_.pseudoChannelIndex(c) != first_channel)
      break;
  }
  if (block > last) {
    share(first_channel, short_request_.data(), short_count);
    return 1;
  }
  // Spans pseudo-channels: group the bursts per channel, in address order.
  pending_[first_channel].assign(short_request_.begin(),
                                 short_request_.begin() + static_cast<std::ptrdiff_t>(short_count));
  touched_.push_back(first_channel);
  for (;;) {
    const std::uint32_t channel = mapper_.pseudoChannelIndex(c);
    std::vector<HbmBurst>& bursts = pending_[channel];
    if (bursts.empty())
      touched_.push_back(channel);
    bursts.push_back(toBurst(c));
    if (++block > last)
      break;
    mapper_.decodeNext(block * burst_bytes_, c);
  }
  for (const std::uint32_t channel : touched_) {
    std::vector<HbmBurst>& bursts = pending_[channel];
    share(channel, bursts.data(), bursts.size());
    bursts.clear();
  }
  const auto touched = static_cast<std::uint32_t>(touched_.size());
  touched_.clear();
  return touched;
}

template <bool kDefer>
[[gnu::always_inline]] inline std::uint32_t HbmDevice::scheduleBursts(const MemoryRequest& request,
                                                                      HbmAccessResult& result,
                                                                      std::uint64_t write_id) {
  // The pseudo-channel's share of the request: scheduled, or buffered as a deferred write.
  return forEachShare(request, [&](std::uint32_t channel, const HbmBurst* bursts,
                                   std::size_t count) {
    HbmChannelController& controller = channels_[channel];
    const Picoseconds done =
        kDefer
            ? controller.accessDeferredWrite(bursts, count, request.arrival, result.stats, write_id)
            : controller.access(bursts, count, request.is_write, request.arrival, result.stats);
    request_time_[channel] += done - request.arrival;
    result.completion = std::max(result.completion, done);
  });
}

void HbmDevice::accessDeferring(const MemoryRequest& request, HbmAccessResult& result) {
  if (!request.is_write) {
    scheduleBursts<false>(request, result, 0);
    collectDrainedWrites();  // a read may find the buffer due
    return;
  }
  const std::uint64_t write_id = next_write_id_++;
  pending_writes_[write_id].channels_left = scheduleBursts<true>(request, result, write_id);
  collectDrainedWrites();
  // Written in the same call (no read pending, or the batch filled): answered at once.
  const auto own = std::find_if(
      completed_writes_.begin(), completed_writes_.end(),
      [write_id](const HbmCompletedWrite& write) { return write.write_id == write_id; });
  if (own != completed_writes_.end()) {
    result.completion = own->completion;
    completed_writes_.erase(own);
  } else {
    result.deferred = true;
    result.write_id = write_id;
  }
}

void HbmDevice::checkRequest(const MemoryRequest& request) const {
  if (request.bytes == 0) {
    throw std::invalid_argument("HBM access: zero-byte request at address " +
                                std::to_string(request.address));
  }
  if (!contains(request.address, request.bytes)) {
    throw std::out_of_range("HBM access: [" + std::to_string(request.address) + ", +" +
                            std::to_string(request.bytes) + ") lies outside the device's " +
                            std::to_string(config_.capacity) + " bytes");
  }
}

void HbmDevice::countRequest(const MemoryRequest& request) {
  if (request.is_write) {
    ++write_requests_;
    bytes_written_ += request.bytes;
  } else {
    ++read_requests_;
    bytes_read_ += request.bytes;
  }
}

HbmAccessResult HbmDevice::access(const MemoryRequest& request) {
  checkRequest(request);
  if (schedulesOnIssue())
    throw std::logic_error("HBM access: scheduling 'on_issue' takes requests through submit()");
  HbmAccessResult result;
  result.completion = request.arrival;
  if (deferred_writes_)
    accessDeferring(request, result);
  else
    scheduleBursts<false>(request, result, 0);
  last_completion_ = std::max(last_completion_, result.completion);
  result.stats.accepted = std::max(result.stats.accepted, request.arrival);
  countRequest(request);
  return result;
}

std::uint64_t HbmDevice::submit(const MemoryRequest& request) {
  checkRequest(request);
  countRequest(request);
  const std::uint64_t id = next_request_id_++;
  // A request of one burst has its burst's events; only longer ones count their bursts.
  const std::uint64_t bursts =
      (request.address + request.bytes - 1) / burst_bytes_ - request.address / burst_bytes_ + 1;
  if (bursts > 1) {
    IssueProgress& progress = issue_progress_.insert(id);
    progress.unadmitted = progress.uncompleted = static_cast<std::uint32_t>(bursts);
  }
  forEachShare(request, [&](std::uint32_t channel, const HbmBurst* share, std::size_t count) {
    channels_[channel].submit(share, count, request.is_write, request.arrival, id);
    refreshIssueTime(channel);
  });
  collectIssueEvents();
  return id;
}

void HbmDevice::refreshIssueTime(std::uint32_t channel) {
  const Picoseconds time = channels_[channel].nextIssue();
  if (time == issue_time_[channel])
    return;
  issue_time_[channel] = time;
  for (std::uint32_t node = (issue_leaves_ + channel) / 2; node >= 1; node /= 2) {
    const std::uint32_t left = issue_winner_[2 * node];
    const std::uint32_t right = issue_winner_[2 * node + 1];
    issue_winner_[node] = issue_time_[right] < issue_time_[left] ? right : left;
  }
}

void HbmDevice::issueUpTo(Picoseconds now) {
  // One decision at a time, the earliest first (ties: the lower pseudo-channel), because the
  // pseudo-channels of a channel share its row command bus.
  if (issue_time_.empty())
    return;
  const std::uint32_t per_channel = config_.pseudo_channels_per_channel;
  constexpr std::uint32_t kNoSibling = ~std::uint32_t{0};
  auto rowBusChanged = [&](std::uint32_t first_sibling, std::uint32_t except) {
    for (std::uint32_t i = first_sibling; i < first_sibling + per_channel; ++i) {
      if (i != except) {
        channels_[i].rowBusChanged();
        refreshIssueTime(i);
      }
    }
  };
  for (;;) {
    const std::uint32_t best = issue_winner_[1];
    const Picoseconds decision = issue_time_[best];
    if (decision > now)  // kNoIssue too
      break;
    const std::uint32_t first_sibling = best / per_channel * per_channel;
    // A sibling without a burst to decide has no decision of its own for its refresh; the
    // refreshes it has due by this decision take the shared row command bus first, as a
    // controller issuing in time order would have them (committed only when its next burst
    // came, they would depend on when that burst was called). The decisions are then planned
    // again.
    bool refreshed = false;
    for (std::uint32_t i = first_sibling; i < first_sibling + per_channel; ++i)
      refreshed |= i != best && channels_[i].refreshIdleBy(decision);
    if (refreshed) {
      rowBusChanged(first_sibling, kNoSibling);
      continue;
    }
    const bool row_bus_booked = channels_[best].issueNext();
    refreshIssueTime(best);
    if (row_bus_booked)
      rowBusChanged(first_sibling, best);
  }
  collectIssueEvents();
}

void HbmDevice::collectIssueEvents() {
  for (const HbmChannelController::IssueEvent& event : issue_events_) {
    IssueProgress* const counted = issue_progress_.find(event.request);
    if (counted == nullptr) {  // a request of one burst
      const bool admitted = event.kind == HbmChannelController::IssueEvent::Kind::kAdmitted;
      request_events_.push_back(
          {event.request,
           admitted ? HbmRequestEvent::Kind::kAccepted : HbmRequestEvent::Kind::kCompleted,
           event.time});
      if (!admitted)
        last_completion_ = std::max(last_completion_, event.time);
      continue;
    }
    IssueProgress& progress = *counted;
    if (event.kind == HbmChannelController::IssueEvent::Kind::kAdmitted) {
      progress.accepted = std::max(progress.accepted, event.time);
      if (--progress.unadmitted == 0)
        request_events_.push_back(
            {event.request, HbmRequestEvent::Kind::kAccepted, progress.accepted});
      continue;
    }
    progress.completion = std::max(progress.completion, event.time);
    if (--progress.uncompleted == 0) {
      request_events_.push_back(
          {event.request, HbmRequestEvent::Kind::kCompleted, progress.completion});
      last_completion_ = std::max(last_completion_, progress.completion);
      issue_progress_.erase(event.request);
    }
  }
  issue_events_.clear();
}

void HbmDevice::takeRequestEvents(std::vector<HbmRequestEvent>& out) {
  out.clear();
  out.swap(request_events_);
}

void HbmDevice::drainWriteBuffers() {
  for (HbmChannelController& channel : channels_) {
    last_completion_ = std::max(last_completion_, channel.drainWrites());
  }
  collectDrainedWrites();
}

Picoseconds HbmDevice::nextWriteDrainDue() const {
  Picoseconds due = HbmChannelController::kNoDrainDue;
  for (const HbmChannelController& channel : channels_)
    due = std::min(due, channel.writeDrainDue());
  return due;
}

void HbmDevice::drainWriteBuffersDueBy(Picoseconds now) {
  for (HbmChannelController& channel : channels_)
    channel.drainWritesDueBy(now);
  collectDrainedWrites();
}

void HbmDevice::takeCompletedWrites(std::vector<HbmCompletedWrite>& out) {
  out.clear();
  out.swap(completed_writes_);
}

void HbmDevice::collectDrainedWrites() {
  for (const HbmChannelController::DrainedWrite& write : drained_writes_) {
    const auto pending = pending_writes_.find(write.write_id);
    pending->second.completion = std::max(pending->second.completion, write.done);
    if (--pending->second.channels_left == 0) {
      completed_writes_.push_back({write.write_id, pending->second.completion});
      last_completion_ = std::max(last_completion_, pending->second.completion);
      pending_writes_.erase(pending);
    }
  }
  drained_writes_.clear();
}

HbmDeviceCounters HbmDevice::counters() const {
  HbmDeviceCounters totals;
  totals.read_requests = read_requests_;
  totals.write_requests = write_requests_;
  totals.bytes_read = bytes_read_;
  totals.bytes_written = bytes_written_;
  for (const HbmChannelController& channel : channels_)
    totals.channels += channel.countersUpTo(last_completion_);
  return totals;
}

HbmEnergy HbmDevice::energy() const {
  const HbmChannelCounters c = counters().channels;
  const double burst_bits = static_cast<double>(burst_bytes_) * 8.0;
  HbmEnergy energy;
  energy.activate = static_cast<double>(c.activates) * config_.energy_activate;
  energy.read = static_cast<double>(c.read_bursts) * burst_bits * config_.energy_read;
  energy.write = static_cast<double>(c.write_bursts) * burst_bits * config_.energy_write;
  energy.refresh = static_cast<double>(c.refreshes) * config_.energy_refresh;
  energy.io = static_cast<double>(c.read_bursts + c.write_bursts) * burst_bits * config_.energy_io;
  return energy;
}

void HbmDevice::setFastPath(bool enabled) {
  for (HbmChannelController& channel : channels_)
    channel.setFastPath(enabled);
}

void HbmDevice::setCommandTrace(std::vector<HbmCommand>* trace) {
  for (HbmChannelController& channel : channels_)
    channel.setCommandTrace(trace);
}

}  // namespace spatialvp::models
