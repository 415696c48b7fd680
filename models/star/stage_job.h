#pragma once
// The TLM extension that carries one tile-stage of work from a STAR controller (or the
// Spatial-STAR orchestrator) to a unit, and the helper that sends it. The generic payload
// itself is a 1-byte write to the unit's job port; the extension says what to compute, so
// units stay ordinary TLM targets that a protocol checker can watch.
#include <string>
#include <tlm>

#include "models/star/functional_tile.h"
#include "platform/core/contention_timeline.h"
#include "platform/core/trace_writer.h"
#include "workloads/star/tiling_planner.h"

namespace spatialvp::models::star {

struct StageJobExtension : tlm::tlm_extension<StageJobExtension> {
  const spatialvp::star::StageWork* work = nullptr;
  // Functional mode only: the tile's data; the unit computes its stage on it (no timing effect).
  const FunctionalJob* functional = nullptr;
  // Filled by the unit: when the job started computing (ps, absolute simulated time).
  std::uint64_t started_ps = 0;

  tlm::tlm_extension_base* clone() const override { return new StageJobExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const StageJobExtension&>(other);
  }
};

struct StageJobTiming {
  Picoseconds started = 0;   // when the unit began the job
  Picoseconds finished = 0;  // when it completed (absolute simulated time)
};

// Sends `work` to `unit`, ready no earlier than `ready` (absolute ps, not before now). A unit
// that rejects the job raises a SystemC error naming `sender`. `functional` (optional) carries
// the tile's data in functional mode. With a traced `site` the job is a span there (ready to
// finished), joined by a flow arrow to the unit's span.
StageJobTiming sendStageJob(tlm::tlm_fw_transport_if<>& unit,
                            const spatialvp::star::StageWork& work, Picoseconds ready,
                            const std::string& sender, const FunctionalJob* functional = nullptr,
                            TraceSite site = {});

// The STAR unit that runs a pipeline stage: 0 DLZS, 1 SADS, 2 KV generation (and the Q
// projection: both are exact 16-bit MACs on the PE array), 3 SU-FA (tile synchronisation and
// the O update run on the SU-FA lines too).
std::size_t stageUnit(spatialvp::star::PipelineStage stage);

}  // namespace spatialvp::models::star
