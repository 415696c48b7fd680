#pragma once
// The `crossbar_switch` module type: a single-hop switch (NVLink-switch class) joining `ports`
// devices. Device g has one port with two directions: toward the switch and from the switch,
// each a ContentionTimeline at `bandwidth` (per direction). A write from in[i] to out[j]'s
// address window holds i's uplink for bytes / bandwidth, then j's downlink (no earlier than the
// uplink start + `latency`), so the data is delivered at downlink start + bytes / bandwidth;
// the acknowledgement costs `latency`. Reads are the mirror image (data on j's uplink and i's
// downlink). Out-port j's window is [window_base + j * window_stride, + window_stride); the
// address is forwarded as the offset in that window. Loosely timed: never waits.
// Two levels (a DGX-class cluster): with `node_size` n > 0, devices i and j with i / n != j / n
// sit in different nodes, and their traffic leaves through i's scale-out port (NIC) and enters
// through j's, each direction a ContentionTimeline at `scale_out_bandwidth`, with
// `scale_out_latency` between them (a non-blocking scale-out fabric: only the per-device NICs
// contend). Traffic inside a node uses the NVLink ports as above.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <memory>
#include <vector>

#include "platform/core/contention_timeline.h"
#include "platform/sim/address_window.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::interconnect {

class CrossbarSwitchModule : public Module, public AddressDecoder {
 public:
  CrossbarSwitchModule(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  std::size_t portWidth(const std::string& port) const override;
  void reportStats(ModuleStats& stats) const override;
  // out[j]'s window, for the modules that address devices through it (checked once bound).
  std::optional<Route> routeOf(std::uint64_t address) const override;
  std::string whereRangesWritten() const override;

 private:
  // The out port whose window holds `address` (none: outside every window).
  std::optional<std::size_t> portOf(std::uint64_t address) const;
  struct Direction {
    ContentionTimeline line;
    std::uint64_t bytes = 0;
  };
  struct PortState {
    Direction up;              // device -> switch
    Direction down;            // switch -> device
    Direction scale_out_up;    // device -> scale-out fabric (NIC)
    Direction scale_out_down;  // scale-out fabric -> device
  };

  void b_transport(int input, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(int input, tlm::tlm_generic_payload& payload);
  // Data from device `from` to device `to`, ready at `ready`; returns its delivery time.
  Picoseconds move(std::size_t from, std::size_t to, std::uint64_t bytes, Picoseconds ready);
  bool sameNode(std::size_t a, std::size_t b) const {
    return node_size_ == 0 || a / node_size_ == b / node_size_;
  }

  std::size_t ports_;
  double bandwidth_;
  Picoseconds latency_;
  std::size_t node_size_;  // 0 = one node
  double scale_out_bandwidth_;
  Picoseconds scale_out_latency_;
  std::uint64_t window_base_;
  std::uint64_t window_stride_;
  std::vector<PortState> state_;
  std::vector<std::unique_ptr<tlm_utils::simple_target_socket_tagged<CrossbarSwitchModule>>> in_;
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<CrossbarSwitchModule>>> out_;
  std::uint64_t transactions_ = 0;
  std::uint64_t decode_errors_ = 0;
};

void registerCrossbarSwitchModule(ModuleRegistry& registry);

}  // namespace spatialvp::interconnect
