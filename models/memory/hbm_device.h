#pragma once
// Timing core of an HBM device: splits a request into bursts by the address mapping, lets each
// pseudo-channel controller schedule its share, and returns when the last burst's data is done.
// SystemC-free; the TLM target wrapper calls access() from b_transport.
#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "models/memory/hbm_address_mapper.h"
#include "models/memory/hbm_channel_controller.h"
#include "models/memory/hbm_config.h"
#include "models/memory/memory_request.h"
#include "platform/core/sequential_id_map.h"

namespace spatialvp::models {

struct HbmAccessResult {
  spatialvp::Picoseconds completion = 0;  // end of the last data burst (unset when deferred)
  HbmRequestStats stats;
  // write_completion: deferred: the write waits in write buffers; its completion comes later
  // from takeCompletedWrites() under `write_id`.
  bool deferred = false;
  std::uint64_t write_id = 0;
};

// A deferred write whose data is written in every pseudo-channel it touches.
struct HbmCompletedWrite {
  std::uint64_t write_id = 0;
  spatialvp::Picoseconds completion = 0;  // end of its last data burst
};

// scheduling: on_issue: what happened to a submitted request.
struct HbmRequestEvent {
  enum class Kind : std::uint8_t {
    kAccepted,   // its last burst got its queue places (an initiator may issue its next one)
    kCompleted,  // its last burst's data is done
  };
  std::uint64_t request = 0;
  Kind kind = Kind::kAccepted;
  spatialvp::Picoseconds time = 0;
};

struct HbmDeviceCounters {
  std::uint64_t read_requests = 0;
  std::uint64_t write_requests = 0;
  std::uint64_t bytes_read = 0;  // as requested (bursts may move more, see channels)
  std::uint64_t bytes_written = 0;
  HbmChannelCounters channels;  // sum over pseudo-channels
};

// Energy in pJ: counts times the per-action energies of the configuration.
struct HbmEnergy {
  double activate = 0.0;
  double read = 0.0;
  double write = 0.0;
  double refresh = 0.0;
  double io = 0.0;
  double total() const { return activate + read + write + refresh + io; }
};

class HbmDevice {
 public:
  // Throws std::invalid_argument listing every problem of an invalid configuration.
  explicit HbmDevice(const HbmConfig& config);

  // Throws std::invalid_argument for an empty request and std::out_of_range for one that does
  // not lie within [0, capacity); check contains() first to answer with an address error.
  HbmAccessResult access(const MemoryRequest& request);
  bool contains(std::uint64_t address, std::uint64_t bytes) const;

  const HbmConfig& config() const { return config_; }
  const HbmAddressMapper& mapper() const { return mapper_; }
  double peakBandwidth() const { return config_.peakBandwidth(); }  // bytes/s
  std::size_t pseudoChannelCount() const { return channels_.size(); }
  const HbmChannelController& pseudoChannel(std::size_t index) const { return channels_[index]; }
  // Hands writes still in the pseudo-channels' write buffers (write_batch > 0) to the DRAM, so
  // that counters and energy include them; call before reporting.
  void drainWriteBuffers();
  // write_completion: deferred. The earliest time a write buffer is due to drain with no
  // further request (HbmChannelController::kNoDrainDue: none buffered); drains those due by
  // `now`; hands over (and forgets) the deferred writes completed since the last call, in
  // completion-report order.
  spatialvp::Picoseconds nextWriteDrainDue() const;
  void drainWriteBuffersDueBy(spatialvp::Picoseconds now);
  void takeCompletedWrites(std::vector<HbmCompletedWrite>& out);
  // scheduling: on_issue. submit() queues a request's bursts (checked as access() does) and
  // returns its id; issueUpTo() commits, in time order over all pseudo-channels, every decision
  // due by `now` (a request that arrives later queues no earlier, so they are final);
  // nextIssue() is when the next one is due (HbmChannelController::kNoIssue: none);
  // takeRequestEvents() hands over the acceptances and completions since the last call.
  std::uint64_t submit(const MemoryRequest& request);
  // The id the next submit() returns (ids are consecutive from 1).
  std::uint64_t nextRequestId() const { return next_request_id_; }
  spatialvp::Picoseconds nextIssue() const {
    return issue_time_.empty() ? HbmChannelController::kNoIssue : issue_time_[issue_winner_[1]];
  }
  void issueUpTo(spatialvp::Picoseconds now);
  void takeRequestEvents(std::vector<HbmRequestEvent>& out);
  bool hasRequestEvents() const { return !request_events_.empty(); }
  bool schedulesOnIssue() const { return config_.scheduling == Scheduling::kOnIssue; }

