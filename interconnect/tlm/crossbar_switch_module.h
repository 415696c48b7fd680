#pragma once
// The `crossbar_switch` module type: a single-hop switch (NVLink-switch class) joining `ports`
// devices. Device g has one port with two directions: toward the switch and from the switch,
// each a ContentionTimeline at `bandwidth` (per direction). A write from in[i] to out[j]'s
// address window holds i's uplink for bytes / bandwidth, then j's downlink (no earlier than the
// uplink start + `latency`), so the data is delivered at downlink start + bytes / bandwidth;
// the acknowledgement costs `latency`. Reads are the mirror image (data on j's uplink and i's
// downlink). Out-port j's window is [window_base + j * window_stride, + window_stride); the
// address is forwarded as the offset in that window. Loosely timed: never waits.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <memory>
#include <vector>

#include "platform/core/contention_timeline.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::interconnect {

class CrossbarSwitchModule : public Module {
 public:
  CrossbarSwitchModule(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  std::size_t portWidth(const std::string& port) const override;
  void reportStats(ModuleStats& stats) const override;

 private:
  struct PortState {
    ContentionTimeline up;    // device -> switch
    ContentionTimeline down;  // switch -> device
    std::uint64_t bytes_up = 0;
    std::uint64_t bytes_down = 0;
  };

  void b_transport(int input, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(int input, tlm::tlm_generic_payload& payload);
  Picoseconds move(PortState& from, PortState& to, std::uint64_t bytes, Picoseconds ready);

  std::size_t ports_;
  double bandwidth_;
  Picoseconds latency_;
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
