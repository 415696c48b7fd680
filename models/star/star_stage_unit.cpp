#include "models/star/star_stage_unit.h"

#include <algorithm>
#include <exception>

#include "models/star/stage_job.h"
#include "platform/core/units.h"
#include "platform/sim/address_window.h"
#include "platform/sim/kernel_time.h"

namespace spatialvp::models::star {

namespace {

struct KindInfo {
  StageUnitKind kind;
  const char* type_name;
  const char* description;
  const char* default_fill;
};

const KindInfo kKinds[] = {
    {StageUnitKind::kDlzs, "star_dlzs_unit",
     "STAR DLZS prediction unit: shift-add PE array + leading-zero encoders (K-hat, A-hat)", "160"},
    {StageUnitKind::kSads, "star_sads_unit",
     "STAR SADS unit: 16-to-4 iterative sort cores with clipping/threshold update", "8"},
    {StageUnitKind::kKvGeneration, "star_kv_array",
     "STAR KV-generation PE array: exact K/V rows for the selected keys", "132"},
    {StageUnitKind::kSuFa, "star_sufa_unit",
     "STAR SU-FA unit: SA-1, max-assurance/exp, SA-2, O-update lines with EXP and DIV units", "16"},
};

const KindInfo& infoOf(const std::string& type) {
  for (const auto& info : kKinds) {
    if (type == info.type_name)
      return info;
  }
  throw std::logic_error("unknown STAR unit type " + type);
}

std::uint64_t positive(const ParamValues& params, const std::string& name) {
  return static_cast<std::uint64_t>(params.integer(name));
}

}  // namespace

StarStageUnit::StarStageUnit(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      kind_(infoOf(context.type.name).kind),
      clock_hz_(params().quantity("clock")),
      fill_cycles_(positive(params(), "fill_cycles")),
      sram_base_(static_cast<std::uint64_t>(params().integer("sram_base"))),
      sram_window_(static_cast<std::uint64_t>(params().quantity("sram_window"))),
      sram_burst_(static_cast<std::uint64_t>(params().quantity("sram_burst"))) {
  switch (kind_) {
    case StageUnitKind::kDlzs:
      dlzs_.lanes = positive(params(), "pe_rows");
      dlzs_.shifts_per_lane = positive(params(), "pe_columns");
      dlzs_.lz_encoders = positive(params(), "lz_encoders");
      break;
    case StageUnitKind::kSads:
      sads_.sort_lanes = positive(params(), "sort_cores");
      break;
    case StageUnitKind::kKvGeneration:
      mac_array_.lanes = positive(params(), "pe_rows");
      mac_array_.macs_per_lane = positive(params(), "pe_columns");
      peak_macs_per_cycle_ = mac_array_.lanes * mac_array_.macs_per_lane;
      break;
    case StageUnitKind::kSuFa:
      sufa_.lanes = positive(params(), "lines");
      sufa_.macs_per_lane = positive(params(), "pes_per_line");
      sufa_.exp_units = positive(params(), "exp_units");
      sufa_.div_units = positive(params(), "div_units");
      peak_macs_per_cycle_ = sufa_.lanes * sufa_.macs_per_lane;
      break;
  }
  jobs_.register_b_transport(this, &StarStageUnit::b_transport);
}

InitiatorSocket* StarStageUnit::initiatorSocket(const std::string& port, std::size_t index) {
  return port == "sram" && index == 0 ? &sram_ : nullptr;
}

TargetSocket* StarStageUnit::targetSocket(const std::string& port, std::size_t index) {
  return port == "jobs" && index == 0 ? &jobs_ : nullptr;
}

std::uint64_t StarStageUnit::computeCycles(const spatialvp::star::StageWork& work) const {
  switch (kind_) {
    case StageUnitKind::kDlzs:
      return dlzsCycles(work, dlzs_);
    case StageUnitKind::kSads:
      return sadsCycles(work, sads_);
    case StageUnitKind::kKvGeneration:
      return kvGenerationCycles(work, mac_array_);
    case StageUnitKind::kSuFa:
      return suFaCycles(work, sufa_);
  }
  return 0;
}

UnitWork StarStageUnit::unitWork(const spatialvp::star::StageOps& ops) const {
  switch (kind_) {
    case StageUnitKind::kDlzs:
      return dlzsWork(ops, dlzs_);
    case StageUnitKind::kSads:
      return sadsWork(ops, sads_);
    case StageUnitKind::kKvGeneration:
      return kvGenerationWork(ops, mac_array_);
    case StageUnitKind::kSuFa:
      return suFaWork(ops, sufa_);
  }
  return {};
}

// Streams `bytes` through the unit's SRAM window starting at `at`; returns when the last byte
// has moved. Each transaction is a TLM streaming transfer (streaming width = the window, so the
// address wraps inside it) of at most `sram_burst` bytes: a job that streams megabytes through
// a small buffer stays a handful of calls.
Picoseconds StarStageUnit::sramTransfer(std::uint64_t bytes, bool write, Picoseconds at) {
  tlm::tlm_generic_payload payload;
  payload.set_data_ptr(burst_buffer_.data(std::min(bytes, sram_burst_)));
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
  payload.set_address(sram_base_);
  payload.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  Picoseconds done = at;
  const auto now = nowPs();
  while (bytes > 0) {
    const std::uint64_t chunk = std::min(bytes, sram_burst_);
    payload.set_data_length(static_cast<unsigned int>(chunk));
    payload.set_streaming_width(static_cast<unsigned int>(std::min(chunk, sram_window_)));
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    // Chunks of one job are issued back to back; the SRAM's contention model spaces them.
    sc_core::sc_time delay = sc_core::sc_time::from_value(at - now);
    {
      // Each burst is its own transaction, fanning out from the job's span (joined below).
      const TraceFlowScope flow(trace(), payload);
      if (flow.id() != 0)
        sram_flows_.push_back(flow.id());
      sram_->b_transport(payload, delay);
    }
    if (payload.is_response_error()) {
      SC_REPORT_ERROR(
          "spatialvp/star",
          (instanceName() + ": SRAM access failed: " + payload.get_response_string()).c_str());
    }
    done = std::max(done, now + static_cast<Picoseconds>(delay.value()));
    bytes -= chunk;
  }
  return done;
}

void StarStageUnit::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  StageJobExtension* job = nullptr;
  payload.get_extension(job);
  if (job == nullptr || job->work == nullptr) {
    payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  const auto& work = *job->work;
  const TraceFlowScope flow(trace(), payload);
  const auto now = nowPs();
  const Picoseconds start = std::max(now + static_cast<Picoseconds>(delay.value()), busy_until_);
  const double period_ps = 1e12 / clock_hz_;
  // A job with nothing to compute (e.g. the KV array storing fetched rows) has no pipeline fill.
  const std::uint64_t work_cycles = computeCycles(work);
  const std::uint64_t cycles = work_cycles > 0 ? work_cycles + fill_cycles_ : 0;
  const auto compute_ps = static_cast<Picoseconds>(static_cast<double>(cycles) * period_ps + 0.5);

  // Operands are read while computing and results written as they are produced, so the job
  // takes the longer of its compute time and its SRAM traffic time.
  Picoseconds sram_done = start;
  if (work.bytes.sram_read > 0)
    sram_done = std::max(sram_done, sramTransfer(work.bytes.sram_read, false, start));
  if (work.bytes.sram_write > 0)
    sram_done = std::max(sram_done, sramTransfer(work.bytes.sram_write, true, start));
  const Picoseconds end = std::max(start + compute_ps, sram_done);

  if (!started_) {
    first_start_ = start;
    started_ = true;
  }
  busy_until_ = end;
  last_end_ = std::max(last_end_, end);
  const auto busy = static_cast<std::uint64_t>(static_cast<double>(end - start) / period_ps + 0.5);
  busy_cycles_ += busy;
  compute_cycles_ += cycles;
  sram_stall_cycles_ += busy > cycles ? busy - cycles : 0;
  sram_bytes_ += work.bytes.sram_read + work.bytes.sram_write;
  useful_macs_ += usefulMacs(work.ops);
  const UnitWork done = unitWork(work.ops);
  work_done_ += done.done;
  peak_per_cycle_ = done.peak_per_cycle;
  ops_ += work.ops;
  ++jobs_done_;
  if (job->functional != nullptr) {
    // Functional mode: compute the stage on the tile's data (timing above is unchanged).
    try {
      runFunctionalStage(work.stage, *job->functional);
    } catch (const std::exception& error) {
      SC_REPORT_ERROR("spatialvp/star",
                      (instanceName() + ": functional " +
                       spatialvp::star::pipelineStageName(work.stage) + " job: " + error.what())
                          .c_str());
    }
    ++functional_jobs_;
  }

  if (TraceWriter* tracer = trace()) {
    const TraceWriter::EventId span =
        tracer->step(flow.id(), traceTrack(), spatialvp::star::pipelineStageName(work.stage), start,
                     end - start);
    for (const std::uint64_t burst : sram_flows_)
      tracer->joinFlow(span, burst);
    sram_flows_.clear();
  }
  job->started_ps = start;
  delay = sc_core::sc_time::from_value(end - now);
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

void StarStageUnit::connected(const PlatformView& view) {
  checkWindowBehind(view, *this, "sram", 0, sram_base_, sram_window_, "sram_window");
}

void checkTokenSramWindow(const PlatformView& view, const Module& driver, const ParamValues& owner,
                          std::uint64_t token_sram_bytes) {
  const auto dlzs = view.targetOf(driver, "dlzs", 0);
  const auto* unit = dlzs ? dynamic_cast<const StarStageUnit*>(dlzs->module) : nullptr;
  if (unit == nullptr || unit->sramWindowBytes() == token_sram_bytes)
    return;
  const auto bytes = [](std::uint64_t value) {
    return formatQuantity(static_cast<double>(value), dims::data());
  };
  owner.fail("token_sram", "the planner's token SRAM of " + bytes(token_sram_bytes) +
                               " differs from the window the DLZS unit " + unit->instanceName() +
                               " streams it through, " + bytes(unit->sramWindowBytes()) + " (" +
                               unit->params().whereWritten("sram_window") + ")");
}

void StarStageUnit::reportStats(ModuleStats& stats) const {
  const double period = 1.0 / clock_hz_;
  const double elapsed = sc_core::sc_time_stamp().to_seconds();
  stats.counter("jobs", jobs_done_, "jobs", "Tile-stage jobs executed");
  stats.counter("busy_cycles", busy_cycles_, "cycles",
                "Cycles the unit was busy (compute or SRAM-bound)");
  stats.counter("compute_cycles", compute_cycles_, "cycles",
                "Cycles of compute incl. pipeline fill");
  stats.counter("sram_stall_cycles", sram_stall_cycles_, "cycles",
                "Cycles beyond compute spent waiting on SRAM");
  stats.counter("sram_bytes", sram_bytes_, "B", "SRAM bytes read and written");
  if (functional_jobs_ > 0)
    stats.counter("functional_jobs", functional_jobs_, "jobs",
                  "Jobs that carried data and were computed (functional mode)");
  const double elapsed_cycles = elapsed / period;
  stats.value("utilisation",
              elapsed > 0 ? static_cast<double>(busy_cycles_) * period / elapsed : 0.0, "ratio",
              "Busy time / simulated time");
  // Lane occupancy: the unit's work over what its lanes could do in the cycles it computed
  // (rows fewer than lanes, ceilings and pipeline fill lower it); work utilisation: over the
  // whole run.
  const double peak = static_cast<double>(peak_per_cycle_);
  stats.value("lane_occupancy",
              compute_cycles_ > 0 && peak > 0
                  ? static_cast<double>(work_done_) / (peak * static_cast<double>(compute_cycles_))
                  : 0.0,
              "ratio", "Work done / (peak work per cycle x compute cycles)");
  stats.value("work_utilisation",
              elapsed_cycles > 0 && peak > 0
                  ? static_cast<double>(work_done_) / (peak * elapsed_cycles)
                  : 0.0,
              "ratio", "Work done / (peak work per cycle x cycles of the run)");
  if (peak_macs_per_cycle_ > 0) {
    stats.counter("macs", useful_macs_, "MAC", "16-bit multiply-accumulates performed");
    stats.value("pe_utilisation",
                elapsed > 0 ? static_cast<double>(useful_macs_) /
                                  (static_cast<double>(peak_macs_per_cycle_) * elapsed / period)
                            : 0.0,
                "ratio", "MACs / (PEs x cycles of the run)");
  }
  switch (kind_) {
    case StageUnitKind::kDlzs:
      stats.counter("shift_adds", ops_.shift_adds, "ops", "DLZS shift-add terms");
      stats.counter("lz_counts", ops_.lzc, "ops", "Leading-zero encodings");
      break;
    case StageUnitKind::kSads:
      stats.counter("sorter_rounds", ops_.sorter_rounds, "rounds", "16-to-4 sorter rounds");
      break;
    case StageUnitKind::kKvGeneration:
      break;
    case StageUnitKind::kSuFa:
      stats.counter("exp", ops_.formal.exp, "ops", "Exponentials");
      stats.counter("div", ops_.formal.div, "ops", "Divisions");
      break;
  }
  stats.value("rated_power", params().quantity("energy.active_cycle") * clock_hz_, "W",
              "Power when busy every cycle (energy per active cycle x clock)");
  // Cycles spent computing are active; stalled (waiting on SRAM) and idle cycles keep the unit
  // clocked and leaking: they are charged as idle cycles (presets/star/*: sources S3.6).
  const auto run_cycles = static_cast<std::uint64_t>(elapsed_cycles + 0.5);
  const std::uint64_t active = std::min(compute_cycles_, busy_cycles_);
  stats.action("active_cycle", active);
  stats.action("idle_cycle", run_cycles > active ? run_cycles - active : 0);
}

void registerStarStageUnits(ModuleRegistry& registry) {
  for (const auto& kind : kKinds) {
    ModuleTypeInfo info;
    info.name = kind.type_name;
    info.description = kind.description;
    ParamSchema& p = info.params;
    p.quantity("clock", dims::frequency(), "Unit clock (sources S3.3: 1 GHz)")
        .byDefault("1 GHz")
        .above(0);
    p.integer("fill_cycles", "Pipeline fill/drain cycles per job [INF: array depth]")
        .byDefault(kind.default_fill)
        .atLeast(0);
    p.integer("sram_base", "Address of this unit's SRAM window behind its sram port")
        .byDefault("0")
        .atLeast(0);
    p.quantity("sram_window", dims::data(), "Size of the SRAM window the unit streams through")
        .byDefault("28 KiB")
        .above(0);
    p.quantity("sram_burst", dims::data(), "Largest SRAM transaction (streamed through the window)")
        .byDefault("4 MiB")
        .above(0);
    switch (kind.kind) {
      case StageUnitKind::kDlzs:
        p.integer("pe_rows", "Shift-add PE rows (sources S3.2: 128)").byDefault("128").atLeast(1);
        p.integer("pe_columns", "Shift-add PE columns (sources S3.2: 32)")
            .byDefault("32")
            .atLeast(1);
        p.integer("lz_encoders", "Configurable leading-zero encoders (sources S3.2: 128)")
            .byDefault("128")
            .atLeast(1);
        break;
      case StageUnitKind::kSads:
        p.integer("sort_cores", "16-to-4 sort cores (sources S3.2: 128)")
            .byDefault("128")
            .atLeast(1);
        break;
      case StageUnitKind::kKvGeneration:
        p.integer("pe_rows", "16-bit PE rows (sources S3.2: 128)").byDefault("128").atLeast(1);
        p.integer("pe_columns", "16-bit PE columns (sources S3.2: 4)").byDefault("4").atLeast(1);
        break;
      case StageUnitKind::kSuFa:
        p.integer("lines", "SU-FA lines, one query row each (sources S3.2: 128)")
            .byDefault("128")
            .atLeast(1);
        p.integer("pes_per_line", "PEs per line: SA-1 2 + SA-2 2 (sources S3.2)")
            .byDefault("4")
            .atLeast(1);
        p.integer("exp_units", "EXP units (sources S3.2: 128)").byDefault("128").atLeast(1);
        p.integer("div_units", "DIV units (sources S3.2: 128)").byDefault("128").atLeast(1);
        break;
    }
    info.ports.push_back(
        {"jobs", PortDirection::kTarget, "Tile-stage jobs from the controller", true});
    info.ports.push_back(
        {"sram", PortDirection::kInitiator, "Operand and result traffic to SRAM", true});
    info.energy_actions.push_back(
        {"active_cycle", "one computing cycle (rated power / clock)", "0 J"});
    info.energy_actions.push_back(
        {"idle_cycle", "one clocked cycle without work: stalled on SRAM or waiting for a job",
         "0 J"});
    registry.add<StarStageUnit>(std::move(info));
  }
}

}  // namespace spatialvp::models::star
