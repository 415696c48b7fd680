#include "platform/sim/trace_flow.h"

namespace spatialvp {

TraceFlowScope::TraceFlowScope(TraceWriter* writer, tlm::tlm_generic_payload& payload) {
  if (writer == nullptr)
    return;
  if (const auto* carried = payload.get_extension<TraceFlowExtension>()) {
    flow_ = carried->flow();
    return;
  }
  flow_ = writer->newFlow();
  extension_ = TraceFlowExtension(flow_);
  payload.set_extension(&extension_);
  owned_ = &payload;
}

TraceFlowScope::TraceFlowScope(TraceWriter* writer, tlm::tlm_generic_payload& payload,
                               std::uint64_t flow) {
  if (writer == nullptr || flow == 0 || payload.get_extension<TraceFlowExtension>() != nullptr)
    return;
  flow_ = flow;
  extension_ = TraceFlowExtension(flow_);
  payload.set_extension(&extension_);
  owned_ = &payload;
}

TraceFlowScope::~TraceFlowScope() {
  if (owned_ != nullptr)
    owned_->clear_extension(&extension_);
}

}  // namespace spatialvp
