#include "models/star/stage_job.h"

#include <systemc>

namespace spatialvp::models::star {

StageJobTiming sendStageJob(tlm::tlm_fw_transport_if<>& unit,
                            const spatialvp::star::StageWork& work, Picoseconds ready,
                            const std::string& sender, const FunctionalJob* functional) {
  unsigned char dummy = 0;
  tlm::tlm_generic_payload payload;
  StageJobExtension job;
  job.work = &work;
  job.functional = functional;
  // The payload deletes extensions still attached when it is destroyed; detach ours first,
  // also when a unit's error unwinds through here.
  struct Detach {
    tlm::tlm_generic_payload& payload;
    StageJobExtension& job;
    ~Detach() { payload.clear_extension(&job); }
  } detach{payload, job};
  payload.set_command(tlm::TLM_WRITE_COMMAND);
  payload.set_address(0);
  payload.set_data_ptr(&dummy);
  payload.set_data_length(1);
  payload.set_streaming_width(1);
  payload.set_byte_enable_ptr(nullptr);
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  payload.set_extension(&job);
  const auto now = static_cast<Picoseconds>(sc_core::sc_time_stamp().value());
  sc_core::sc_time delay = sc_core::sc_time::from_value(ready > now ? ready - now : 0);
  unit.b_transport(payload, delay);
  if (payload.is_response_error()) {
    SC_REPORT_ERROR("spatialvp/star", (sender + ": unit rejected a job").c_str());
  }
  // After the call: a unit may wait() inside b_transport (TLM-2.0 allows it).
  const auto after = static_cast<Picoseconds>(sc_core::sc_time_stamp().value());
  return {job.started_ps, after + static_cast<Picoseconds>(delay.value())};
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
