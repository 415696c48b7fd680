#pragma once
// The compute engine of one wafer die (issue 13; models/wafer_moe/README.md, "A die as
// modules"): a roofline server that receives die jobs (die_job.h) on `jobs` and is busy for
// FLOPs / (peak of the job's datatype x efficiency), one job after another. Its energy is the
// FLOPs times energy.<datatype>_flop plus static_power over the simulated time, its area the
// common `area` parameter; the B200-class values are the preset die_compute_b200. The die's HBM,
// SRAM and network port are their own modules beside it.
#include <tlm_utils/simple_target_socket.h>

#include <array>

#include "models/wafer_moe/die_job.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models::wafer_moe {

class DieComputeEngine : public Module, public DieComputeFacts {
 public:
  DieComputeEngine(sc_core::sc_module_name name, const ModuleContext& context);

  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;

  double peakFlops(moe::Datatype datatype) const override;
  double sustainedFraction() const override { return efficiency_; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  tlm_utils::simple_target_socket<DieComputeEngine> jobs_{"jobs"};
  double peak_bf16_;
  double peak_fp8_;
  double efficiency_;
  Picoseconds busy_until_ = 0;
  std::uint64_t jobs_done_ = 0;
  std::array<double, 2> flops_{};  // per datatype (bf16, fp8)
  Picoseconds busy_ps_ = 0;
};

void registerDieComputeEngine(ModuleRegistry& registry);

}  // namespace spatialvp::models::wafer_moe
