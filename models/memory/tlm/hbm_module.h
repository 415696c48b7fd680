#pragma once
// The `hbm` module type: a TLM-2.0 target around the HbmDevice timing core. b_transport
// presents the request at sc_time_stamp() + delay, lets the core schedule its bursts and returns
// with delay = completion - now (it waits only for a deferred write, below). nb_transport_fw
// (BEGIN_REQ) does the same and completes in the call (TLM_COMPLETED), except for writes held
// in a write buffer with `write_completion: deferred`: those are accepted (END_REQ) and
// answered with BEGIN_RESP on the backward path once their batch is written, possibly after
// later requests (out of call order). With `scheduling: on_issue` every request is answered
// later: END_REQ in the call (once it has its queue places: the decisions up to then are made
// in the call), BEGIN_RESP when its data is done (b_transport waits for it). Parameters are the
// HbmConfig fields with units; energies are the registry's energy.<action> parameters. See
// models/memory/README.md.
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <vector>

#include "models/memory/hbm_device.h"
#include "models/memory/tlm/memory_target_front_end.h"
#include "platform/core/contention_timeline.h"
#include "platform/sim/memory_facts.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models {

// A request the `hbm` module answers after the call that brought it.
struct DeferredAnswer {
  tlm::tlm_generic_payload* payload = nullptr;
  MemoryAccess access;
  std::size_t passes_left = 0;        // passes whose data is not done
  std::size_t passes_unaccepted = 0;  // on_issue: passes without their queue places
  Picoseconds completion = 0;
  Picoseconds accepted = 0;
  bool blocking = false;  // b_transport waits for it (answer_event_)
  bool in_call = true;    // its nb_transport_fw call has not returned (END_REQ goes there)
  bool done = false;
};

class HbmModule : public Module, public MemoryFacts {
 public:
  HbmModule(sc_core::sc_module_name name, const ModuleContext& context);

  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;
  void end_of_simulation() override;

  const HbmDevice& device() const { return device_; }

