#pragma once
// Address decoder/router: N input target sockets, one output initiator socket per address
// range. Adds a fixed traversal latency and per-output bandwidth contention, translates the
// address to the range's local offset, and answers unmapped addresses with an address error.
// b_transport and nb_transport are forwarded as they come (NbForwarder): an initiator keeping
// several requests in flight through nb_transport keeps them in flight at the target.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <memory>
#include <vector>

#include "interconnect/tlm/nb_forwarder.h"
#include "platform/core/contention_timeline.h"
#include "platform/sim/address_window.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::interconnect {

class AddressRouter : public Module, public AddressDecoder {
 public:
  AddressRouter(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  std::size_t portWidth(const std::string& port) const override;
  void reportStats(ModuleStats& stats) const override;
  // Its ranges, for windows checked at elaboration (platform/sim/address_window.h).
  std::optional<Route> routeOf(std::uint64_t address) const override;
  std::string whereRangesWritten() const override;
  // Checks that each range exists behind its output (memory capacity, further decoders).
  void connected(const PlatformView& view) override;

 private:
  struct Range {
    std::uint64_t base;
    std::uint64_t size;
  };
  void b_transport(int input, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(int input, tlm::tlm_generic_payload& payload);
  int decode(std::uint64_t address, std::uint64_t length) const;
  // Decodes a request and books its output's bandwidth: the output, or -1 (address error set).
  // `arrival` is when it reaches the target (absolute); `flow` is its trace flow.
  int route(tlm::tlm_generic_payload& payload, const sc_core::sc_time& delay, std::uint64_t flow,
            Picoseconds& arrival);

  // nb_transport, forwarded as it comes (interconnect/tlm/nb_forwarder.h).
  tlm::tlm_sync_enum nb_transport_fw(int input, tlm::tlm_generic_payload& payload,
                                     tlm::tlm_phase& phase, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int output, tlm::tlm_generic_payload& payload,
                                     tlm::tlm_phase& phase, sc_core::sc_time& delay) {
    return forwarder_->backward(static_cast<std::size_t>(output), payload, phase, delay);
  }

  std::vector<std::unique_ptr<tlm_utils::simple_target_socket_tagged<AddressRouter>>> inputs_;
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket_tagged<AddressRouter>>> outputs_;
  std::unique_ptr<NbForwarder> forwarder_;
  std::vector<Range> ranges_;
  std::vector<ContentionTimeline> output_ports_;
  Picoseconds latency_;
  double bandwidth_;

  std::vector<std::uint64_t> forwarded_;
  std::vector<std::uint64_t> forwarded_bytes_;
  std::uint64_t decode_errors_ = 0;
};

void registerAddressRouter(ModuleRegistry& registry);

}  // namespace spatialvp::interconnect
