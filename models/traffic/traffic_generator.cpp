#include "models/traffic/traffic_generator.h"

#include <tlm_utils/tlm_quantumkeeper.h>

namespace spatialvp::models {

namespace {
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

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
      random_(params().string("pattern") == "random"),
      read_fraction_(params().real("read_fraction")),
      address_base_(static_cast<std::uint64_t>(params().integer("address_base"))),
      address_slots_(0),
      issue_gap_(sc_core::sc_time::from_seconds(params().quantity("issue_gap"))),
      rng_state_(seed()),
      buffer_(size_, 0),
      carry_data_(params().string("data") == "pattern") {
  const auto range = static_cast<std::uint64_t>(params().quantity("address_range"));
  if (size_ == 0)
    params().fail("size", "must be at least 1 byte");
  if (range < size_)
    params().fail("address_range", "must hold at least one transaction of 'size'");
  if (size_ > (1u << 26))
    params().fail("size", "at most 64 MiB per transaction");
  address_slots_ = range / size_;
  becomeActive();
  SC_HAS_PROCESS(TrafficGenerator);
  SC_THREAD(run);
}

InitiatorSocket* TrafficGenerator::initiatorSocket(const std::string& port, std::size_t index) {
  return port == "out" && index == 0 ? &out_ : nullptr;
}

std::uint64_t TrafficGenerator::nextAddress(std::uint64_t index) {
  const std::uint64_t slot =
      random_ ? splitmix64(rng_state_) % address_slots_ : index % address_slots_;
  return address_base_ + slot * size_;
}

void TrafficGenerator::run() {
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  tlm::tlm_generic_payload payload;
  payload.set_data_ptr(buffer_.data());
  payload.set_data_length(static_cast<unsigned int>(size_));
  payload.set_streaming_width(static_cast<unsigned int>(size_));
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
  // Read/write choice uses a threshold on 2^53 draws so it is exact and portable.
  const auto read_threshold = static_cast<std::uint64_t>(read_fraction_ * 9007199254740992.0);
  TraceWriter* tracer = trace();
  const double nanoseconds_per_tick = sc_core::sc_get_time_resolution().to_seconds() * 1e9;
  const int track = traceTrack();

  for (std::uint64_t i = 0; i < transactions_; ++i) {
    const bool is_read = read_fraction_ >= 1.0 ||
                         (read_fraction_ > 0.0 && (splitmix64(rng_state_) >> 11) < read_threshold);
    payload.set_command(is_read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    payload.set_address(nextAddress(i));
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (carry_data_ && !is_read) {
      for (std::uint64_t b = 0; b < size_; ++b)
        buffer_[b] = patternByte(payload.get_address(), b);
      written_.insert(payload.get_address());
    }
    sc_core::sc_time delay = keeper.get_local_time();
    const sc_core::sc_time issued = keeper.get_current_time();
    out_->b_transport(payload, delay);
    if (payload.is_response_error()) {
      SC_REPORT_ERROR("spatialvp/traffic_generator", (instanceName() + ": transaction to address " +
                                                      std::to_string(payload.get_address()) +
                                                      " failed: " + payload.get_response_string())
                                                         .c_str());
      return;
    }
    keeper.set(delay);
    if (carry_data_ && is_read && written_.count(payload.get_address()) != 0) {
      ++checked_reads_;
      for (std::uint64_t b = 0; b < size_; ++b) {
        if (buffer_[b] != patternByte(payload.get_address(), b)) {
          ++data_mismatches_;
          break;
        }
      }
    }
    const sc_core::sc_time latency = keeper.get_current_time() - issued;
    latency_ns_.record(static_cast<double>(latency.value()) * nanoseconds_per_tick);
    if (tracer) {
      tracer->complete(track, is_read ? "read" : "write", issued.value(), latency.value());
    }
    (is_read ? reads_ : writes_)++;
    bytes_ += size_;
    keeper.inc(issue_gap_);
    if (keeper.need_sync())
      keeper.sync();
  }
  keeper.sync();
  finish_time_ = sc_core::sc_time_stamp();
  services().countTransactions(transactions_);
  finished();
}

void TrafficGenerator::reportStats(ModuleStats& stats) const {
  stats.counter("reads", reads_, "transactions", "Completed read transactions");
  stats.counter("writes", writes_, "transactions", "Completed write transactions");
  stats.counter("bytes", bytes_, "B", "Bytes moved");
  if (carry_data_) {
    stats.counter("checked_reads", checked_reads_, "transactions",
                  "Reads of written addresses whose data was checked");
    stats.counter("data_mismatches", data_mismatches_, "transactions",
                  "Checked reads that did not return the written pattern");
  }
  stats.histogram("latency", latency_ns_, "ns", "Per-transaction latency seen by the initiator");
  stats.value("finish_time", finish_time_.to_seconds(), "s", "Time the last transaction completed");
  const double seconds = finish_time_.to_seconds();
  stats.headline("bandwidth", seconds > 0 ? static_cast<double>(bytes_) / seconds : 0.0, "B/s",
                 "Achieved bandwidth over the generator's run");
  stats.headline("mean_latency", latency_ns_.mean(), "ns", "Mean transaction latency");
}

void registerTrafficGenerator(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "traffic_generator";
  info.description = "Loosely-timed generator of fixed-size reads/writes (sequential or random)";
  info.params.integer("transactions", "Number of transactions to issue")
      .byDefault("1000")
      .atLeast(0);
  info.params.quantity("size", dims::data(), "Bytes per transaction").byDefault("64 B").above(0);
  info.params.enumeration("pattern", {"sequential", "random"}, "Address pattern")
      .byDefault("sequential");
  info.params.real("read_fraction", "Fraction of reads (0..1)")
      .byDefault("1.0")
      .atLeast(0)
      .atMost(1);
  info.params.integer("address_base", "First address used").byDefault("0").atLeast(0);
  info.params.quantity("address_range", dims::data(), "Size of the address window used")
      .byDefault("1 MiB")
      .above(0);
  info.params.quantity("issue_gap", dims::time(), "Extra local time between issues")
      .byDefault("0 ns")
      .atLeast(0);
  info.params
      .enumeration("data", {"none", "pattern"},
                   "pattern: writes carry address-derived data, reads of written "
                   "addresses check it")
      .byDefault("none");
  info.ports.push_back({"out", PortDirection::kInitiator, "Transactions go out here", true});
  registry.add<TrafficGenerator>(std::move(info));
}

}  // namespace spatialvp::models
