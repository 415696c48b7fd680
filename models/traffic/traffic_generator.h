#pragma once
// Loosely-timed traffic generator: issues reads/writes through one initiator socket with a
// quantum keeper (temporal decoupling). Like a DMA engine it keeps up to `outstanding`
// transactions in flight (or, with `outstanding_writes`, up to `outstanding` reads and
// `outstanding_writes` writes, as an initiator with separate read and write channels): a
// transaction issues once fewer than the limit are in flight (a transaction's slot frees at its
// completion plus `issue_gap`), at least `issue_interval` after the previous issue. Addresses come
// from one or more sequential streams (with a stride) or uniformly at random; a request of
// `request_size` bytes is split into transactions ("bursts") of `size` bytes; the read/write choice
// is made per request. With `data: pattern` it carries data: writes store a pattern derived from
// the address, and reads of addresses it wrote check that the target returns that pattern.
// With `transport: non_blocking` it issues through nb_transport_fw (BEGIN_REQ): a target may
// answer at once (TLM_COMPLETED) or accept (END_REQ) and answer later on the backward path
// (BEGIN_RESP), out of call order; an unanswered transaction holds its slot until then.
#include <tlm_utils/simple_initiator_socket.h>

#include <deque>
#include <memory>
#include <unordered_set>
#include <vector>

#include "platform/core/contention_timeline.h"
#include "platform/core/histogram.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models {

class TrafficGenerator : public Module {
 public:
  TrafficGenerator(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;
  // Its window [address_base, + address_range) must exist behind `out`: an error before the
  // run, instead of an address error in the middle of it.
  void connected(const PlatformView& view) override;

 private:
  void run();
  std::uint64_t nextRequestAddress(std::uint64_t request);
  // A transaction in flight through the non-blocking interface (its payload lives until the
  // target answers it).
  struct Transaction;
  struct TransactionOwner;  // payload extension: the transaction it belongs to
  Transaction& freeTransaction();
  // Records a finished transaction (latency, data check, trace, its request's progress).
  void finish(Transaction& transaction, const sc_core::sc_time& done);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);

  tlm_utils::simple_initiator_socket<TrafficGenerator> out_{"out"};
  std::uint64_t transactions_;
  std::uint64_t size_;
  std::uint64_t request_size_;  // a multiple of size_
  bool random_;
  double read_fraction_;
  std::uint64_t address_base_;
  std::uint64_t range_;
  std::uint64_t stride_;
  std::uint64_t streams_;
  std::uint64_t stream_span_;  // bytes of the range each stream walks
  std::vector<std::uint64_t> stream_offsets_;
  std::uint64_t outstanding_;         // all transactions, or reads if outstanding_writes_ > 0
  std::uint64_t outstanding_writes_;  // 0: writes share outstanding_
  Picoseconds issue_gap_;
  Picoseconds issue_interval_;
  std::uint64_t rng_state_;

  bool carry_data_;
  bool non_blocking_;
  std::vector<std::unique_ptr<Transaction>> transactions_in_flight_;  // pool (non_blocking)
  std::vector<Transaction*> free_transactions_;
  std::vector<Transaction*> answered_;  // answered on the backward path, not yet counted
  sc_core::sc_event answer_event_;      // notified only while run() waits for it
  bool waiting_for_answers_ = false;
  // A request the target neither accepted nor answered in the call (TLM_ACCEPTED): by the base
  // protocol the next BEGIN_REQ waits for its END_REQ (or BEGIN_RESP) on the backward path.
  tlm::tlm_generic_payload* awaiting_end_req_ = nullptr;
  sc_core::sc_time end_req_time_;
  sc_core::sc_event end_req_event_;  // awaiting_end_req_ got its END_REQ (or BEGIN_RESP)
  // Requests not yet finished: (first transaction's issue, latest completion, parts left).
  struct RequestProgress {
    Picoseconds issue = 0;
    Picoseconds done = 0;
    std::uint64_t parts_left = 0;
  };
  std::deque<RequestProgress> open_requests_;  // from request first_open_request_ on
  std::uint64_t first_open_request_ = 0;
  std::uint64_t requests_issued_ = 0;
  std::unordered_set<std::uint64_t> written_;  // addresses whose write was answered
  std::uint64_t checked_reads_ = 0;
  std::uint64_t data_mismatches_ = 0;
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t requests_ = 0;
  std::uint64_t blocking_waits_ = 0;  // b_transport calls that returned at a later time
  std::uint64_t end_req_waits_ = 0;   // nb_transport_fw calls whose END_REQ came later
  // ... of which accepted only with their response (BEGIN_RESP, no END_REQ before it): a target
  // that serves nb_transport through b_transport, one request at a time.
  std::uint64_t accepted_with_response_ = 0;
  Histogram latency_ns_{1.0, 1000};
  Histogram request_latency_ns_{1.0, 1000};
  Histogram read_latency_ns_{1.0, 1000};
  Histogram write_latency_ns_{1.0, 1000};
  sc_core::sc_time finish_time_ = sc_core::SC_ZERO_TIME;
  sc_core::sc_time latest_done_ = sc_core::SC_ZERO_TIME;  // latest completion recorded
  double nanoseconds_per_tick_ = 0.0;  // the time resolution, read once the simulation runs
};

void registerTrafficGenerator(ModuleRegistry& registry);

}  // namespace spatialvp::models
