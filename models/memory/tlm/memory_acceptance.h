#pragma once
// When a memory target accepted a request (took it into its queue), for initiators that issue
// their next request only after the previous one was accepted (a TLM-2.0 END_REQ in
// approximately-timed terms). The initiator attaches the extension and keeps ownership; a
// target that models a bounded request buffer sets `accepted` in b_transport (as a delay
// relative to sc_time_stamp(), like the returned completion delay); targets that know nothing
// of it leave it alone, and the initiator then treats the request as accepted on arrival.
#include <tlm>

namespace spatialvp::models {

class MemoryAcceptanceExtension : public tlm::tlm_extension<MemoryAcceptanceExtension> {
 public:
  tlm::tlm_extension_base* clone() const override { return new MemoryAcceptanceExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const MemoryAcceptanceExtension&>(other);
  }

  // Delay from sc_time_stamp() at which the request was accepted; `valid` only once a target
  // set it (the initiator clears it before every request).
  sc_core::sc_time accepted = sc_core::SC_ZERO_TIME;
  bool valid = false;
};

}  // namespace spatialvp::models
