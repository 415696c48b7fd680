// star_dlzs_rtl: the STAR DLZS unit with its phase-1.2 shift-add array co-simulated from RTL
// (dlzs_lane.v, Verilated). A drop-in for star_dlzs_unit: same ports, same parameters (so the
// star/dlzs_unit preset applies), selected in YAML by the type name and the plug-in
//   plugins: [libspatialvp_rtl_dlzs.so]
//   modules: {dlzs: {type: star_dlzs_rtl, preset: star/dlzs_unit, ...}}
// The RTL needs data, so the controller must run in functional mode (ctrl.mode=functional).
// Each job's query-key pairs are dealt round-robin to `pe_rows` lanes of `pe_columns` PEs; all
// lanes are the same RTL, so one Verilated lane is clocked through each lane's share in turn
// and the job takes the longest share's cycles (the lanes run concurrently in hardware).
// First: it prepares verilated.h for a SystemC translation unit.
#include "models/rtl/rtl_clocked_target.h"

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <deque>
#include <exception>

#include "Vdlzs_lane.h"
#include "models/rtl/dlzs_lane_io.h"
#include "models/star/stage_job.h"
#include "models/star/star_unit_timing.h"
#include "platform/core/param_choice.h"
#include "platform/sim/burst_transfer.h"
#include "platform/sim/kernel_time.h"
#include "platform/sim/plugin_abi.h"

namespace spatialvp::rtl {

namespace {

namespace st = spatialvp::star;
using models::star::FunctionalJob;
using models::star::StageJobExtension;

constexpr std::size_t kLaneWidth = kDlzsLaneWidth;
// The RTL pipeline: LZ encode + shift, adder tree, accumulate.
constexpr std::uint64_t kLanePipelineCycles = 3;

}  // namespace

class StarDlzsRtlUnit : public RtlClockedTarget<Vdlzs_lane> {
 public:
  StarDlzsRtlUnit(sc_core::sc_module_name name, const ModuleContext& context)
      : RtlClockedTarget(name, context, context.params.quantity("clock"),
                         paramChoice<RtlSync>(
                             context.params, "sync",
                             {{"wait", RtlSync::kWaitOnEntry}, {"annotate", RtlSync::kAnnotate}})),
        lanes_(static_cast<std::size_t>(params().integer("pe_rows"))),
        sram_base_(static_cast<std::uint64_t>(params().integer("sram_base"))),
        sram_window_(static_cast<std::uint64_t>(params().quantity("sram_window"))),
        sram_burst_(static_cast<std::uint64_t>(params().quantity("sram_burst"))) {
    if (params().integer("pe_columns") != static_cast<std::int64_t>(kLaneWidth))
      params().fail("pe_columns", "the verilated dlzs_lane has " + std::to_string(kLaneWidth) +
                                      " PEs (WIDTH); re-verilate it to change the width");
    geometry_.lanes = lanes_;
    geometry_.shifts_per_lane = kLaneWidth;
    geometry_.lz_encoders = static_cast<std::uint64_t>(params().integer("lz_encoders"));
    burst_buffer_.assign(sram_burst_, 0);
    jobs_.register_b_transport(this, &StarDlzsRtlUnit::b_transport);
  }

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override {
    return port == "sram" && index == 0 ? &sram_ : nullptr;
  }
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override {
    return port == "jobs" && index == 0 ? &jobs_ : nullptr;
  }

