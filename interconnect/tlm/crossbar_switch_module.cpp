#include "interconnect/tlm/crossbar_switch_module.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace spatialvp::interconnect {

namespace {

constexpr std::uint64_t kRetireEvery = 1024;  // transactions between calendar clean-ups

Picoseconds nowPs() {
  return static_cast<Picoseconds>(sc_core::sc_time_stamp().value());
}

}  // namespace

CrossbarSwitchModule::CrossbarSwitchModule(sc_core::sc_module_name name,
                                           const ModuleContext& context)
    : Module(name, context),
      ports_(static_cast<std::size_t>(params().integer("ports"))),
      bandwidth_(params().quantity("bandwidth")),
      latency_(static_cast<Picoseconds>(std::llround(params().quantity("latency") * 1e12))),
      window_base_(static_cast<std::uint64_t>(params().integer("window_base"))),
      window_stride_(static_cast<std::uint64_t>(std::llround(params().quantity("window_stride")))),
      state_(ports_) {
  for (std::size_t i = 0; i < ports_; ++i) {
    in_.push_back(std::make_unique<tlm_utils::simple_target_socket_tagged<CrossbarSwitchModule>>(
        ("in_" + std::to_string(i)).c_str()));
    in_.back()->register_b_transport(this, &CrossbarSwitchModule::b_transport, static_cast<int>(i));
    in_.back()->register_transport_dbg(this, &CrossbarSwitchModule::transport_dbg,
                                       static_cast<int>(i));
    out_.push_back(std::make_unique<tlm_utils::simple_initiator_socket<CrossbarSwitchModule>>(
        ("out_" + std::to_string(i)).c_str()));
  }
}

InitiatorSocket* CrossbarSwitchModule::initiatorSocket(const std::string& port, std::size_t index) {
  return port == "out" && index < out_.size() ? out_[index].get() : nullptr;
}

TargetSocket* CrossbarSwitchModule::targetSocket(const std::string& port, std::size_t index) {
  return port == "in" && index < in_.size() ? in_[index].get() : nullptr;
}

std::size_t CrossbarSwitchModule::portWidth(const std::string& port) const {
  return port == "in" || port == "out" ? ports_ : 0;
}

Picoseconds CrossbarSwitchModule::move(PortState& from, PortState& to, std::uint64_t bytes,
                                       Picoseconds ready) {
  const Picoseconds serial = transferTime(bytes, bandwidth_);
  const Picoseconds up = from.up.reserve(ready, serial);
  const Picoseconds down = to.down.reserve(up + latency_, serial);
  from.bytes_up += bytes;
  to.bytes_down += bytes;
  return down + serial;
}

void CrossbarSwitchModule::b_transport(int input, tlm::tlm_generic_payload& payload,
                                       sc_core::sc_time& delay) {
  const std::uint64_t address = payload.get_address();
  if (address < window_base_ || (address - window_base_) / window_stride_ >= ports_) {
    ++decode_errors_;
    payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const std::size_t target = static_cast<std::size_t>((address - window_base_) / window_stride_);
  const std::uint64_t bytes = payload.get_data_length();
  const Picoseconds now = nowPs();
  Picoseconds at = now + static_cast<Picoseconds>(delay.value());
  PortState& source = state_[static_cast<std::size_t>(input)];
  PortState& sink = state_[target];
  if (payload.is_write())
    at = move(source, sink, bytes, at);
  else
    at += latency_;  // read request
  payload.set_address((address - window_base_) % window_stride_);
  sc_core::sc_time target_delay = sc_core::sc_time::from_value(at - now);
  (*out_[target])->b_transport(payload, target_delay);
  payload.set_address(address);
  at = now + static_cast<Picoseconds>(target_delay.value());
  if (payload.is_read())
    at = move(sink, source, bytes, at);
  else
    at += latency_;  // acknowledgement
  delay = sc_core::sc_time::from_value(at - now);
  if (++transactions_ % kRetireEvery == 0) {
    for (PortState& port : state_) {
      port.up.retire(now);
      port.down.retire(now);
    }
  }
}

unsigned int CrossbarSwitchModule::transport_dbg(int input, tlm::tlm_generic_payload& payload) {
  (void)input;
  const std::uint64_t address = payload.get_address();
  if (address < window_base_ || (address - window_base_) / window_stride_ >= ports_)
    return 0;
  const std::size_t target = static_cast<std::size_t>((address - window_base_) / window_stride_);
  payload.set_address((address - window_base_) % window_stride_);
  const unsigned int count = (*out_[target])->transport_dbg(payload);
  payload.set_address(address);
  return count;
}

void CrossbarSwitchModule::reportStats(ModuleStats& stats) const {
  stats.counter("transactions", transactions_, "transactions", "Transactions switched");
  stats.counter("decode_errors", decode_errors_, "transactions", "Accesses to unmapped addresses");
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < ports_; ++i) {
    const PortState& port = state_[i];
    total += port.bytes_up;
    if (port.bytes_up == 0 && port.bytes_down == 0)
      continue;
    const std::string name = "port" + std::to_string(i);
    stats.counter(name + ".bytes_up", port.bytes_up, "B", "Bytes from the device to the switch");
    stats.counter(name + ".bytes_down", port.bytes_down, "B",
                  "Bytes from the switch to the device");
  }
  stats.counter("bytes", total, "B", "Bytes switched");
}

void registerCrossbarSwitchModule(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "crossbar_switch";
  info.description =
      "Single-hop switch (NVLink-switch class): per-device port with an up and a down direction "
      "of `bandwidth` each; out[j] owns window j of `window_stride` bytes from `window_base`";
  auto& schema = info.params;
  schema.integer("ports", "Devices attached (in[i] and out[i] per device)")
      .byDefault("72")
      .atLeast(1)
      .atMost(65536);
  schema.quantity("bandwidth", dims::bandwidth(), "Per device port, per direction")
      .byDefault("900 GB/s")
      .above(0);
  schema.quantity("latency", dims::time(), "Switch traversal (uplink start to downlink start)")
      .byDefault("1 us")
      .atLeast(0);
  schema.integer("window_base", "Address of out[0]'s window").byDefault("0").atLeast(0);
  schema.quantity("window_stride", dims::data(), "Size of each out[j] window")
      .byDefault("1 GiB")
      .above(0);
  info.ports.push_back({"in", PortDirection::kTarget, "Device i's injection (indexed)", true});
  info.ports.push_back(
      {"out", PortDirection::kInitiator, "Device j's receive window (indexed)", true});
  registry.add<CrossbarSwitchModule>(std::move(info));
}

}  // namespace spatialvp::interconnect
