#include "models/star/stage_job.h"

#include <algorithm>
#include <systemc>

#include "platform/sim/job_transaction.h"

namespace spatialvp::models::star {

StageJobTiming sendStageJob(tlm::tlm_fw_transport_if<>& unit,
                            const spatialvp::star::StageWork& work, Picoseconds ready,
                            const std::string& sender, const FunctionalJob* functional,
                            TraceSite site) {
  StageJobExtension job;
  job.work = &work;
  job.functional = functional;
  const JobTransactionResult result = sendJobTransaction(unit, job, ready, site.writer);
  if (result.rejected) {
    SC_REPORT_ERROR("spatialvp/star", (sender + ": unit rejected a job").c_str());
  }
  if (site.writer != nullptr) {
    const Picoseconds from = std::min(ready, job.started_ps);
    site.writer->step(result.flow, site.track, spatialvp::star::pipelineStageName(work.stage), from,
                      result.finished - from);
  }
  return {job.started_ps, result.finished};
}

std::size_t stageUnit(spatialvp::star::PipelineStage stage) {
  using spatialvp::star::PipelineStage;
  switch (stage) {
    case PipelineStage::Dlzs:
      return 0;
    case PipelineStage::Sads:
      return 1;
    case PipelineStage::KvGeneration:
    case PipelineStage::QProjection:
      return 2;
    case PipelineStage::SuFa:
    case PipelineStage::Synchronize:
      return 3;
  }
  return 3;
}

}  // namespace spatialvp::models::star
