#include "models/wafer_moe/die_job.h"

#include <systemc>

#include "platform/sim/job_transaction.h"

namespace spatialvp::models::wafer_moe {

DieJobTiming sendDieJob(tlm::tlm_fw_transport_if<>& engine, double flops, moe::Datatype datatype,
                        Picoseconds ready, const std::string& sender) {
  DieJobExtension job;
  job.flops = flops;
  job.datatype = datatype;
  const JobTransactionResult result = sendJobTransaction(engine, job, ready);
  if (result.rejected)
    SC_REPORT_ERROR("spatialvp/wafer_moe", (sender + ": die engine rejected a job").c_str());
  return {job.started_ps, result.finished};
}

const char* datatypeName(moe::Datatype datatype) {
  return datatype == moe::Datatype::kFp8 ? "fp8" : "bf16";
}

}  // namespace spatialvp::models::wafer_moe
