#pragma once
// One job sent to a compute target as a TLM transaction: a 1-byte write to the target's job port
// carrying `job` (a tlm_extension that says what to compute), ready no earlier than `ready`
// (absolute ps). Shared by the job interfaces (the STAR stage job, the wafer die job) so every
// job port speaks the same LT protocol.
#include <systemc>
#include <tlm>

#include "platform/core/contention_timeline.h"
#include "platform/sim/kernel_time.h"
#include "platform/sim/trace_flow.h"

namespace spatialvp {

struct JobTransactionResult {
  bool rejected = false;     // the target answered with an error response
  Picoseconds finished = 0;  // now + the annotated delay after the call (absolute ps)
  std::uint64_t flow = 0;    // the job's trace flow id (0 when `trace` is null)
};

template <class Extension>
JobTransactionResult sendJobTransaction(tlm::tlm_fw_transport_if<>& target, Extension& job,
                                        Picoseconds ready, TraceWriter* trace = nullptr) {
  unsigned char dummy = 0;
  tlm::tlm_generic_payload payload;
  // The payload deletes extensions still attached when it is destroyed; detach ours first,
  // also when a target's error unwinds through here.
  struct Detach {
    tlm::tlm_generic_payload& payload;
    Extension& job;
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
  const auto now = nowPs();
  sc_core::sc_time delay = sc_core::sc_time::from_value(ready > now ? ready - now : 0);
  const TraceFlowScope flow(trace, payload);
  target.b_transport(payload, delay);
  // After the call: a target may wait() inside b_transport (TLM-2.0 allows it).
  const auto after = nowPs();
  return {payload.is_response_error(), after + static_cast<Picoseconds>(delay.value()), flow.id()};
}

}  // namespace spatialvp
