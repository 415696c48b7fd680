#include "interconnect/tlm/d2d_link_module.h"

#include <cmath>

#include "interconnect/tlm/link_param_schema.h"
#include "platform/sim/kernel_time.h"

namespace spatialvp::interconnect {

namespace {

constexpr int kSideA = 0;
constexpr int kSideB = 1;
constexpr std::uint64_t kRetireEvery = 1024;  // transactions between calendar clean-ups

D2dLinkConfig d2dConfigFrom(const ParamValues& params) {
  D2dLinkConfig config;
  config.link = readLinkParams(params, "");
  config.max_packet_payload_bytes = wholeBytesOf(params, "packet_size", 1ULL << 32);
  const auto problems = config.validate();
  if (!problems.empty()) {
    const CoreProblem first = splitCoreProblem(problems.front());
    // Fields read "d2d.link.<field>" or "d2d.max_packet_payload_bytes".
    const std::string link_prefix = "d2d.link.";
    std::string param = "packet_size";
    if (first.field.rfind(link_prefix, 0) == 0) {
      param = linkParamFor(first.field.substr(link_prefix.size()));
      if (param.empty())
        param = "bandwidth";
    }
    params.fail(param, first.text);
  }
  return config;
}

D2dDirection directionFrom(int side) {
  return side == kSideA ? D2dDirection::kAToB : D2dDirection::kBToA;
}

D2dDirection reverse(D2dDirection direction) {
  return direction == D2dDirection::kAToB ? D2dDirection::kBToA : D2dDirection::kAToB;
}

}  // namespace

D2dLinkModule::D2dLinkModule(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      link_(d2dConfigFrom(params())),
      control_bytes_(wholeBytesOf(params(), "control_size", 1ULL << 32)) {
  a_in_.register_b_transport(this, &D2dLinkModule::b_transport, kSideA);
  a_in_.register_transport_dbg(this, &D2dLinkModule::transport_dbg, kSideA);
  b_in_.register_b_transport(this, &D2dLinkModule::b_transport, kSideB);
  b_in_.register_transport_dbg(this, &D2dLinkModule::transport_dbg, kSideB);
}

InitiatorSocket* D2dLinkModule::initiatorSocket(const std::string& port, std::size_t index) {
  if (index != 0)
    return nullptr;
  if (port == "a_out")
    return &a_out_;
  if (port == "b_out")
    return &b_out_;
  return nullptr;
}

TargetSocket* D2dLinkModule::targetSocket(const std::string& port, std::size_t index) {
  if (index != 0)
    return nullptr;
  if (port == "a_in")
    return &a_in_;
  if (port == "b_in")
    return &b_in_;
  return nullptr;
}

void D2dLinkModule::b_transport(int side, tlm::tlm_generic_payload& payload,
                                sc_core::sc_time& delay) {
  const std::uint64_t length = payload.get_data_length();
  const bool is_read = payload.is_read();
  const bool is_write = payload.is_write();
  // Reads send a small request and get the data back; writes send the data and get an ack.
  const std::uint64_t request_bytes = is_write ? length : control_bytes_;
  const std::uint64_t response_bytes = is_read ? length : control_bytes_;
  const D2dDirection forward = directionFrom(side);

  const TraceFlowScope flow(trace(), payload);
  auto draw = [&](D2dDirection direction, const char* what, const D2dTransferResult& moved,
                  std::uint64_t bytes) {
    TraceArgs args;
    args.bytes = bytes;
    args.address = payload.get_address();
    traceTransfer(direction == D2dDirection::kAToB ? "a_to_b" : "b_to_a", flow.id(), what,
                  moved.start_ps, moved.delivered_ps, args);
  };
  const Picoseconds now = nowPs();
  const Picoseconds arrival = now + delay.value();
  const D2dTransferResult request = link_.transfer(forward, request_bytes, arrival);
  if (trace())
    draw(forward, is_read ? "read request" : "write", request, request_bytes);
  delay = sc_core::sc_time::from_value(request.delivered_ps - now);

  auto& out = side == kSideA ? b_out_ : a_out_;
  out->b_transport(payload, delay);

  // Re-read the time: a misbehaving target might have waited.
  const Picoseconds after = nowPs();
  const Picoseconds responded = after + delay.value();
  const D2dTransferResult response = link_.transfer(reverse(forward), response_bytes, responded);
  if (trace())
    draw(reverse(forward), is_read ? "read data" : "write ack", response, response_bytes);
  delay = sc_core::sc_time::from_value(response.delivered_ps - after);

  const Picoseconds link_ps =
      (request.delivered_ps - arrival) + (response.delivered_ps - responded);
  link_latency_ns_.record(static_cast<double>(link_ps) * 1e-3);
  SideCounters& counters = sides_[static_cast<std::size_t>(side)];
  if (is_read)
    ++counters.reads;
  else if (is_write)
    ++counters.writes;
  counters.bytes += length;
  const std::uint64_t done =
      sides_[0].reads + sides_[0].writes + sides_[1].reads + sides_[1].writes;
  if (done % kRetireEvery == 0)
    link_.retire(now);  // no initiator can present a time before the current kernel time
}

unsigned int D2dLinkModule::transport_dbg(int side, tlm::tlm_generic_payload& payload) {
  auto& out = side == kSideA ? b_out_ : a_out_;
  return out->transport_dbg(payload);
}

void D2dLinkModule::reportStats(ModuleStats& stats) const {
  const double simulated_seconds = sc_core::sc_time_stamp().to_seconds();
  const char* side_names[2] = {"a_in", "b_in"};
  for (std::size_t side = 0; side < 2; ++side) {
    const std::string prefix = side_names[side];
    stats.counter(prefix + ".reads", sides_[side].reads, "transactions",
                  "Read transactions entering at " + prefix);
    stats.counter(prefix + ".writes", sides_[side].writes, "transactions",
                  "Write transactions entering at " + prefix);
    stats.counter(prefix + ".bytes", sides_[side].bytes, "B",
                  "Data bytes of transactions entering at " + prefix);
  }
  double wire_bits = 0.0;
  const std::pair<D2dDirection, const char*> directions[2] = {{D2dDirection::kAToB, "a_to_b"},
                                                              {D2dDirection::kBToA, "b_to_a"}};
  for (const auto& [direction, name] : directions) {
    const D2dDirectionCounters& counters = link_.counters(direction);
    const std::string prefix = name;
    const double busy = static_cast<double>(counters.busy_ps) * 1e-12;
    stats.counter(prefix + ".transfers", counters.transfers, "transfers",
                  "Requests and responses sent in this direction");
    stats.counter(prefix + ".packets", counters.packets, "packets", "Packets sent");
    stats.counter(prefix + ".bytes", counters.payload_bytes, "B", "Payload bytes sent");
    stats.counter(prefix + ".wire_bytes", counters.wire_bytes, "B",
                  "Wire bytes sent (payload, headers, flit framing)");
    stats.value(prefix + ".busy_time", busy, "s", "Time the direction spent serialising");
    stats.value(prefix + ".utilisation", simulated_seconds > 0 ? busy / simulated_seconds : 0.0, "",
                "Busy time / simulated time");
    wire_bits += counters.wireBits();
  }
  stats.histogram("link_latency", link_latency_ns_, "ns",
                  "Per transaction: request and response crossing the link (target time excluded)");
  stats.headline("mean_link_latency", link_latency_ns_.mean(), "ns",
                 "Mean time a transaction spends crossing the link (both ways)");
  stats.action("bit", static_cast<std::uint64_t>(std::llround(wire_bits)));
}

void registerD2dLinkModule(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "d2d_link";
  info.description =
      "Full-duplex die-to-die link: a_in -> b_out and b_in -> a_out, request and response each "
      "cross it";
  declareLinkParams(info.params, "", {"100 GB/s", "2 ns", "16 B"}, "the link");
  info.params.quantity("packet_size", dims::data(), "Largest payload per packet")
      .byDefault("256 B")
      .above(0);
  info.params
      .quantity("control_size", dims::data(),
                "Payload of a read request or write acknowledgement packet (header added on top)")
      .byDefault("0 B")
      .atLeast(0);
  info.ports.push_back(
      {"a_in", PortDirection::kTarget, "Side a's initiators; leaves at b_out", true});
  info.ports.push_back({"b_out", PortDirection::kInitiator, "Targets on side b", true});
  info.ports.push_back(
      {"b_in", PortDirection::kTarget, "Side b's initiators; leaves at a_out", true});
  info.ports.push_back({"a_out", PortDirection::kInitiator, "Targets on side a", true});
  info.energy_actions.push_back({"bit", "one wire bit over the link (either direction)", "0 J"});
  registry.add<D2dLinkModule>(std::move(info));
}

}  // namespace spatialvp::interconnect
