// vendor_sads_unit: a replacement for STAR's SADS unit (star_sads_unit). It takes the same
// tile-stage jobs on `jobs` (a 1-byte write carrying models/star/stage_job.h's
// StageJobExtension) and streams the job's SRAM bytes through `sram`, so it drops into the STAR
// platform by its type name. Its sort core takes `new_inputs` new scores per round (the
// reference 16-to-4 core takes 12), so a job needs rounds * 12 / new_inputs of its rounds;
// `sort_cores` cores work in parallel and each job pays `pipeline_cycles` once.
// In functional mode the job also carries the tile's data: the unit computes the selection with
// the SDK's reference (runFunctionalStage), so the platform's output stays checkable.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <exception>
#include <vector>

#include "models/star/stage_job.h"
#include "platform/sim/burst_transfer.h"
#include "vendor_ip.h"

namespace vendor {

namespace {

using spatialvp::Picoseconds;
namespace star = spatialvp::models::star;

// The reference sort core's new scores per round (spec of the 16-to-4 core: 12 new + 4 kept).
constexpr std::uint64_t kReferenceNewInputs = 12;

class VendorSadsUnit : public spatialvp::Module {
 public:
  VendorSadsUnit(sc_core::sc_module_name name, const spatialvp::ModuleContext& context)
      : Module(name, context),
        period_ps_(1e12 / params().quantity("clock")),
        cores_(static_cast<std::uint64_t>(params().integer("sort_cores"))),
        new_inputs_(static_cast<std::uint64_t>(params().integer("new_inputs"))),
        pipeline_cycles_(static_cast<std::uint64_t>(params().integer("pipeline_cycles"))),
        sram_base_(static_cast<std::uint64_t>(params().integer("sram_base"))),
        sram_window_(static_cast<std::uint64_t>(params().quantity("sram_window"))),
        burst_(static_cast<std::uint64_t>(params().quantity("sram_burst"))),
        buffer_(burst_, 0) {
    jobs_.register_b_transport(this, &VendorSadsUnit::b_transport);
  }

  spatialvp::InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override {
    return port == "sram" && index == 0 ? &sram_ : nullptr;
  }
  spatialvp::TargetSocket* targetSocket(const std::string& port, std::size_t index) override {
    return port == "jobs" && index == 0 ? &jobs_ : nullptr;
  }

  void reportStats(spatialvp::ModuleStats& stats) const override {
    stats.counter("jobs", jobs_done_, "jobs", "Tile-stage jobs executed");
    stats.counter("functional_jobs", functional_jobs_, "jobs", "Jobs computed on data");
    stats.counter("rounds", rounds_, "rounds", "Vendor sort-core rounds");
    stats.counter("busy_cycles", busy_cycles_, "cycles", "Cycles busy (compute or SRAM-bound)");
    stats.action("active_cycle", busy_cycles_);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    star::StageJobExtension* job = nullptr;
    payload.get_extension(job);
    if (job == nullptr || job->work == nullptr) {
      payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    const auto& work = *job->work;
    // One job at a time: start when it is ready and the previous one is done.
    const auto now = static_cast<Picoseconds>(sc_core::sc_time_stamp().value());
    const Picoseconds start = std::max(now + static_cast<Picoseconds>(delay.value()), busy_until_);
    const std::uint64_t rounds =
        (work.ops.sorter_rounds * kReferenceNewInputs + new_inputs_ - 1) / new_inputs_;
    const std::uint64_t cycles = (rounds + cores_ - 1) / cores_ + pipeline_cycles_;
    Picoseconds end = start + static_cast<Picoseconds>(static_cast<double>(cycles) * period_ps_);
    // Scores in, selections out, through the SRAM port (bandwidth can stall the unit).
    for (const auto& [bytes, write] :
         {std::pair{work.bytes.sram_read, false}, std::pair{work.bytes.sram_write, true}}) {
      if (bytes > 0)
        end = std::max(end, spatialvp::burstTransfer(*sram_.operator->(), buffer_, sram_base_,
                                                     sram_window_, cursor_, bytes, burst_, write,
                                                     start, instanceName() + ": SRAM access")
                                .done);
    }
    if (job->functional != nullptr) {
      try {
        star::runFunctionalStage(work.stage, *job->functional);
      } catch (const std::exception& error) {
        SC_REPORT_ERROR("vendor/sads", (instanceName() + ": " + error.what()).c_str());
      }
      ++functional_jobs_;
    }
    busy_until_ = end;
    busy_cycles_ += static_cast<std::uint64_t>(static_cast<double>(end - start) / period_ps_ + 0.5);
    rounds_ += rounds;
    ++jobs_done_;
    job->started_ps = start;
    delay = sc_core::sc_time::from_value(end - now);
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  tlm_utils::simple_target_socket<VendorSadsUnit> jobs_{"jobs"};
  tlm_utils::simple_initiator_socket<VendorSadsUnit> sram_{"sram"};
  double period_ps_;
  std::uint64_t cores_;
  std::uint64_t new_inputs_;
  std::uint64_t pipeline_cycles_;
  std::uint64_t sram_base_;
  std::uint64_t sram_window_;
  std::uint64_t burst_;
  std::uint64_t cursor_ = 0;
  std::vector<unsigned char> buffer_;
  Picoseconds busy_until_ = 0;
  std::uint64_t jobs_done_ = 0;
  std::uint64_t functional_jobs_ = 0;
  std::uint64_t rounds_ = 0;
  std::uint64_t busy_cycles_ = 0;
};

}  // namespace

void registerVendorSadsUnit(spatialvp::ModuleRegistry& registry) {
  using namespace spatialvp;
  ModuleTypeInfo info;
  info.name = "vendor_sads_unit";
  info.description =
      "Vendor SADS unit: wider sort cores, STAR stage jobs (replaces star_sads_unit)";
  ParamSchema& p = info.params;
  p.quantity("clock", dims::frequency(), "Unit clock").byDefault("1 GHz").above(0);
  p.integer("sort_cores", "Sort cores working in parallel").byDefault("128").atLeast(1);
  p.integer("new_inputs", "New scores a core takes per round (reference core: 12)")
      .byDefault("28")
      .atLeast(1);
  p.integer("pipeline_cycles", "Pipeline fill per job").byDefault("10").atLeast(0);
  p.integer("sram_base", "Address of the unit's SRAM window").byDefault("0").atLeast(0);
  p.quantity("sram_window", dims::data(), "SRAM window the unit streams through")
      .byDefault("4 KiB")
      .above(0);
  p.quantity("sram_burst", dims::data(), "Largest SRAM transaction").byDefault("1 KiB").above(0);
  info.ports.push_back(
      {"jobs", PortDirection::kTarget, "Tile-stage jobs from the controller", true});
  info.ports.push_back({"sram", PortDirection::kInitiator, "Score and index traffic", true});
  info.energy_actions.push_back({"active_cycle", "one busy cycle", "90 pJ"});
  // The STAR unit presets also price idle cycles; this unit charges busy cycles only.
  info.energy_actions.push_back({"idle_cycle", "one idle cycle (not counted)", "0 J"});
  registry.add<VendorSadsUnit>(std::move(info));
}

}  // namespace vendor