  // Totals up to the last completion so far; refreshes include those of idle pseudo-channels.
  HbmDeviceCounters counters() const;
  // The same for one pseudo-channel.
  HbmChannelCounters pseudoChannelCounters(std::size_t index) const {
    return channels_[index].countersUpTo(last_completion_);
  }
  HbmEnergy energy() const;
  // scheduling: on_arrival: the time its calls spent in pseudo-channel `index`, summed (from
  // arrival to the end of the call's data there, or to its acknowledgement for a buffered
  // write): over an active time, the mean number of requests in flight there (Little's law).
  spatialvp::Picoseconds requestTime(std::size_t index) const { return request_time_[index]; }

  // Records every DRAM command of every pseudo-channel into `trace` (nullptr stops recording).
  void setCommandTrace(std::vector<HbmCommand>* trace);

  // Fast path on (default) or off (the reference per-burst scheduler); results are identical,
  // see models/memory/README.md. For the equivalence tests and the bench.
  void setFastPath(bool enabled);

 private:
  HbmConfig config_;
  HbmAddressMapper mapper_;
  std::vector<HbmCommandBus> command_buses_;  // one per channel, shared by its pseudo-channels
  std::vector<HbmChannelController> channels_;
  // The bursts of a request that stays in one pseudo-channel (a 64 B read is two), handed to
  // it without per-channel grouping; longer ones use pending_.
  std::array<HbmBurst, 4> short_request_;
  std::vector<std::vector<HbmBurst>> pending_;  // per pseudo-channel, reused between calls
  std::vector<std::uint32_t> touched_;          // pseudo-channels of the current call, in order
  std::uint64_t burst_bytes_;
  // Calls share(channel, bursts, count) for each pseudo-channel the request touches (its bursts
  // there in address order); returns how many it touched.
  template <typename Share>
  std::uint32_t forEachShare(const MemoryRequest& request, Share share);
  // Deferred writes: pseudo-channels still holding each one's bursts, and its latest data end.
  // The bursts of `request` to their pseudo-channels (kDefer: a deferred write); returns how
  // many pseudo-channels it touched.
  template <bool kDefer>
  std::uint32_t scheduleBursts(const MemoryRequest& request, HbmAccessResult& result,
                               std::uint64_t write_id);
  void accessDeferring(const MemoryRequest& request, HbmAccessResult& result);
  void collectDrainedWrites();  // drained_writes_ -> completed_writes_
  struct PendingWrite {
    std::uint32_t channels_left = 0;
    spatialvp::Picoseconds completion = 0;
  };
  bool deferred_writes_ = false;
  std::uint64_t next_write_id_ = 1;
  std::unordered_map<std::uint64_t, PendingWrite> pending_writes_;
  std::vector<HbmCompletedWrite> completed_writes_;
  std::vector<HbmChannelController::DrainedWrite> drained_writes_;  // by every pseudo-channel
  // scheduling: on_issue: bursts of each request not yet admitted / completed.
  struct IssueProgress {
    std::uint32_t unadmitted = 0;
    std::uint32_t uncompleted = 0;
    spatialvp::Picoseconds accepted = 0;
    spatialvp::Picoseconds completion = 0;
  };
  void checkRequest(const MemoryRequest& request) const;
  void countRequest(const MemoryRequest& request);
  void collectIssueEvents();  // issue_events_ -> request_events_
  // The pseudo-channels' next decision times in a tournament tree (the earliest, ties to the
  // lower index, at the root), so that a decision costs O(log pseudo-channels) rather than a
  // scan of them all: a wafer die has 256. A pseudo-channel's entry is refreshed whenever its
  // decision may have changed (a request queued, a decision of its own or a sibling's booking
  // of the shared row command bus).
  void refreshIssueTime(std::uint32_t channel);
  std::uint32_t issue_leaves_ = 0;                  // a power of two >= pseudo-channels
  std::vector<spatialvp::Picoseconds> issue_time_;  // per leaf (kNoIssue: none)
  std::vector<std::uint32_t> issue_winner_;         // per tree node: the leaf of its minimum
  std::uint64_t next_request_id_ = 1;
  SequentialIdMap<IssueProgress> issue_progress_;               // requests of more than one burst
  std::vector<HbmChannelController::IssueEvent> issue_events_;  // from every pseudo-channel
  std::vector<HbmRequestEvent> request_events_;
  std::uint64_t read_requests_ = 0;
  std::uint64_t write_requests_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t bytes_written_ = 0;
  spatialvp::Picoseconds last_completion_ = 0;
  std::vector<spatialvp::Picoseconds> request_time_;  // per pseudo-channel (requestTime())
};

}  // namespace spatialvp::models
