#include "models/traffic/traffic_generator.h"

#include "models/memory/tlm/memory_acceptance.h"
#include "models/traffic/data_check.h"
#include "platform/core/param_choice.h"
#include "platform/sim/address_window.h"
#include "platform/sim/kernel_time.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <functional>
#include <queue>

namespace spatialvp::models {

namespace {
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The platform keeps SystemC's default time resolution of 1 ps (as every module's time stamp).
Picoseconds picoseconds(const sc_core::sc_time& time) {
  return static_cast<Picoseconds>(time.value());
}

// Attaches an acceptance extension owned by the generator for as long as the payload is used
// (the payload would delete an extension still attached when it is destroyed).
class AcceptanceScope {
 public:
  explicit AcceptanceScope(tlm::tlm_generic_payload& payload) : payload_(payload) {
    payload_.set_extension(&extension_);
  }
  ~AcceptanceScope() { payload_.clear_extension(&extension_); }
  AcceptanceScope(const AcceptanceScope&) = delete;
  AcceptanceScope& operator=(const AcceptanceScope&) = delete;
  MemoryAcceptanceExtension& extension() { return extension_; }

 private:
  tlm::tlm_generic_payload& payload_;
  MemoryAcceptanceExtension extension_;
};

constexpr std::uint64_t kMaxTransactionBytes = 1ULL << 26;  // 64 MiB
constexpr std::uint64_t kMaxOutstanding = 1ULL << 16;

// Completion times of the transactions in flight under one limit: the next transaction may issue
// once fewer than `limit` of them are still in flight.
class InFlightLimit {
 public:
  explicit InFlightLimit(std::uint64_t limit) : limit_(std::max<std::uint64_t>(limit, 1)) {}
  void add(Picoseconds frees_at) { in_flight_.push(frees_at); }
  // A transaction not answered yet (its completion comes later: answer()).
  void hold() { ++held_; }
  void answer(Picoseconds frees_at) {
    --held_;
    add(frees_at);
  }
  // Moves `time` to the earliest time >= `time` at which fewer than `limit` transactions are
  // in flight; false (and `time` unchanged) while unanswered ones alone reach the limit.
  bool roomAt(Picoseconds& time) {
    if (held_ >= limit_)
      return false;
    while (!in_flight_.empty() && in_flight_.top() <= time)
      in_flight_.pop();
    while (in_flight_.size() + held_ >= limit_) {
      time = std::max(time, in_flight_.top());
      in_flight_.pop();
    }
    return true;
  }

 private:
  std::uint64_t limit_;
  std::uint64_t held_ = 0;
  std::priority_queue<Picoseconds, std::vector<Picoseconds>, std::greater<>> in_flight_;
};

// The data pattern of byte `offset` at `address` (data: pattern).
unsigned char patternByte(std::uint64_t address, std::uint64_t offset) {
  std::uint64_t state = address + offset;
  return static_cast<unsigned char>(splitmix64(state));
}
}  // namespace

