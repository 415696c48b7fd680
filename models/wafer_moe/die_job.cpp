#include "models/wafer_moe/die_job.h"

#include <algorithm>
#include <systemc>

#include "platform/sim/job_transaction.h"

namespace spatialvp::models::wafer_moe {

DieJobTiming sendDieJob(tlm::tlm_fw_transport_if<>& engine, double flops, moe::Datatype datatype,
                        Picoseconds ready, const std::string& sender, TraceSite site) {
  DieJobExtension job;
  job.flops = flops;
  job.datatype = datatype;
  const JobTransactionResult result = sendJobTransaction(engine, job, ready, site.writer);
  if (result.rejected)
    SC_REPORT_ERROR("spatialvp/wafer_moe", (sender + ": die engine rejected a job").c_str());
  if (site.writer != nullptr && result.finished > job.started_ps) {
    // The sender's span of the job: the flow arrow's start, the engine's span its end.
    const Picoseconds from = std::min<Picoseconds>(ready, job.started_ps);
    site.writer->step(result.flow, site.track, datatypeName(datatype), from,
                      result.finished - from);
  }
  return {job.started_ps, result.finished};
}

const char* datatypeName(moe::Datatype datatype) {
  return datatype == moe::Datatype::kFp8 ? "fp8" : "bf16";
}

}  // namespace spatialvp::models::wafer_moe
