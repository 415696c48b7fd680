#pragma once
// The `d2d_link` module type: a TLM-2.0 wrapper around the full-duplex D2dLink timing core.
// Transactions entering a_in leave through b_out and those entering b_in leave through a_out;
// each crosses the link twice (request one way, response the other). See interconnect/README.md.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <array>

#include "interconnect/d2d/d2d_link.h"
#include "platform/core/histogram.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::interconnect {

class D2dLinkModule : public Module {
 public:
  D2dLinkModule(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;

 private:
  // Side a sends over kAToB (a_in -> b_out); side b over kBToA (b_in -> a_out).
  struct SideCounters {
    std::uint64_t reads = 0;
    std::uint64_t writes = 0;
    std::uint64_t bytes = 0;
  };

  void b_transport(int side, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(int side, tlm::tlm_generic_payload& payload);

  D2dLink link_;
  std::uint64_t control_bytes_;  // payload of a read request or a write acknowledgement

  tlm_utils::simple_target_socket_tagged<D2dLinkModule> a_in_{"a_in"};
  tlm_utils::simple_target_socket_tagged<D2dLinkModule> b_in_{"b_in"};
  tlm_utils::simple_initiator_socket<D2dLinkModule> a_out_{"a_out"};
  tlm_utils::simple_initiator_socket<D2dLinkModule> b_out_{"b_out"};

  std::array<SideCounters, 2> sides_{};   // by the side the transaction entered
  Histogram link_latency_ns_{1.0, 1000};  // request + response crossing, target excluded
};

void registerD2dLinkModule(ModuleRegistry& registry);

}  // namespace spatialvp::interconnect
