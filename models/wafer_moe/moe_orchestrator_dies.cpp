// The wafer MoE orchestrator against its dies' compute engines: every die's attention and expert
// FLOPs are die jobs (die_job.h) on port compute[i]. The engine owns the die's peak rates and
// efficiency; the orchestrator only checks at elaboration that each compute[i] is an engine that
// computes in the run's datatype (a located error otherwise, not a rejected job mid-run).
#include "models/wafer_moe/die_job.h"
#include "models/wafer_moe/moe_orchestrator.h"

namespace spatialvp::models::wafer_moe {

Picoseconds MoeOrchestrator::computeJob(int die, double flops, Picoseconds at) {
  ++transactions_;
  services().countTransactions(1);
  return sendDieJob(*compute_sockets_[static_cast<std::size_t>(die)]->operator->(), flops,
                    die_.datatype, at, compute_what_, trace() ? traceSite("compute") : TraceSite{})
      .finished;
}

void MoeOrchestrator::connectDies(const PlatformView& view) {
  for (int die = 0; die < dies_; ++die) {
    const auto peer = view.targetOf(*this, "compute", static_cast<std::size_t>(die));
    const auto* engine = peer ? dynamic_cast<const DieComputeFacts*>(peer->module) : nullptr;
    const std::string port = "compute[" + std::to_string(die) + "]";
    if (!engine) {
      params().fail(
          "dies",
          port +
              " must be bound to the `jobs` port of a die compute engine (a type "
              "implementing the die job interface, e.g. die_compute_engine), not " +
              (peer ? peer->module->instanceName() + " (" + peer->module->typeInfo().name + ")"
                    : std::string("nothing")));
    }
    if (engine->peakFlops(die_.datatype) <= 0.0) {
      params().fail("datatype", std::string("die ") + std::to_string(die) + "'s compute engine " +
                                    peer->module->instanceName() + " has no " +
                                    datatypeName(die_.datatype) + " peak");
    }
  }
}

}  // namespace spatialvp::models::wafer_moe