  double capacityBytes() const override { return static_cast<double>(device_.config().capacity); }
  // The pins' rate (refresh and row misses not counted): a reader applies its own efficiency.
  double peakBandwidth() const override { return device_.peakBandwidth(); }
  std::string capacityParam() const override { return "capacity"; }
  std::string bandwidthParam() const override { return "data_rate"; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  // A request through either interface (hbm_transport.cpp): the completion, or the tag of a
  // request answered later (by deliverCompletedWrites() or deliverRequestEvents()).
  struct Served {
    Picoseconds completion = 0;
    std::uint64_t deferred_tag = 0;  // 0: completed
    bool accepted = true;            // deferred: END_REQ in the call (else on the backward path)
    Picoseconds accepted_at = 0;
  };
  std::optional<Served> serve(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay,
                              bool blocking);
  // write_completion: deferred: answers the writes the device completed since the last call
  // and arms drain_event_ for the next write buffer due to drain.
  void deliverCompletedWrites();
  void drainDueWrites();  // method on drain_event_
  // scheduling: on_issue: queues the request's passes in the device (serve()); answers the
  // acceptances and completions the device reports and arms issue_event_ for its next decision.
  void submitOnIssue(tlm::tlm_generic_payload& payload, const MemoryAccess& access, bool blocking,
                     Served& served);
  void deliverRequestEvents();
  // nb_transport_fw: makes the decisions up to the request's acceptance (END_REQ in the call)
  // and those before its acceptance time (no later request can take part in them).
  void decideAhead(std::uint64_t tag);
  void issueDue();  // method on issue_event_: commits the decisions due now
  // Answers a deferred request whose last pass completed (BEGIN_RESP, or wakes b_transport).
  // Returns true when a b_transport waits for it.
  bool answer(std::uint64_t tag, DeferredAnswer& deferred);
  // `timing: fast`: the device as one data bus at peak x (1 - tRFC/tREFI) with the closed-form
  // row-miss latency; for long sequential streams (multi-core and very long sweeps).
  Picoseconds fastAccess(std::uint64_t bytes, bool is_read, Picoseconds arrival);
  void reportFastStats(ModuleStats& stats) const;
  // `timing: fast` validity: tallies which pseudo-channels [address, address + span) falls on
  // (the address mapping) and the rows the request opens, so that the end of the run can tell
  // how much busy time the one-bus model leaves out (fastShortfall()).
  void tallyFast(std::uint64_t address, std::uint64_t span, std::uint64_t bytes);
  // Rows a request that does not continue a stream opens over [address, address + span).
  std::uint64_t fastRowsOpened(std::uint64_t address, std::uint64_t span) const;
  struct FastValidity {
    double busiest_share = 0.0;  // busiest pseudo-channel's share of the bytes
    double rows_opened = 0.0;    // estimated activates
    double rows_per_page = 0.0;  // rows_opened per page moved (a stream: 1)
    double shortfall = 0.0;      // (resource-bound busy time - fast busy time) / active time
  };
  FastValidity fastValidity() const;
  // Detailed timing: how mixed the directions on each pseudo-channel were and how many requests
  // were in flight, the two conditions under which scheduling: on_arrival (bursts committed in
  // call order) departs from a controller that reorders them (end_of_simulation warns).
  struct Mixing {
    double read_write_mix = 0.0;  // sum over PCs of 2 min(reads, writes) / bursts
    // on_arrival: requests in flight in a pseudo-channel (its request time / active time),
    // averaged over the pseudo-channels weighted by their bursts.
    double requests_in_flight_per_pc = 0.0;
  };
  Mixing mixing() const;
  unsigned int transport_dbg(tlm::tlm_generic_payload& payload);

  tlm_utils::simple_target_socket<HbmModule> target_{"target"};
  HbmDevice device_;
  bool fast_ = false;
  double fast_bandwidth_ = 0.0;
  ContentionTimeline fast_bus_;
  std::uint64_t fast_reads_ = 0;
  std::uint64_t fast_writes_ = 0;
  std::uint64_t fast_read_bytes_ = 0;
  std::uint64_t fast_write_bytes_ = 0;
  std::vector<std::uint64_t> fast_pc_bytes_;  // bytes per pseudo-channel (spread ones apart)
  std::uint64_t fast_spread_bytes_ = 0;       // requests spanning every pseudo-channel equally
  std::uint64_t fast_sequential_bytes_ = 0;   // requests continuing an earlier one
  std::uint64_t fast_rows_opened_ = 0;        // rows opened by requests that do not continue
  std::array<std::uint64_t, 16> fast_stream_ends_{};  // ends of recent requests (streams)
  std::size_t fast_stream_next_ = 0;

  MemoryTargetFrontEnd front_;
  // Requests answered later (deferred writes, every request with scheduling: on_issue), by tag
  // in call order: answered when every pass of the request (streaming) has its data done.
  bool deferred_writes_ = false;
  bool on_issue_ = false;
  std::uint64_t next_tag_ = 1;
  SequentialIdMap<DeferredAnswer> deferred_;
  // Device id -> tag (on_issue: a request's tag is its first pass's id; later passes only).
  SequentialIdMap<std::uint64_t> tag_of_device_id_;
  std::vector<HbmCompletedWrite> completed_writes_;  // scratch
  std::vector<HbmRequestEvent> request_events_;      // scratch
  sc_core::sc_event drain_event_;
  sc_core::sc_event issue_event_;
  Picoseconds issue_armed_at_ = HbmChannelController::kNoIssue;  // issue_event_'s pending time
  Picoseconds decided_ahead_to_ = 0;  // decisions made ahead of the kernel time (decideAhead())
  std::uint64_t late_arrivals_ = 0;   // requests arriving in that span (b_transport callers)
  sc_core::sc_event answer_event_;    // a b_transport's request was answered
  // Decoupling skew: requests that arrive (in call order) more than the time to drain a
  // pseudo-channel queue before the latest arrival seen. The detailed model cannot reorder them
  // as a controller would; many of them mean the quantum distorts contention (warned at the end).
  Picoseconds latest_arrival_ = 0;
  Picoseconds skew_limit_ = 0;
  std::uint64_t skewed_requests_ = 0;
};

void registerHbmModule(ModuleRegistry& registry);

}  // namespace spatialvp::models
