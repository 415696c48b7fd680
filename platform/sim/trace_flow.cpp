#include "platform/sim/trace_flow.h"

namespace spatialvp {

void TraceFlowScope::attach(TraceWriter& writer, tlm::tlm_generic_payload& payload) {
  if (const auto* carried = payload.get_extension<TraceFlowExtension>()) {
    flow_ = carried->flow();
    return;
  }
  carry(payload, writer.newFlow());
}

void TraceFlowScope::carry(tlm::tlm_generic_payload& payload, std::uint64_t flow) {
  if (payload.get_extension<TraceFlowExtension>() != nullptr)
    return;  // an outer scope owns the payload's flow
  flow_ = flow;
  extension_ = TraceFlowExtension(flow_);
  payload.set_extension(&extension_);
  owned_ = &payload;
}

}  // namespace spatialvp