  void reportStats(ModuleStats& stats) const override {
    stats.counter("jobs", jobs_done_, "jobs", "Tile-stage jobs executed");
    stats.counter("busy_cycles", busy_cycles_, "cycles",
                  "Cycles the unit was busy (RTL compute or SRAM-bound)");
    stats.counter("compute_cycles", compute_cycles_, "cycles",
                  "RTL cycles of the jobs (longest lane share per job, incl. pipeline)");
    stats.counter("model_compute_cycles", model_cycles_, "cycles",
                  "What star_dlzs_unit's timing model assumes for the same jobs (no fill)");
    stats.counter("rtl_lane_cycles", cycles(), "cycles",
                  "Cycles the verilated lane was clocked (all lane shares; co-simulation cost)");
    stats.counter("scores", scores_, "scores", "A-hat scores computed by the RTL");
    stats.counter("functional_jobs", jobs_done_, "jobs", "Jobs computed on data by the RTL");
    stats.counter("sram_bytes", sram_bytes_, "B", "SRAM bytes read and written");
    stats.action("active_cycle", busy_cycles_);
  }

 private:
  // Runs one lane's share of pairs through the RTL; writes the scores; returns its cycles.
  std::uint64_t runLane(const FunctionalJob& job, std::size_t first_pair, std::size_t pairs,
                        std::size_t keys) {
    auto& head = *job.head;
    const std::size_t d = head.q16.cols();
    const std::size_t beats = (d + kLaneWidth - 1) / kLaneWidth;
    std::deque<std::size_t> pending;  // pairs in flight, in issue order
    std::uint64_t lane_cycles = 0;
    auto collect = [&] {
      if (!rtl().out_valid)
        return;
      const std::size_t pair = pending.front();
      pending.pop_front();
      const std::size_t i = pair / keys;
      const std::size_t j = pair % keys;
      // The same expression as the C++ unit (functional_tile.cpp), so logits are bit-equal.
      head.logits(job.first_row + i, job.key_begin + j) =
          static_cast<double>(static_cast<std::int64_t>(rtl().out_score)) * head.logit_factor;
      ++scores_;
    };
    for (std::size_t pair = first_pair; pair < first_pair + pairs * lanes_; pair += lanes_) {
      const std::int16_t* q = head.q16.row(job.first_row + pair / keys);
      const std::int16_t* k = head.k16.row(job.key_begin + pair % keys);
      pending.push_back(pair);
      for (std::size_t beat = 0; beat < beats; ++beat) {
        loadDlzsBeat(rtl(), q, k, d, beat);
        rtl().in_valid = 1;
        rtl().in_last = beat + 1 == beats;
        tick();
        ++lane_cycles;
        collect();
      }
    }
    rtl().in_valid = 0;
    rtl().in_last = 0;
    if (!pending.empty()) {
      lane_cycles += clockUntil(
          [&] {
            collect();
            return pending.empty();
          },
          kLanePipelineCycles + 1);
    }
    return lane_cycles;
  }

  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    StageJobExtension* job = nullptr;
    payload.get_extension(job);
    if (job == nullptr || job->work == nullptr) {
      payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    if (job->functional == nullptr) {
      SC_REPORT_ERROR("spatialvp/rtl",
                      (instanceName() +
                       ": star_dlzs_rtl computes on data; run the controller in functional mode "
                       "(ctrl.mode=functional)")
                          .c_str());
      payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    const st::StageWork& work = *job->work;
    const FunctionalJob& data = *job->functional;
    const Picoseconds start = beginWork(delay);

    const std::size_t keys = data.key_end - data.key_begin;
    const std::size_t pairs = data.rows * keys;
    std::uint64_t job_cycles = 0;
    for (std::size_t lane = 0; lane < std::min(lanes_, pairs); ++lane) {
      const std::size_t share = (pairs - lane + lanes_ - 1) / lanes_;
      job_cycles = std::max(job_cycles, runLane(data, lane, share, keys));
    }

    Picoseconds sram_done = start;
    for (const auto& [bytes, write] :
         {std::pair{work.bytes.sram_read, false}, std::pair{work.bytes.sram_write, true}}) {
      if (bytes == 0)
        continue;
      const BurstTransfer moved =
          burstTransfer(*sram_.operator->(), burst_buffer_, sram_base_, sram_window_, sram_cursor_,
                        bytes, sram_burst_, write, start, instanceName() + ": SRAM access");
      sram_done = std::max(sram_done, moved.done);
    }
    const auto compute_end = finishWork(start, job_cycles, delay);
    const Picoseconds end = std::max(compute_end, sram_done);
    const auto now = nowPs();
    delay = sc_core::sc_time::from_value(end - now);

    const auto busy =
        static_cast<std::uint64_t>(static_cast<double>(end - start) / periodPs() + 0.5);
    busy_cycles_ += busy;
    compute_cycles_ += job_cycles;
    model_cycles_ += models::star::dlzsCycles(work, geometry_);
    sram_bytes_ += work.bytes.sram_read + work.bytes.sram_write;
    ++jobs_done_;
    if (TraceWriter* tracer = trace()) {
      const TraceFlowScope flow(tracer, payload);
      tracer->step(flow.id(), traceTrack(), st::pipelineStageName(work.stage), start, end - start);
    }
    job->started_ps = start;
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  tlm_utils::simple_target_socket<StarDlzsRtlUnit> jobs_{"jobs"};
  tlm_utils::simple_initiator_socket<StarDlzsRtlUnit> sram_{"sram"};
  std::size_t lanes_;
  std::uint64_t sram_base_;
  std::uint64_t sram_window_;
  std::uint64_t sram_burst_;
  std::uint64_t sram_cursor_ = 0;
  models::star::DlzsGeometry geometry_;
  std::vector<unsigned char> burst_buffer_;
  std::uint64_t jobs_done_ = 0;
  std::uint64_t busy_cycles_ = 0;
  std::uint64_t compute_cycles_ = 0;
  std::uint64_t model_cycles_ = 0;
  std::uint64_t scores_ = 0;
  std::uint64_t sram_bytes_ = 0;
};

}  // namespace spatialvp::rtl

SPATIALVP_PLUGIN_REGISTER(registry) {
  using namespace spatialvp;
  ModuleTypeInfo info;
  info.name = "star_dlzs_rtl";
  info.description =
      "STAR DLZS unit, shift-add array co-simulated from RTL (dlzs_lane.v via Verilator); "
      "functional mode only";
  ParamSchema& p = info.params;
  p.quantity("clock", dims::frequency(), "Unit clock (sources S3.3: 1 GHz)")
      .byDefault("1 GHz")
      .above(0);
  p.integer("pe_rows", "Shift-add lanes (PE rows, sources S3.2: 128)").byDefault("128").atLeast(1);
  p.integer("pe_columns", "PEs per lane; must equal the verilated WIDTH (32)").byDefault("32");
  p.integer("lz_encoders",
            "LZEs of the C++ timing model (model_compute_cycles only; the RTL "
            "lane encodes per PE)")
      .byDefault("128")
      .atLeast(1);
  p.integer("sram_base", "Address of this unit's SRAM window behind its sram port")
      .byDefault("0")
      .atLeast(0);
  p.quantity("sram_window", dims::data(), "Size of the SRAM window the unit streams through")
      .byDefault("28 KiB")
      .above(0);
  p.quantity("sram_burst", dims::data(), "Largest SRAM transaction").byDefault("4 MiB").above(0);
  p.enumeration("sync", {"annotate", "wait"},
                "annotate: keep temporal decoupling; wait: wait until each job's start first")
      .byDefault("annotate");
  info.ports.push_back(
      {"jobs", PortDirection::kTarget, "Tile-stage jobs from the controller", true});
  info.ports.push_back(
      {"sram", PortDirection::kInitiator, "Operand and result traffic to SRAM", true});
  info.energy_actions.push_back({"active_cycle", "one busy cycle (rated power / clock)", "0 J"});
  // Accepted so that the STAR unit presets apply unchanged; the RTL unit charges every busy
  // cycle as active, so no idle cycles are counted.
  info.energy_actions.push_back({"idle_cycle", "one idle or stalled cycle (not counted)", "0 J"});
  registry.add<rtl::StarDlzsRtlUnit>(std::move(info));
}