TrafficGenerator::TrafficGenerator(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      transactions_(static_cast<std::uint64_t>(params().integer("transactions"))),
      size_(static_cast<std::uint64_t>(params().quantity("size"))),
      request_size_(static_cast<std::uint64_t>(params().quantity("request_size"))),
      random_(paramChoice<bool>(params(), "pattern", {{"random", true}, {"sequential", false}})),
      read_fraction_(params().real("read_fraction")),
      address_base_(static_cast<std::uint64_t>(params().integer("address_base"))),
      range_(static_cast<std::uint64_t>(params().quantity("address_range"))),
      stride_(static_cast<std::uint64_t>(params().quantity("stride"))),
      streams_(static_cast<std::uint64_t>(params().integer("streams"))),
      stream_span_(0),
      outstanding_(static_cast<std::uint64_t>(params().integer("outstanding"))),
      outstanding_writes_(static_cast<std::uint64_t>(params().integer("outstanding_writes"))),
      issue_gap_(static_cast<Picoseconds>(params().quantity("issue_gap") * 1e12 + 0.5)),
      issue_interval_(static_cast<Picoseconds>(params().quantity("issue_interval") * 1e12 + 0.5)),
      rng_state_(seed()),
      carry_data_(paramChoice<bool>(params(), "data", {{"pattern", true}, {"none", false}})),
      non_blocking_(
          paramChoice<bool>(params(), "transport", {{"non_blocking", true}, {"blocking", false}})) {
  if (size_ == 0)
    params().fail("size", "must be at least 1 byte");
  if (size_ > kMaxTransactionBytes)
    params().fail("size", "at most 64 MiB per transaction");
  if (request_size_ == 0)
    request_size_ = size_;
  if (request_size_ % size_ != 0)
    params().fail("request_size", "must be a whole number of transactions of 'size' (" +
                                      std::to_string(size_) + " B), got " +
                                      std::to_string(request_size_) + " B");
  if (range_ < request_size_)
    params().fail("address_range", "must hold at least one request of 'request_size'");
  if (stride_ == 0)
    stride_ = request_size_;
  if (outstanding_ > kMaxOutstanding)
    params().fail("outstanding",
                  "at most " + std::to_string(kMaxOutstanding) + " transactions in flight");
  if (outstanding_writes_ > kMaxOutstanding)
    params().fail("outstanding_writes",
                  "at most " + std::to_string(kMaxOutstanding) + " writes in flight");
  if (streams_ > range_ / request_size_)
    params().fail("streams", "each stream needs at least one request of the address range");
  // Stream k walks [k * span, (k + 1) * span) of the range, wrapping inside it.
  stream_span_ = range_ / streams_ / request_size_ * request_size_;
  stream_offsets_.assign(streams_, 0);
  out_.register_nb_transport_bw(this, &TrafficGenerator::nb_transport_bw);
  becomeActive();
  SC_HAS_PROCESS(TrafficGenerator);
  SC_THREAD(run);
}

InitiatorSocket* TrafficGenerator::initiatorSocket(const std::string& port, std::size_t index) {
  return port == "out" && index == 0 ? &out_ : nullptr;
}

void TrafficGenerator::connected(const PlatformView& view) {
  checkWindowBehind(view, *this, "out", 0, address_base_, range_, "address_range");
}

std::uint64_t TrafficGenerator::nextRequestAddress(std::uint64_t request) {
  if (random_)
    return address_base_ + splitmix64(rng_state_) % (range_ / request_size_) * request_size_;
  const std::uint64_t stream = request % streams_;
  std::uint64_t& offset = stream_offsets_[stream];
  if (offset + request_size_ > stream_span_)
    offset = 0;  // wrap inside the stream's share (also when a stride skips past its end)
  const std::uint64_t address = address_base_ + stream * stream_span_ + offset;
  offset += stride_;
  return address;
}

// Leads from a payload answered on the backward path to its transaction.
struct TrafficGenerator::TransactionOwner : tlm::tlm_extension<TransactionOwner> {
  tlm::tlm_extension_base* clone() const override { return new TransactionOwner(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    transaction = static_cast<const TransactionOwner&>(other).transaction;
  }
  Transaction* transaction = nullptr;
};

struct TrafficGenerator::Transaction {
  Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // The payload would delete an extension still attached when it is destroyed.
  ~Transaction() {
    payload.clear_extension(&acceptance);
    payload.clear_extension(&owner);
  }
  tlm::tlm_generic_payload payload;
  MemoryAcceptanceExtension acceptance;
  TransactionOwner owner;
  std::vector<unsigned char> data;
  sc_core::sc_time issued;
  sc_core::sc_time done;  // when answered on the backward path
  std::uint64_t flow = 0;
  std::uint64_t request = 0;
  bool is_read = true;
  // A read of an address whose write was answered before the read issued (data: pattern):
  // only then must it return that write's data.
  bool check_data = false;
};

TrafficGenerator::Transaction& TrafficGenerator::freeTransaction() {
  if (free_transactions_.empty()) {
    transactions_in_flight_.push_back(std::make_unique<Transaction>());
    Transaction& t = *transactions_in_flight_.back();
    t.data.assign(size_, 0);
    t.payload.set_data_ptr(t.data.data());
    t.payload.set_data_length(static_cast<unsigned int>(size_));
    t.payload.set_streaming_width(static_cast<unsigned int>(size_));
    t.payload.set_byte_enable_ptr(nullptr);
    t.payload.set_dmi_allowed(false);
    t.payload.set_extension(&t.acceptance);
    t.owner.transaction = &t;
    t.payload.set_extension(&t.owner);
    free_transactions_.push_back(&t);
  }
  Transaction* t = free_transactions_.back();
  free_transactions_.pop_back();
  return *t;
}

tlm::tlm_sync_enum TrafficGenerator::nb_transport_bw(tlm::tlm_generic_payload& payload,
                                                     tlm::tlm_phase& phase,
                                                     sc_core::sc_time& delay) {
  if (&payload == awaiting_end_req_ && (phase == tlm::END_REQ || phase == tlm::BEGIN_RESP)) {
    awaiting_end_req_ = nullptr;
    if (phase == tlm::BEGIN_RESP)
      ++accepted_with_response_;
    end_req_time_ = kernelTime() + delay;
    // Immediate: run() resumes in this evaluation phase (after the caller's process returns),
    // which saves a delta cycle per request on a target that accepts on the backward path.
    // run() waits only while awaiting_end_req_ is set, so a notification it misses is not lost.
    end_req_event_.notify();
  }
  if (phase != tlm::BEGIN_RESP)
    return tlm::TLM_ACCEPTED;
  Transaction* const t = payload.get_extension<TransactionOwner>()->transaction;
  t->done = kernelTime() + delay;
  finish(*t, t->done);
  answered_.push_back(t);
  if (waiting_for_answers_)  // else run() counts the answer when it next looks
    answer_event_.notify(sc_core::SC_ZERO_TIME);
  return tlm::TLM_COMPLETED;
}

void TrafficGenerator::finish(Transaction& t, const sc_core::sc_time& done) {
  tlm::tlm_generic_payload& payload = t.payload;
  if (payload.is_response_error()) {
    SC_REPORT_ERROR("spatialvp/traffic_generator", (instanceName() + ": transaction to address " +
                                                    std::to_string(payload.get_address()) +
                                                    " failed: " + payload.get_response_string())
                                                       .c_str());
    return;
  }
  const sc_core::sc_time latency = done - t.issued;
  if (!t.is_read && carry_data_)
    written_.insert(payload.get_address());
  if (t.check_data) {
    ++checked_reads_;
    for (std::uint64_t b = 0; b < size_; ++b) {
      if (payload.get_data_ptr()[b] != patternByte(payload.get_address(), b)) {
        ++data_mismatches_;
        break;
      }
    }
  }
  const double latency_ns = static_cast<double>(latency.value()) * nanoseconds_per_tick_;
  latency_ns_.record(latency_ns);
  (t.is_read ? read_latency_ns_ : write_latency_ns_).record(latency_ns);
  if (TraceWriter* tracer = trace()) {
    TraceArgs args;
    args.bytes = size_;
    args.address = payload.get_address();
    tracer->step(t.flow, traceTrack(), t.is_read ? "read" : "write", t.issued.value(),
                 latency.value(), args);
  }
  (t.is_read ? reads_ : writes_)++;
  bytes_ += size_;
  const Picoseconds completion = picoseconds(done);
  latest_done_ = std::max(latest_done_, done);
  RequestProgress& request = open_requests_[t.request - first_open_request_];
  request.done = std::max(request.done, completion);
  if (--request.parts_left == 0) {
    request_latency_ns_.record(static_cast<double>(request.done - request.issue) / 1000.0);
    ++requests_;
  }
  while (!open_requests_.empty() && open_requests_.front().parts_left == 0) {
    open_requests_.pop_front();
    ++first_open_request_;
  }
}

void TrafficGenerator::run() {
  nanoseconds_per_tick_ = sc_core::sc_get_time_resolution().to_seconds() * 1e9;
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  // Read/write choice uses a threshold on 2^53 draws so it is exact and portable.
  const auto read_threshold = static_cast<std::uint64_t>(read_fraction_ * 9007199254740992.0);
  TraceWriter* tracer = trace();
  const std::uint64_t per_request = request_size_ / size_;

  // In-flight limits: one shared by reads and writes, or (outstanding_writes > 0) one per
  // direction, as an initiator with separate read and write channels; the next transaction
  // waits while any limit is reached (whichever direction it turns out to be).
  const Picoseconds start = nowPs();
  const bool separate = outstanding_writes_ > 0;
  InFlightLimit reads_in_flight(outstanding_);
  InFlightLimit writes_in_flight(separate ? outstanding_writes_ : 1);
  auto limitOf = [&](bool is_read) -> InFlightLimit& {
    return separate && !is_read ? writes_in_flight : reads_in_flight;
  };
  Transaction blocking;  // the one payload of the blocking interface
  blocking.data.assign(size_, 0);
  tlm::tlm_generic_payload& blocking_payload = blocking.payload;
  blocking_payload.set_data_ptr(blocking.data.data());
  blocking_payload.set_data_length(static_cast<unsigned int>(size_));
  blocking_payload.set_streaming_width(static_cast<unsigned int>(size_));
  blocking_payload.set_byte_enable_ptr(nullptr);
  blocking_payload.set_dmi_allowed(false);
  // A target with a bounded request buffer says when it accepted each request; the next one
  // issues no earlier (a request that finds the buffer full holds the initiator back).
  AcceptanceScope acceptance_scope(blocking_payload);
  Picoseconds last_issue = start;
  Picoseconds last_completion = start;
  bool is_read = true;
  std::uint64_t address = 0;

  for (std::uint64_t i = 0; i < transactions_; ++i) {
    const std::uint64_t part = i % per_request;
    if (part == 0) {
      is_read = read_fraction_ >= 1.0 ||
                (read_fraction_ > 0.0 && (splitmix64(rng_state_) >> 11) < read_threshold);
      address = nextRequestAddress(requests_issued_);
      open_requests_.push_back({0, 0, std::min(per_request, transactions_ - i)});
      ++requests_issued_;
    }
    Transaction& t = non_blocking_ ? freeTransaction() : blocking;
    MemoryAcceptanceExtension& acceptance =
        non_blocking_ ? t.acceptance : acceptance_scope.extension();
    tlm::tlm_generic_payload& payload = t.payload;
    t.is_read = is_read;
    t.request = requests_issued_ - 1;
    payload.set_command(is_read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    payload.set_address(address + part * size_);
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    t.check_data = carry_data_ && is_read && written_.count(payload.get_address()) != 0;
    if (carry_data_ && !is_read) {
      for (std::uint64_t b = 0; b < size_; ++b)
        t.data[b] = patternByte(payload.get_address(), b);
    }
    // The simulation time moves only in the waits below (and in a blocking call), so it is
    // read once after each.
    sc_core::sc_time stamp = kernelTime();
    sc_core::sc_time delay = keeper.get_local_time();
    t.issued = stamp + delay;
    if (part == 0)
      open_requests_.back().issue = picoseconds(t.issued);
    acceptance.valid = false;
    bool answered = true;
    {
      const TraceFlowScope scope(tracer, payload);
      t.flow = scope.id();
      if (non_blocking_) {
        tlm::tlm_phase phase = tlm::BEGIN_REQ;
        const tlm::tlm_sync_enum status = out_->nb_transport_fw(payload, phase, delay);
        if (status == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP) {
          tlm::tlm_phase end = tlm::END_RESP;
          sc_core::sc_time none = sc_core::SC_ZERO_TIME;
          out_->nb_transport_fw(payload, end, none);
        } else if (status != tlm::TLM_COMPLETED) {
          answered = false;  // BEGIN_RESP comes on the backward path
          if (status == tlm::TLM_ACCEPTED && phase == tlm::BEGIN_REQ) {
            awaiting_end_req_ = &payload;  // acceptance comes on the backward path too
            ++end_req_waits_;
          } else {
            acceptance.accepted = phase == tlm::END_REQ ? delay : keeper.get_local_time();
            acceptance.valid = true;
          }
        }
      } else {
        out_->b_transport(payload, delay);
        const sc_core::sc_time returned = kernelTime();
        if (returned != stamp)
          ++blocking_waits_;  // the target answered later: nothing else was in flight meanwhile
        stamp = returned;
      }
    }
    const sc_core::sc_time done = stamp + delay;
    if (answered) {
      if (payload.is_response_error()) {
        finish(t, done);  // reports the error
        return;
      }
      finish(t, done);
      last_completion = std::max(last_completion, picoseconds(done));
      // A transaction's slot frees when it completes, plus the issue gap.
      limitOf(is_read).add(picoseconds(done) + issue_gap_);
      if (non_blocking_)
        free_transactions_.push_back(&t);
    } else {
      limitOf(is_read).hold();
    }
    last_issue = picoseconds(t.issued);
    if (awaiting_end_req_ != nullptr) {
      // Nothing issues before END_REQ, so the generator waits for it alone (answers are counted
      // after it) and from the current simulation time: its local time goes on after the wait
      // (one wake-up per request instead of a synchronisation and a wake-up).
      const Picoseconds local_end = last_issue;
      while (awaiting_end_req_ != nullptr)
        sc_core::wait(end_req_event_);
      stamp = kernelTime();
      const Picoseconds woken = picoseconds(stamp);
      keeper.reset();
      keeper.set(sc_core::sc_time::from_value(local_end > woken ? local_end - woken : 0));
      acceptance.accepted = std::max(end_req_time_, stamp) - stamp;
      acceptance.valid = true;
    }
    const Picoseconds accepted =
        acceptance.valid ? picoseconds(stamp + acceptance.accepted) : last_issue;
    // Advance the local time to the next issue (with one transaction in flight: this
    // completion plus the issue gap) and synchronise once it exceeds the quantum. A limit held
    // by unanswered transactions waits (synchronised) for the target's answers.
    Picoseconds next_issue = std::max(last_issue + issue_interval_, accepted);
    for (;;) {
      for (Transaction* answer : answered_) {
        limitOf(answer->is_read).answer(picoseconds(answer->done) + issue_gap_);
        last_completion = std::max(last_completion, picoseconds(answer->done));
        free_transactions_.push_back(answer);
      }
      answered_.clear();
      if (reads_in_flight.roomAt(next_issue) &&
          (!separate ||
           (writes_in_flight.roomAt(next_issue) && reads_in_flight.roomAt(next_issue))))
        break;
      const Picoseconds synced = std::max(next_issue, picoseconds(stamp));
      keeper.set(sc_core::sc_time::from_value(synced - picoseconds(stamp)));
      keeper.sync();
      waiting_for_answers_ = true;
      while (answered_.empty())
        sc_core::wait(answer_event_);
      waiting_for_answers_ = false;
      stamp = kernelTime();
      next_issue = std::max(next_issue, picoseconds(stamp));
    }
    const Picoseconds now = picoseconds(stamp);
    keeper.set(sc_core::sc_time::from_value(next_issue - now));
    if (keeper.need_sync())
      keeper.sync();
  }
  // Wait for the last completion, so that the run's end and finish_time cover every transaction
  // (with one transaction in flight: the last completion plus the issue gap, as before).
  if (!open_requests_.empty()) {  // transactions the target answers later: wait for them
    keeper.sync();
    waiting_for_answers_ = true;
    while (!open_requests_.empty())
      sc_core::wait(answer_event_);
    waiting_for_answers_ = false;
  }
  const Picoseconds now = nowPs();
  last_completion = std::max(last_completion, picoseconds(latest_done_));
  const Picoseconds end = std::max(
      now, outstanding_ <= 1 && transactions_ > 0 ? last_completion + issue_gap_ : last_completion);
  keeper.set(sc_core::sc_time::from_value(end - now));
  keeper.sync();
  finish_time_ = kernelTime();
  // Transactions that kept the others back, so that the in-flight limit was not reached.
  auto warnLimitNotReached = [this](std::uint64_t count, const std::string& what,
                                    const char* transport) {
    if (count == 0 || outstanding_ <= 1)
      return;
    const std::string message = instanceName() + ": " + std::to_string(count) + " of " +
                                std::to_string(transactions_) + " " + what +
                                ", so outstanding: " + std::to_string(outstanding_) +
                                " is not reached: use transport: " + transport;
    SC_REPORT_WARNING("spatialvp/traffic_generator", message.c_str());
  };
  warnLimitNotReached(blocking_waits_,
                      "b_transport calls waited in the target before returning (a target that "
                      "answers later, such as hbm with scheduling: on_issue); while a call waits "
                      "nothing else is in flight",
                      "non_blocking");
  warnLimitNotReached(accepted_with_response_,
                      "nb_transport_fw calls were accepted only with their response (BEGIN_RESP "
                      "with no END_REQ before it, as a target that serves nb_transport through "
                      "its b_transport does: every in-tree target but hbm); the base protocol then "
                      "allows one request at a time",
                      "blocking");
  warnOnDataMismatches(instanceName(), "spatialvp/traffic_generator", data_mismatches_,
                       checked_reads_);
  services().countTransactions(transactions_);
  finished();
}

void TrafficGenerator::reportStats(ModuleStats& stats) const {
  stats.counter("reads", reads_, "transactions", "Completed read transactions");
  stats.counter("writes", writes_, "transactions", "Completed write transactions");
  stats.counter("bytes", bytes_, "B", "Bytes moved");
  stats.counter("requests", requests_, "requests", "Requests (request_size bytes each) completed");
  stats.histogram("latency", latency_ns_, "ns",
                  "Per transaction (burst of 'size' bytes): issue to completion");
  // Apart, because a target may acknowledge writes when it buffers them (posted writes).
  stats.histogram("read_latency", read_latency_ns_, "ns", "Per read transaction");
  stats.histogram("write_latency", write_latency_ns_, "ns", "Per write transaction");
  stats.histogram("request_latency", request_latency_ns_, "ns",
                  "Per request: first transaction's issue to last transaction's completion");
  if (carry_data_) {
    stats.counter("checked_reads", checked_reads_, "transactions",
                  "Reads of written addresses whose data was checked");
    stats.counter("data_mismatches", data_mismatches_, "transactions",
                  "Checked reads that did not return the written pattern");
  }
  if (!non_blocking_ && outstanding_ > 1)
    stats.counter("blocking_waits", blocking_waits_, "transactions",
                  "b_transport calls that waited in the target (one in flight meanwhile)");
  if (non_blocking_) {
    stats.counter("end_req_waits", end_req_waits_, "transactions",
                  "nb_transport_fw calls accepted later (END_REQ on the backward path; the "
                  "generator waits for it before its next request)");
    stats.counter("accepted_with_response", accepted_with_response_, "transactions",
                  "end_req_waits accepted only with their response (BEGIN_RESP, no END_REQ "
                  "before it): one request in flight meanwhile");
  }
  stats.value("finish_time", finish_time_.to_seconds(), "s", "Time the last transaction completed");
  const double seconds = finish_time_.to_seconds();
  stats.headline("bandwidth", seconds > 0 ? static_cast<double>(bytes_) / seconds : 0.0, "B/s",
                 "Achieved bandwidth over the generator's run");
  stats.headline("mean_latency", latency_ns_.mean(), "ns", "Mean transaction latency");
}

void registerTrafficGenerator(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "traffic_generator";
  info.description =
      "Loosely-timed generator of reads/writes: sequential streams with a stride or random "
      "addresses, requests split into bursts, up to N transactions in flight (a DMA engine)";
  info.params.integer("transactions", "Number of transactions (bursts of 'size') to issue")
      .byDefault("1000")
      .atLeast(0);
  info.params.quantity("size", dims::data(), "Bytes per transaction (burst)")
      .byDefault("64 B")
      .above(0);
  info.params
      .quantity("request_size", dims::data(),
                "Bytes per request, split into consecutive transactions of 'size'; 0 B = 'size'")
      .byDefault("0 B")
      .atLeast(0);
  info.params.enumeration("pattern", {"sequential", "random"}, "Address pattern of requests")
      .byDefault("sequential");
  info.params
      .quantity("stride", dims::data(),
                "Sequential: address step between requests of a stream; 0 B = request_size")
      .byDefault("0 B")
      .atLeast(0);
  info.params
      .integer("streams",
               "Sequential: interleaved streams, each walking its own equal share of the range")
      .byDefault("1")
      .atLeast(1);
  info.params.real("read_fraction", "Fraction of reads (0..1), drawn per request")
      .byDefault("1.0")
      .atLeast(0)
      .atMost(1);
  info.params.integer("address_base", "First address used").byDefault("0").atLeast(0);
  info.params.quantity("address_range", dims::data(), "Size of the address window used")
      .byDefault("1 MiB")
      .above(0);
  info.params
      .integer("outstanding",
               "Transactions in flight (1 = wait for each completion); reads only when "
               "outstanding_writes is set")
      .byDefault("1")
      .atLeast(1);
  info.params
      .integer("outstanding_writes",
               "Writes in flight, limited apart from reads (separate read and write channels, as "
               "AXI initiators have); 0 = reads and writes share 'outstanding'")
      .byDefault("0")
      .atLeast(0);
  info.params
      .quantity("issue_gap", dims::time(),
                "Extra time after a transaction completes before its slot issues again")
      .byDefault("0 ns")
      .atLeast(0);
  info.params
      .quantity("issue_interval", dims::time(),
                "Minimum time between consecutive issues (e.g. one clock cycle of the initiator)")
      .byDefault("0 ns")
      .atLeast(0);
  info.params
      .enumeration("data", {"none", "pattern"},
                   "pattern: writes carry address-derived data, reads of written "
                   "addresses check it")
      .byDefault("none");
  info.params
      .enumeration("transport", {"blocking", "non_blocking"},
                   "blocking: b_transport, answered in the call; non_blocking: nb_transport_fw, "
                   "the target may answer later (BEGIN_RESP), out of call order (a target with "
                   "only b_transport then takes one request at a time: warned)")
      .byDefault("blocking");
  info.ports.push_back({"out", PortDirection::kInitiator, "Transactions go out here", true});
  registry.add<TrafficGenerator>(std::move(info));
}

}  // namespace spatialvp::models
