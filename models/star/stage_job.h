#pragma once
// The TLM extension that carries one tile-stage of work from the STAR controller to a unit.
// The generic payload itself is a 1-byte write to the unit's job port; the extension says
// what to compute, so units stay ordinary TLM targets that a protocol checker can watch.
#include <tlm>

#include "workloads/star/tiling_planner.h"

namespace spatialvp::models::star {

struct StageJobExtension : tlm::tlm_extension<StageJobExtension> {
  const spatialvp::star::StageWork* work = nullptr;
  // Filled by the unit: when the job started computing (ps, absolute simulated time).
  std::uint64_t started_ps = 0;

  tlm::tlm_extension_base* clone() const override { return new StageJobExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const StageJobExtension&>(other);
  }
};

}  // namespace spatialvp::models::star
