#pragma once
// The transaction id that trace flow arrows follow, carried through nested b_transport calls
// as a TLM extension: the first traced module that sees a payload (its initiator, or the first
// interconnect) attaches a fresh id and removes it when its call returns; every traced module
// the payload reaches joins its span to that id. With tracing off nothing is attached.
#include <cstdint>
#include <tlm>

#include "platform/core/trace_writer.h"

namespace spatialvp {

class TraceFlowExtension : public tlm::tlm_extension<TraceFlowExtension> {
 public:
  explicit TraceFlowExtension(std::uint64_t flow = 0) : flow_(flow) {}
  tlm::tlm_extension_base* clone() const override { return new TraceFlowExtension(flow_); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    flow_ = static_cast<const TraceFlowExtension&>(other).flow_;
  }
  std::uint64_t flow() const { return flow_; }

 private:
  std::uint64_t flow_;
};

// Inline so that an untraced run pays one pointer compare per transaction and no call.
class TraceFlowScope {
 public:
  TraceFlowScope(TraceWriter* writer, tlm::tlm_generic_payload& payload) {
    if (writer != nullptr)
      attach(*writer, payload);
  }
  ~TraceFlowScope() {
    if (owned_ != nullptr)
      owned_->clear_extension(&extension_);
  }
  TraceFlowScope(const TraceFlowScope&) = delete;
  TraceFlowScope& operator=(const TraceFlowScope&) = delete;

  // 0 when tracing is off.
  std::uint64_t id() const { return flow_; }

 private:
  void attach(TraceWriter& writer, tlm::tlm_generic_payload& payload);
  void carry(tlm::tlm_generic_payload& payload, std::uint64_t flow);

  tlm::tlm_generic_payload* owned_ = nullptr;  // set when this scope attached the extension
  TraceFlowExtension extension_;
  std::uint64_t flow_ = 0;
};

}  // namespace spatialvp
