#include "models/traffic/trace_player.h"

#include "models/traffic/data_check.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <filesystem>

namespace spatialvp::models {

namespace {

// The trace file, relative to the YAML that names it.
std::string traceFile(const ParamValues& params) {
  const std::filesystem::path file(params.string("file"));
  const std::string& yaml = params.value("file").location.file;
  if (file.is_absolute() || yaml.empty() || yaml[0] == '<' || yaml.rfind("--set", 0) == 0)
    return file.string();
  return (std::filesystem::path(yaml).parent_path() / file).string();
}

}  // namespace

TracePlayer::TracePlayer(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context) {
  const std::string file = traceFile(params());
  if (!std::filesystem::is_regular_file(file))
    params().fail("file", "transaction trace " + file + " does not exist");
  trace_ = readTransactionTrace(file);
  std::uint64_t largest = 0;
  for (const auto& t : trace_)
    largest = std::max(largest, t.size);
  buffer_.assign(largest, 0);
  becomeActive();
  SC_HAS_PROCESS(TracePlayer);
  SC_THREAD(run);
}

InitiatorSocket* TracePlayer::initiatorSocket(const std::string& port, std::size_t index) {
  return port == "out" && index == 0 ? &out_ : nullptr;
}

void TracePlayer::run() {
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  tlm::tlm_generic_payload payload;
  payload.set_data_ptr(buffer_.data());
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
  TraceWriter* tracer = trace();
  const double nanoseconds_per_tick = sc_core::sc_get_time_resolution().to_seconds() * 1e9;
  const int track = traceTrack();

  for (const auto& t : trace_) {
    const sc_core::sc_time due = sc_core::sc_time(static_cast<double>(t.time_ps), sc_core::SC_PS);
    if (keeper.get_current_time() < due)
      keeper.set(due - sc_core::sc_time_stamp());
    else if (keeper.get_current_time() > due)
      ++late_issues_;
    const auto size = static_cast<unsigned int>(t.size);
    payload.set_command(t.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    payload.set_address(t.address);
    payload.set_data_length(size);
    payload.set_streaming_width(size);
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (t.write) {
      if (t.data)
        std::copy(t.data->begin(), t.data->end(), buffer_.begin());
      else
        std::fill_n(buffer_.begin(), size, 0);
    }
    sc_core::sc_time delay = keeper.get_local_time();
    const sc_core::sc_time issued = keeper.get_current_time();
    std::uint64_t flow = 0;
    {
      const TraceFlowScope scope(tracer, payload);
      flow = scope.id();
      out_->b_transport(payload, delay);
    }
    if (payload.is_response_error()) {
      SC_REPORT_ERROR(
          "spatialvp/trace_player",
          (instanceName() + ": trace line " + std::to_string(t.line) + ": transaction to address " +
           std::to_string(t.address) + " failed: " + payload.get_response_string())
              .c_str());
      return;
    }
    keeper.set(delay);
    if (!t.write && t.data) {
      ++checked_reads_;
      data_mismatches_ += !std::equal(t.data->begin(), t.data->end(), buffer_.begin());
    }
    const sc_core::sc_time latency = keeper.get_current_time() - issued;
    latency_ns_.record(static_cast<double>(latency.value()) * nanoseconds_per_tick);
    if (tracer) {
      TraceArgs args;
      args.bytes = t.size;
      args.address = t.address;
      tracer->step(flow, track, t.write ? "write" : "read", issued.value(), latency.value(), args);
    }
    (t.write ? writes_ : reads_)++;
    bytes_ += t.size;
    if (keeper.need_sync())
      keeper.sync();
  }
  keeper.sync();
  finish_time_ = sc_core::sc_time_stamp();
  warnOnDataMismatches(instanceName(), "spatialvp/trace_player", data_mismatches_, checked_reads_);
  services().countTransactions(trace_.size());
  finished();
}

void TracePlayer::reportStats(ModuleStats& stats) const {
  stats.counter("reads", reads_, "transactions", "Completed read transactions");
  stats.counter("writes", writes_, "transactions", "Completed write transactions");
  stats.counter("bytes", bytes_, "B", "Bytes moved");
  stats.counter("late_issues", late_issues_, "transactions",
                "Issued after their recorded time (the previous one was still in flight)");
  stats.counter("checked_reads", checked_reads_, "transactions",
                "Reads whose returned data was compared with the trace");
  stats.counter("data_mismatches", data_mismatches_, "transactions",
                "Checked reads that returned other data than the trace expects");
  stats.histogram("latency", latency_ns_, "ns", "Per-transaction latency seen by the player");
  stats.value("finish_time", finish_time_.to_seconds(), "s", "Time the last transaction completed");
  const double seconds = finish_time_.to_seconds();
  stats.headline("bandwidth", seconds > 0 ? static_cast<double>(bytes_) / seconds : 0.0, "B/s",
                 "Achieved bandwidth over the replay");
}

void registerTracePlayer(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "trace_player";
  info.description =
      "Replays a recorded transaction trace (time, R/W, address, size, optional data)";
  info.params.string("file", "Trace file (format: docs/VENDOR_IP.md), relative to the YAML");
  info.ports.push_back({"out", PortDirection::kInitiator, "Transactions go out here", true});
  registry.add<TracePlayer>(std::move(info));
}

}  // namespace spatialvp::models
