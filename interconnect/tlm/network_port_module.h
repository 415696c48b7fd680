#pragma once
// The `network_port` module type: a die's (or device's) network interface between its DMA and
// the network. Transactions entering `tx` leave through `out` (into the network), those entering
// `in` (from the network) leave through `rx` (into the die's receive buffer); each way adds the
// port's `latency`. It holds no bandwidth of its own: the network's local port (a mesh's
// `local_port`, a switch's per-device bandwidth) owns that. A vendor's NI (packetisation,
// protocol overhead, its own DMA queue) replaces it by type name with the same four ports.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"
#include "platform/sim/platform_view.h"

namespace spatialvp::interconnect {

class NetworkPortModule : public Module, public PassThroughPorts {
 public:
  NetworkPortModule(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;

  std::optional<PortRef> forwardsTo(const std::string& target_port,
                                    std::size_t index) const override;
  std::optional<PortRef> forwardedFrom(const std::string& initiator_port,
                                       std::size_t index) const override;

 private:
  struct Direction {
    std::uint64_t transactions = 0;
    std::uint64_t bytes = 0;
  };

  void b_transport(int way, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(int way, tlm::tlm_generic_payload& payload);

  sc_core::sc_time latency_;
  tlm_utils::simple_target_socket_tagged<NetworkPortModule> tx_{"tx"};
  tlm_utils::simple_initiator_socket<NetworkPortModule> out_{"out"};
  tlm_utils::simple_target_socket_tagged<NetworkPortModule> in_{"in"};
  tlm_utils::simple_initiator_socket<NetworkPortModule> rx_{"rx"};
  Direction sent_;      // tx -> out
  Direction received_;  // in -> rx
};

void registerNetworkPortModule(ModuleRegistry& registry);

}  // namespace spatialvp::interconnect
