#include "models/wafer_moe/die_compute_engine.h"

#include <algorithm>
#include <cmath>

#include "models/wafer_moe/phase_keys.h"
#include "platform/sim/kernel_time.h"
#include "platform/sim/trace_flow.h"

namespace spatialvp::models::wafer_moe {

namespace {

std::size_t slot(moe::Datatype datatype) {
  return datatype == moe::Datatype::kFp8 ? 1 : 0;
}

}  // namespace

DieComputeEngine::DieComputeEngine(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      peak_bf16_(params().quantity("peak_bf16")),
      peak_fp8_(params().quantity("peak_fp8")),
      efficiency_(params().real("efficiency")) {
  jobs_.register_b_transport(this, &DieComputeEngine::b_transport);
}

TargetSocket* DieComputeEngine::targetSocket(const std::string& port, std::size_t index) {
  return port == "jobs" && index == 0 ? &jobs_ : nullptr;
}

double DieComputeEngine::peakFlops(moe::Datatype datatype) const {
  return datatype == moe::Datatype::kFp8 ? peak_fp8_ : peak_bf16_;
}

void DieComputeEngine::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  DieJobExtension* job = nullptr;
  payload.get_extension(job);
  const double peak = job ? peakFlops(job->datatype) : 0.0;
  if (!job || !payload.is_write() || peak <= 0.0 || !(job->flops >= 0.0)) {
    payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  // One job at a time, in arrival order (the orchestrator issues a die's jobs in time order).
  const auto now = nowPs();
  const Picoseconds start = std::max(now + static_cast<Picoseconds>(delay.value()), busy_until_);
  const Picoseconds duration = toPs(job->flops / (peak * efficiency_));
  busy_until_ = start + duration;
  job->started_ps = start;
  job->finished_ps = busy_until_;
  delay = sc_core::sc_time::from_value(busy_until_ - now);
  ++jobs_done_;
  flops_[slot(job->datatype)] += job->flops;
  busy_ps_ += duration;
  if (TraceWriter* tracer = trace(); tracer && duration > 0) {
    const TraceFlowScope flow(tracer, payload);  // the sender's job flow
    tracer->step(flow.id(), traceTrack(), datatypeName(job->datatype), start, duration);
  }
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

void DieComputeEngine::reportStats(ModuleStats& stats) const {
  stats.counter("jobs", jobs_done_, "", "Die jobs computed");
  stats.value("flops.bf16", flops_[0], "FLOP", "BF16 floating-point operations computed");
  stats.value("flops.fp8", flops_[1], "FLOP", "FP8 floating-point operations computed");
  stats.value("busy_time", static_cast<double>(busy_ps_) * 1e-12, "s",
              "Time spent computing (sum of job durations)");
  stats.action("bf16_flop", static_cast<std::uint64_t>(std::llround(flops_[0])));
  stats.action("fp8_flop", static_cast<std::uint64_t>(std::llround(flops_[1])));
}

void registerDieComputeEngine(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "die_compute_engine";
  info.description =
      "Compute engine of a wafer die (issue 13): die jobs (models/wafer_moe/die_job.h) on "
      "`jobs`, each busy for FLOPs / (peak of its datatype x efficiency), in order; energy per "
      "FLOP and static power (preset die_compute_b200)";
  auto& s = info.params;
  s.quantity("peak_bf16", dims::computeRate(), "Peak rate in BF16 ([S4] B200 dense)")
      .byDefault("2250 TFLOPS")
      .above(0);
  s.quantity("peak_fp8", dims::computeRate(),
             "Peak rate in FP8 ([I] B200 dense = 2x BF16); 0 = no FP8 (jobs in FP8 are refused)")
      .byDefault("4500 TFLOPS")
      .atLeast(0);
  s.real("efficiency", "Achievable fraction of peak on the expert and attention GEMMs [I]")
      .byDefault("0.7")
      .above(0)
      .atMost(1);
  info.ports.push_back({"jobs", PortDirection::kTarget, "Die jobs (DieJobExtension)", true});
  info.energy_actions.push_back({"bf16_flop", "one BF16 floating-point operation"});
  info.energy_actions.push_back({"fp8_flop", "one FP8 floating-point operation"});
  registry.add<DieComputeEngine>(std::move(info));
}

}  // namespace spatialvp::models::wafer_moe
