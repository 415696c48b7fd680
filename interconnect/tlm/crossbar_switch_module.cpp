#include "interconnect/tlm/crossbar_switch_module.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "platform/sim/kernel_time.h"

namespace spatialvp::interconnect {

namespace {

constexpr std::uint64_t kRetireEvery = 1024;  // transactions between calendar clean-ups

}  // namespace

CrossbarSwitchModule::CrossbarSwitchModule(sc_core::sc_module_name name,
                                           const ModuleContext& context)
    : Module(name, context),
      ports_(static_cast<std::size_t>(params().integer("ports"))),
      bandwidth_(params().quantity("bandwidth")),
      latency_(static_cast<Picoseconds>(std::llround(params().quantity("latency") * 1e12))),
      node_size_(static_cast<std::size_t>(params().integer("node_size"))),
      scale_out_bandwidth_(params().quantity("scale_out_bandwidth")),
      scale_out_latency_(
          static_cast<Picoseconds>(std::llround(params().quantity("scale_out_latency") * 1e12))),
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

std::optional<std::size_t> CrossbarSwitchModule::portOf(std::uint64_t address) const {
  if (address < window_base_ || (address - window_base_) / window_stride_ >= ports_)
    return std::nullopt;
  return static_cast<std::size_t>((address - window_base_) / window_stride_);
}

std::optional<AddressDecoder::Route> CrossbarSwitchModule::routeOf(std::uint64_t address) const {
  const auto port = portOf(address);
  if (!port)
    return std::nullopt;
  return Route{"out", *port, window_base_ + *port * window_stride_, window_stride_, true};
}

std::string CrossbarSwitchModule::whereRangesWritten() const {
  return params().whereWritten("window_stride");
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

Picoseconds CrossbarSwitchModule::move(std::size_t from, std::size_t to, std::uint64_t bytes,
                                       Picoseconds ready) {
  const bool local = sameNode(from, to);
  const double bandwidth = local ? bandwidth_ : scale_out_bandwidth_;
  Direction& up = local ? state_[from].up : state_[from].scale_out_up;
  Direction& down = local ? state_[to].down : state_[to].scale_out_down;
  const Picoseconds serial = transferTime(bytes, bandwidth);
  const Picoseconds start = up.line.reserve(ready, serial);
  const Picoseconds delivered =
      down.line.reserve(start + (local ? latency_ : scale_out_latency_), serial);
  up.bytes += bytes;
  down.bytes += bytes;
  return delivered + serial;
}

void CrossbarSwitchModule::b_transport(int input, tlm::tlm_generic_payload& payload,
                                       sc_core::sc_time& delay) {
  const std::uint64_t address = payload.get_address();
  const auto decoded = portOf(address);
  if (!decoded) {
    ++decode_errors_;
    payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const std::size_t target = *decoded;
  const std::uint64_t bytes = payload.get_data_length();
  const Picoseconds now = nowPs();
  Picoseconds at = now + static_cast<Picoseconds>(delay.value());
  const auto source = static_cast<std::size_t>(input);
  const Picoseconds hop = sameNode(source, target) ? latency_ : scale_out_latency_;
  const TraceFlowScope flow(trace(), payload);
  // Traced runs: data moved from port `from` to port `to` over [ready, done).
  auto draw = [&](std::size_t from, std::size_t to, Picoseconds ready, Picoseconds done) {
    TraceArgs args;
    args.bytes = bytes;
    args.address = address;
    args.source = "port" + std::to_string(from);
    args.destination = "port" + std::to_string(to);
    traceTransfer(args.source + ".up", flow.id(), "data", ready, done, args);
    traceTransfer(args.destination + ".down", flow.id(), "data", ready, done, args);
  };
  if (payload.is_write()) {
    const Picoseconds ready = at;
    at = move(source, target, bytes, at);
    if (trace())
      draw(source, target, ready, at);
  } else {
    at += hop;  // read request
  }
  payload.set_address((address - window_base_) % window_stride_);
  sc_core::sc_time target_delay = sc_core::sc_time::from_value(at - now);
  (*out_[target])->b_transport(payload, target_delay);
  payload.set_address(address);
  at = now + static_cast<Picoseconds>(target_delay.value());
  if (payload.is_read()) {
    const Picoseconds ready = at;
    at = move(target, source, bytes, at);
    if (trace())
      draw(target, source, ready, at);
  } else {
    at += hop;  // acknowledgement
  }
  delay = sc_core::sc_time::from_value(at - now);
  if (++transactions_ % kRetireEvery == 0) {
    for (PortState& port : state_) {
      for (Direction* direction : {&port.up, &port.down, &port.scale_out_up, &port.scale_out_down})
        direction->line.retire(now);
    }
  }
}

unsigned int CrossbarSwitchModule::transport_dbg(int input, tlm::tlm_generic_payload& payload) {
  (void)input;
  const std::uint64_t address = payload.get_address();
  const auto target = portOf(address);
  if (!target)
    return 0;
  payload.set_address((address - window_base_) % window_stride_);
  const unsigned int count = (*out_[*target])->transport_dbg(payload);
  payload.set_address(address);
  return count;
}

void CrossbarSwitchModule::reportStats(ModuleStats& stats) const {
  stats.counter("transactions", transactions_, "transactions", "Transactions switched");
  stats.counter("decode_errors", decode_errors_, "transactions", "Accesses to unmapped addresses");
  std::uint64_t total = 0;
  std::uint64_t scale_out_total = 0;
  for (std::size_t i = 0; i < ports_; ++i) {
    const PortState& port = state_[i];
    total += port.up.bytes + port.scale_out_up.bytes;
    scale_out_total += port.scale_out_up.bytes;
    const std::string name = "port" + std::to_string(i);
    if (port.up.bytes != 0 || port.down.bytes != 0) {
      stats.counter(name + ".bytes_up", port.up.bytes, "B", "Bytes from the device to the switch");
      stats.counter(name + ".bytes_down", port.down.bytes, "B",
                    "Bytes from the switch to the device");
    }
    if (port.scale_out_up.bytes != 0 || port.scale_out_down.bytes != 0) {
      stats.counter(name + ".scale_out_bytes_up", port.scale_out_up.bytes, "B",
                    "Bytes from the device to the scale-out fabric");
      stats.counter(name + ".scale_out_bytes_down", port.scale_out_down.bytes, "B",
                    "Bytes from the scale-out fabric to the device");
    }
  }
  stats.counter("bytes", total, "B", "Bytes switched");
  stats.counter("scale_out_bytes", scale_out_total, "B", "Bytes between nodes");
}

void registerCrossbarSwitchModule(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "crossbar_switch";
  info.description =
      "Single-hop switch (NVLink-switch class): per-device port with an up and a down direction "
      "of `bandwidth` each; out[j] owns window j of `window_stride` bytes from `window_base`. "
      "With `node_size` > 0, nodes of that many devices joined by per-device scale-out NICs";
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
  schema
      .integer("node_size",
               "Devices per node (two levels, DGX-class); 0 = every device on this switch")
      .byDefault("0")
      .atLeast(0)
      .atMost(65536);
  schema
      .quantity("scale_out_bandwidth", dims::bandwidth(),
                "Per device NIC, per direction, between nodes (DGX B200: one 400 Gb/s "
                "ConnectX-7 per GPU)")
      .byDefault("50 GB/s")
      .above(0);
  schema
      .quantity("scale_out_latency", dims::time(),
                "Between nodes: NIC send start to NIC receive start [I]")
      .byDefault("2 us")
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
