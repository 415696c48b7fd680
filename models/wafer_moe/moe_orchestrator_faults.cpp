// The wafer MoE orchestrator on a faulty wafer (README "Faults"). The mesh owns the fault map;
// once bound, the orchestrator adopts it: routes and link bandwidths follow the mesh, TP groups
// with a member that cannot compute get no tokens, experts are placed only on dies that can
// compute, and the resident bytes are counted again for the denser placement (checked against
// the HBM modules' capacity afterwards, moe_orchestrator_memories.cpp).
#include "interconnect/tlm/mesh_topology_source.h"
#include "models/wafer_moe/moe_orchestrator.h"

namespace spatialvp::models::wafer_moe {

void MoeOrchestrator::adoptFaults(const interconnect::MeshTopologySource& mesh) {
  const interconnect::WaferFaults& faults = mesh.faults();
  if (faults.empty())
    return;
  topology_->adoptFaults(faults);
  mapping_->adoptFaults();
  const std::string where = mesh.whereWritten("faults.dead_dies") + ", " +
                            mesh.whereWritten("faults.die_density") + ", " +
                            mesh.whereWritten("faults.hbm_density");
  std::vector<std::vector<int>> domains;
  for (int d = 0; d < mapping_->domainCount(); ++d) {
    if (mapping_->expertDies(d).empty()) {
      params().fail("mapping", "the faults leave EP domain " + std::to_string(d) +
                                   " no die that can host an expert (" + where + ")");
    }
    domains.push_back(mapping_->expertDies(d));
  }
  if (mapping_->liveGroupCount() == 0) {
    params().fail("mapping",
                  "the faults leave no TP group whose dies can all compute (" + where + ")");
  }
  const int shadow = placements_.front().slotsPerDie() - placements_.front().primarySlots();
  placements_.clear();
  for (int layer = 0; layer < layers_; ++layer)
    placements_.emplace_back(domains, dies_, model_.routed_experts, shadow);
  computeResidentBytes(placements_.front().slotsPerDie());
  tokens_per_iteration_ *=
      static_cast<double>(mapping_->liveGroupCount()) / static_cast<double>(mapping_->groupCount());
}

void MoeOrchestrator::reportFaults(ModuleStats& stats) const {
  if (!mesh_network_ || topology_->faults().empty())
    return;
  const interconnect::WaferFaults& faults = topology_->faults();
  const auto count = [&](const char* name, int value, const char* unit, const char* what) {
    stats.counter(std::string("faults.") + name, static_cast<std::uint64_t>(value), unit, what);
  };
  count("dead_dies", faults.deadDies(), "dies", "Dead dies (mesh fault map)");
  count("dead_links", faults.deadLinks(), "links", "Dead links, each counted once");
  count("degraded_links", faults.degradedLinks(), "links", "Degraded links, each counted once");
  count("dead_hbm", faults.deadHbm(), "stacks", "Dead HBM stacks on live dies");
  count("live_groups", mapping_->liveGroupCount(), "groups",
        "TP groups whose dies can all compute (the others get no tokens)");
  count("groups", mapping_->groupCount(), "groups", "TP groups on the fault-free wafer");
  int expert_dies = 0;
  for (int d = 0; d < mapping_->domainCount(); ++d)
    expert_dies += static_cast<int>(mapping_->expertDies(d).size());
  count("expert_dies", expert_dies, "dies", "Dies that host experts");
}

}  // namespace spatialvp::models::wafer_moe
