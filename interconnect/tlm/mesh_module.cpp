#include "interconnect/tlm/mesh_module.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

#include "interconnect/mesh/attachment_point.h"
#include "interconnect/tlm/link_param_schema.h"
#include "interconnect/tlm/mesh_fault_params.h"
#include "platform/core/param_choice.h"

namespace spatialvp::interconnect {

namespace {

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

char portLetter(Port port) {
  switch (port) {
    case Port::kEast:
      return 'E';
    case Port::kWest:
      return 'W';
    case Port::kNorth:
      return 'N';
    case Port::kSouth:
      return 'S';
    case Port::kLocal:
      break;
  }
  return 'L';
}

std::string routerName(std::uint32_t x, std::uint32_t y) {
  return "x" + std::to_string(x) + "y" + std::to_string(y);
}

// An attachment point, or the reason it is not one. Forms: "5" (node id, local port),
// "x3y2" (local port of router x=3, y=2), "N3"/"S3" (north/south edge port of column 3),
// "E1"/"W1" (east/west edge port of row 1).
struct Attachment {
  std::optional<Endpoint> endpoint;
  std::string problem;
};

Attachment parseAttachment(const std::string& text, std::uint32_t width, std::uint32_t height) {
  const AttachmentPoint point = parseAttachmentPoint(text, width, height);
  if (point.endpoint)
    return {point.endpoint, ""};
  if (!point.outside.empty()) {
    return {std::nullopt, "'" + text + "': " + point.outside + " is outside the " +
                              std::to_string(width) + "x" + std::to_string(height) +
                              " mesh (x 0.." + std::to_string(width - 1) + ", y 0.." +
                              std::to_string(height - 1) + ")"};
  }
  return {std::nullopt, "'" + text + "' is not an attachment point; write a node id (0.." +
                            std::to_string(width * height - 1) +
                            "), 'x<X>y<Y>' for a node's local port, or an edge port 'N<X>', "
                            "'S<X>' (column X) or 'E<Y>', 'W<Y>' (row Y)"};
}

// Reads a list of attachment points; a bad element is reported at its own position.
std::vector<Endpoint> readAttachments(const ParamValues& params, const std::string& name,
                                      std::uint32_t width, std::uint32_t height) {
  const auto& texts = params.strings(name);
  if (texts.empty())
    params.fail(name, "at least one attachment point is needed");
  const ConfigNode& written = params.value(name).written;
  std::vector<Endpoint> endpoints;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const Attachment attachment = parseAttachment(texts[i], width, height);
    if (!attachment.endpoint) {
      const bool located = written.isSequence() && i < written.items().size();
      if (!located)
        params.fail(name, attachment.problem);
      throw ConfigError(written.items()[i].location(), params.ownerPath() + "." + name,
                        "element " + std::to_string(i) + ": " + attachment.problem);
    }
    endpoints.push_back(*attachment.endpoint);
  }
  return endpoints;
}

// The parameter behind a MeshConfig::validate() field such as "mesh.link.latency_ps".
std::string meshParamFor(const std::string& field) {
  const std::string scoped = field.rfind("mesh.", 0) == 0 ? field.substr(5) : field;
  for (const std::string group : {"link", "local_port", "edge_port", "inter_wafer_link"}) {
    if (scoped.rfind(group + ".", 0) != 0)
      continue;
    const std::string leaf = linkParamFor(scoped.substr(group.size() + 1));
    if (leaf.empty())
      return group == "link" ? "link.bandwidth" : group + ".bandwidth";
    // Ports and inter-wafer links override only bandwidth and latency; framing is `link`'s.
    if (group != "link" && leaf != "bandwidth" && leaf != "latency")
      return "link." + leaf;
    return group + "." + leaf;
  }
  if (scoped.rfind("width", 0) == 0)
    return "width";  // also "width x height"
  if (scoped == "height")
    return "height";
  if (scoped == "router_latency_ps")
    return "router_latency";
  if (scoped == "packet_payload_bytes")
    return "packet_size";
  if (scoped == "input_buffer_bytes")
    return "input_buffer";
  if (scoped == "credit_delay_ps")
    return "credit_delay";
  if (scoped == "allocation_delay_ps")
    return "allocation_delay";
  return scoped;
}

// An override of `link` for ports and inter-wafer links: bandwidth 0 means the link's
// bandwidth; framing is the link's. Inter-wafer links also read latency 0 as the link's (no real
// link between wafers is instantaneous), so an unset group is exactly `link`.
LinkParams linkOverride(const ParamValues& params, const std::string& group, const LinkParams& link,
                        bool zero_latency_is_link) {
  LinkParams result = link;
  const double bandwidth = params.quantity(group + ".bandwidth");
  if (bandwidth > 0)
    result.bandwidth_bytes_per_second = bandwidth;
  const Picoseconds latency = picosecondsOf(params, group + ".latency");
  if (latency > 0 || !zero_latency_is_link)
    result.latency_ps = latency;
  return result;
}

MeshConfig meshConfigFrom(const ParamValues& params) {
  MeshConfig config;
  config.width = static_cast<std::uint32_t>(params.integer("width"));
  config.height = static_cast<std::uint32_t>(params.integer("height"));
  config.routing = paramChoice<RoutingAlgorithm>(
      params, "routing", {{"xy", RoutingAlgorithm::kXY}, {"yx", RoutingAlgorithm::kYX}});
  config.link = readLinkParams(params, "link.");
  config.router_latency_ps = picosecondsOf(params, "router_latency");
  config.packet_payload_bytes = wholeBytesOf(params, "packet_size", 1ULL << 32);
  config.input_buffer_bytes =
      wholeBytesOf(params, "input_buffer", std::numeric_limits<std::uint32_t>::max());
  config.flow_control = paramChoice<FlowControl>(
      params, "flow_control",
      {{"cut_through", FlowControl::kCutThrough}, {"wormhole", FlowControl::kWormhole}});
  config.virtual_channels = static_cast<std::uint32_t>(params.integer("virtual_channels"));
  config.credit_delay_ps = picosecondsOf(params, "credit_delay");
  config.arbitration =
      paramChoice<MeshArbitration>(params, "arbitration",
                                   {{"presentation_order", MeshArbitration::kPresentationOrder},
                                    {"arrival_order", MeshArbitration::kArrivalOrder}});
  config.allocation_delay_ps = picosecondsOf(params, "allocation_delay");
  config.local_port = linkOverride(params, "local_port", config.link, false);
  config.edge_port = linkOverride(params, "edge_port", config.link, false);
  config.wafer_width = static_cast<std::uint32_t>(params.integer("wafer_width"));
  config.wafer_height = static_cast<std::uint32_t>(params.integer("wafer_height"));
  config.inter_wafer_link = linkOverride(params, "inter_wafer_link", config.link, true);
  for (const std::int64_t offset : params.integers("inter_wafer_link_offsets"))
    config.inter_wafer_link_offsets.push_back(static_cast<int>(offset));
  config.faults = readFaultSpec(params, config.width, config.height);
  const auto problems = config.validate();
  if (!problems.empty()) {
    const CoreProblem first = splitCoreProblem(problems.front());
    params.fail(meshParamFor(first.field), first.text);
  }
  return config;
}

}  // namespace

MeshModule::MeshModule(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      network_(buildMeshNetwork(params(), meshConfigFrom(params()))),
      control_bytes_(wholeBytesOf(params(), "control_size", 1ULL << 32)) {
  input_endpoints_ = readAttachments(params(), "in_nodes", network_.width(), network_.height());
  output_endpoints_ = readAttachments(params(), "out_nodes", network_.width(), network_.height());

  const auto& bases = params().integers("out_base_addresses");
  const auto& sizes = params().numbers("out_sizes");
  if (bases.size() != output_endpoints_.size()) {
    params().fail("out_base_addresses", "needs one base address per out_nodes entry (" +
                                            std::to_string(output_endpoints_.size()) +
                                            " outputs, " + std::to_string(bases.size()) +
                                            " base addresses)");
  }
  if (sizes.size() != output_endpoints_.size()) {
    params().fail("out_sizes", "needs one size per out_nodes entry (" +
                                   std::to_string(output_endpoints_.size()) + " outputs, " +
                                   std::to_string(sizes.size()) + " sizes)");
  }
  for (std::size_t i = 0; i < bases.size(); ++i) {
    ranges_.push_back({static_cast<std::uint64_t>(bases[i]), static_cast<std::uint64_t>(sizes[i])});
  }
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    for (std::size_t j = i + 1; j < ranges_.size(); ++j) {
      const AddressRange& a = ranges_[i];
      const AddressRange& b = ranges_[j];
      if (a.base < b.base + b.size && b.base < a.base + a.size) {
        params().fail("out_base_addresses",
                      "address ranges of out[" + std::to_string(i) + "] [" + hex(a.base) + ", " +
                          hex(a.base + a.size) + ") and out[" + std::to_string(j) + "] [" +
                          hex(b.base) + ", " + hex(b.base + b.size) + ") overlap");
      }
    }
  }

  queued_ = network_.config().arbitration == MeshArbitration::kArrivalOrder;
  for (std::size_t i = 0; i < input_endpoints_.size(); ++i) {
    auto socket = std::make_unique<tlm_utils::simple_target_socket_tagged<MeshModule>>(
        ("in_" + std::to_string(i)).c_str());
    socket->register_b_transport(this, &MeshModule::b_transport, static_cast<int>(i));
    socket->register_nb_transport_fw(this, &MeshModule::nb_transport_fw, static_cast<int>(i));
    socket->register_transport_dbg(this, &MeshModule::transport_dbg, static_cast<int>(i));
    inputs_.push_back(std::move(socket));
  }
  for (std::size_t i = 0; i < output_endpoints_.size(); ++i) {
    auto socket = std::make_unique<tlm_utils::simple_initiator_socket_tagged<MeshModule>>(
        ("out_" + std::to_string(i)).c_str());
    socket->register_nb_transport_bw(this, &MeshModule::nb_transport_bw, static_cast<int>(i));
    outputs_.push_back(std::move(socket));
  }
  input_counters_.resize(input_endpoints_.size());
  output_counters_.resize(output_endpoints_.size());
  // nb_transport: crossings booked at once (presentation_order), or handed to the core at their
  // time and reported when it has delivered them (arrival_order: no thread to wait in).
  forwarder_ = std::make_unique<NbForwarder>(
      instanceName(), inputs_, outputs_,
      [this](tlm::tlm_generic_payload& payload, const sc_core::sc_time& delay,
             NbForwarder::Flight& flight) {
        return queued_ ? queueRequest(payload, delay, flight)
                       : crossRequest(payload, delay, flight);
      },
      [this](tlm::tlm_generic_payload& payload, NbForwarder::Flight& flight,
             Picoseconds responded) {
        return queued_ ? queueResponse(payload, flight, responded)
                       : crossResponse(payload, flight, responded);
      });
  if (TraceWriter* writer = trace(); writer != nullptr && !queued_) {
    tracer_ =
        std::make_unique<MeshTraceRecorder>(*writer, instanceName(), typeInfo().name, network_);
    network_.setObserver(tracer_.get());
  } else if (writer != nullptr) {
    const std::string message =
        instanceName() +
        ": arbitration arrival_order: the mesh's channels are not drawn in the trace (the core "
        "times packets after the transactions that carry them have been traced)";
    SC_REPORT_WARNING("spatialvp/mesh", message.c_str());
  }
  if (queued_) {
    SC_HAS_PROCESS(MeshModule);
    SC_METHOD(advance);
    sensitive << advance_event_;
    dont_initialize();
    SC_METHOD(submitDue);
    sensitive << submit_event_;
    dont_initialize();
  }
}

InitiatorSocket* MeshModule::initiatorSocket(const std::string& port, std::size_t index) {
  return port == "out" && index < outputs_.size() ? outputs_[index].get() : nullptr;
}

TargetSocket* MeshModule::targetSocket(const std::string& port, std::size_t index) {
  return port == "in" && index < inputs_.size() ? inputs_[index].get() : nullptr;
}

std::size_t MeshModule::portWidth(const std::string& port) const {
  if (port == "in")
    return inputs_.size();
  if (port == "out")
    return outputs_.size();
  return 0;
}

int MeshModule::decode(std::uint64_t address, std::uint64_t length) const {
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    const AddressRange& range = ranges_[i];
    if (address >= range.base && address - range.base < range.size &&
        length <= range.size - (address - range.base)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::optional<std::size_t> MeshModule::outputFor(std::uint64_t address) const {
  const int output = decode(address, 1);
  if (output < 0)
    return std::nullopt;
  return static_cast<std::size_t>(output);
}

std::string MeshModule::whereWritten(const std::string& param) const {
  return params().whereWritten(param);
}

void MeshModule::reportChannels(ModuleStats& stats, double simulated_seconds) const {
  for (const ChannelReport& channel : network_.channelReports()) {
    // Every mesh link is listed (a heat map needs the whole grid); ports only when used.
    if (!isRouterToRouter(channel.kind) && channel.counters.packets == 0)
      continue;
    const std::string name =
        "link." + routerName(network_.xOf(channel.router), network_.yOf(channel.router)) + "." +
        portLetter(channel.port) + (channel.into_router ? "_in" : "");
    const ChannelCounters& counters = channel.counters;
    const double busy = static_cast<double>(counters.busy_ps) * 1e-12;
    stats.counter(name + ".bytes", counters.payload_bytes, "B", "Payload bytes carried");
    stats.counter(name + ".wire_bytes", counters.wire_bytes, "B",
                  "Wire bytes carried (payload, headers, flit framing)");
    stats.counter(name + ".packets", counters.packets, "packets", "Packets carried");
    stats.value(name + ".busy_time", busy, "s", "Time held by packets");
    stats.value(name + ".utilisation", simulated_seconds > 0 ? busy / simulated_seconds : 0.0, "",
                "Busy time / simulated time");
  }
}

std::vector<std::pair<std::string, std::string>> MeshModule::faultFreeParams() const {
  if (network_.faults().empty())
    return {};
  return faultFreeParamValues();
}

void MeshModule::reportStats(ModuleStats& stats) const {
  const double simulated_seconds = sc_core::sc_time_stamp().to_seconds();
  stats.counter("transactions", reads_ + writes_, "transactions", "Transactions routed");
  stats.counter("reads", reads_, "transactions", "Read transactions routed");
  stats.counter("writes", writes_, "transactions", "Write transactions routed");
  stats.counter("decode_errors", decode_errors_, "transactions", "Accesses to unmapped addresses");
  forwarder_->reportStats(stats, "the mesh");
  std::uint64_t bytes_in = 0;
  for (std::size_t i = 0; i < input_counters_.size(); ++i) {
    const std::string port = "in_" + std::to_string(i);
    stats.counter(port + ".transactions", input_counters_[i].transactions, "transactions",
                  "Transactions entering at in[" + std::to_string(i) + "]");
    stats.counter(port + ".bytes", input_counters_[i].bytes, "B",
                  "Data bytes of transactions entering at in[" + std::to_string(i) + "]");
    bytes_in += input_counters_[i].bytes;
  }
  std::uint64_t bytes_out = 0;
  for (std::size_t i = 0; i < output_counters_.size(); ++i) {
    const std::string port = "out_" + std::to_string(i);
    stats.counter(port + ".transactions", output_counters_[i].transactions, "transactions",
                  "Transactions forwarded through out[" + std::to_string(i) + "]");
    stats.counter(port + ".bytes", output_counters_[i].bytes, "B",
                  "Data bytes of transactions forwarded through out[" + std::to_string(i) + "]");
    bytes_out += output_counters_[i].bytes;
  }
  stats.counter("bytes_in", bytes_in, "B", "Data bytes of all transactions entering");
  stats.counter("bytes_out", bytes_out, "B", "Data bytes of all transactions forwarded");

  FlowCounters flows;
  for (const auto& entry : network_.flows()) {
    flows.bytes_injected += entry.second.bytes_injected;
    flows.bytes_delivered += entry.second.bytes_delivered;
  }
  stats.counter("payload_bytes_injected", flows.bytes_injected, "B",
                "Packet payload bytes injected (requests and responses)");
  stats.counter("payload_bytes_delivered", flows.bytes_delivered, "B",
                "Packet payload bytes delivered (requests and responses)");
  stats.counter("packets", network_.packetsDelivered(), "packets", "Packets delivered");
  stats.counter("packet_hops", network_.packetHops(), "hops",
                "Router-to-router links crossed, summed over packets");
  const LatencyHistogram& packet_latency = network_.packetLatency();
  stats.value("packet_latency.mean", packet_latency.mean() * 1e-3, "ns",
              "Mean packet latency (ready to tail delivered)");
  stats.value("packet_latency.max", static_cast<double>(packet_latency.max()) * 1e-3, "ns",
              "Largest packet latency");
  stats.histogram("network_latency", network_latency_ns_, "ns",
                  "Per transaction: request and response crossing the mesh (target time excluded)");

  double max_utilisation = 0.0;
  for (const ChannelReport& channel : network_.channelReports()) {
    if (isRouterToRouter(channel.kind) && simulated_seconds > 0) {
      max_utilisation = std::max(max_utilisation, static_cast<double>(channel.counters.busy_ps) *
                                                      1e-12 / simulated_seconds);
    }
  }
  reportChannels(stats, simulated_seconds);
  stats.headline("max_link_utilisation", max_utilisation, "",
                 "Busiest router-to-router link: busy time / simulated time");
  stats.headline("mean_network_latency", network_latency_ns_.mean(), "ns",
                 "Mean time a transaction spends crossing the mesh (both ways)");

  const MeshEnergyCounters& bits = network_.energyBits();
  auto count = [](double value) { return static_cast<std::uint64_t>(std::llround(value)); };
  stats.action("link_bit", count(bits.mesh_link_bits));
  stats.action("local_port_bit", count(bits.local_port_bits));
  stats.action("edge_port_bit", count(bits.edge_port_bits));
  stats.action("router_bit", count(bits.router_bits));
  if (network_.config().partitioned())  // keeps unpartitioned reports as they were
    stats.action("inter_wafer_link_bit", count(bits.inter_wafer_link_bits));
}

void registerMeshModule(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "mesh";
  info.description =
      "2-D mesh network (packet-level virtual cut-through or wormhole flow control, "
      "dimension-order routing; optionally a grid of wafers joined by inter-wafer links): "
      "initiators at in_nodes, address-mapped targets at out_nodes";
  auto& schema = info.params;
  schema.integer("width", "Routers along x (East = +x)").byDefault("4").atLeast(1).atMost(4096);
  schema.integer("height", "Routers along y (North = +y)").byDefault("4").atLeast(1).atMost(4096);
  schema.enumeration("routing", {"xy", "yx"}, "Dimension-order routing: x first or y first")
      .byDefault("xy");
  declareLinkParams(schema, "link.", {"64 GB/s", "0.5 ns", "16 B"}, "each router-to-router link");
  schema.quantity("router_latency", dims::time(), "Pipeline latency of one router traversal")
      .byDefault("1 ns")
      .atLeast(0);
  schema.quantity("packet_size", dims::data(), "Payload per packet; bursts are cut into packets")
      .byDefault("256 B")
      .above(0);
  schema
      .quantity("input_buffer", dims::data(),
                "Input buffer per router port in wire bytes; cut_through: must hold one whole "
                "packet; wormhole: split over the virtual channels in whole flits")
      .byDefault("4 KiB")
      .above(0);
  schema
      .enumeration("flow_control", {"cut_through", "wormhole"},
                   "cut_through: packets buffered whole; wormhole: credit-based buffers in flits "
                   "(link.flit), a blocked packet holds every link its flits are spread over")
      .byDefault("cut_through");
  schema
      .enumeration("arbitration", {"presentation_order", "arrival_order"},
                   "presentation_order: each crossing books its path when presented, answered at "
                   "once (loosely timed); arrival_order (wormhole, 1 virtual channel): heads get "
                   "channels in the order they arrive and input buffers are FIFO, as in a router; "
                   "b_transport waits until the crossing is ready and until it is delivered")
      .byDefault("presentation_order");
  schema
      .quantity("allocation_delay", dims::time(),
                "arrival_order: a head that waited behind another packet in an input buffer asks "
                "for its next channel this long after that packet's tail left (the router's "
                "allocation step)")
      .byDefault("0 s")
      .atLeast(0);
  schema.integer("virtual_channels", "Virtual channels per link and router input (wormhole only)")
      .byDefault("1")
      .atLeast(1)
      .atMost(64);
  schema
      .quantity("credit_delay", dims::time(),
                "Wormhole: a freed buffer place is usable upstream this long after its flit left")
      .byDefault("0 s")
      .atLeast(0);
  schema
      .quantity("local_port.bandwidth", dims::bandwidth(),
                "Bandwidth of each node's injection/ejection port; 0 = link.bandwidth")
      .byDefault("0 B/s")
      .atLeast(0);
  schema.quantity("local_port.latency", dims::time(), "Flight latency of injection/ejection ports")
      .byDefault("0 s")
      .atLeast(0);
  schema
      .quantity("edge_port.bandwidth", dims::bandwidth(),
                "Bandwidth of edge attachment ports (N/S/E/W); 0 = link.bandwidth")
      .byDefault("0 B/s")
      .atLeast(0);
  schema.quantity("edge_port.latency", dims::time(), "Flight latency of edge attachment ports")
      .byDefault("0 s")
      .atLeast(0);
  schema
      .integer("wafer_width",
               "Routers (dies) per wafer along x: the mesh is a grid of wafers whose boundary "
               "links are inter-wafer links; 0 (with wafer_height 0) = no wafer partition")
      .byDefault("0")
      .atLeast(0)
      .atMost(4096);
  schema
      .integer("wafer_height",
               "Routers (dies) per wafer along y; must divide height (width for wafer_width)")
      .byDefault("0")
      .atLeast(0)
      .atMost(4096);
  schema
      .quantity("inter_wafer_link.bandwidth", dims::bandwidth(),
                "Bandwidth per direction of a link between wafers; 0 = link.bandwidth")
      .byDefault("0 B/s")
      .atLeast(0);
  schema
      .quantity("inter_wafer_link.latency", dims::time(),
                "Flight latency of a link between wafers; 0 = link.latency")
      .byDefault("0 s")
      .atLeast(0);
  schema
      .integerList("inter_wafer_link_offsets",
                   "Positions along a facing wafer edge (y on east/west edges, x on north/south "
                   "edges, wafer-local) that carry an inter-wafer link; [] = every edge router")
      .byDefault("[]")
      .atLeast(0)
      .atMost(4095);
  declareFaultParams(schema);
  schema
      .quantity("control_size", dims::data(),
                "Payload of a read request or write acknowledgement packet (header added on top)")
      .byDefault("0 B")
      .atLeast(0);
  schema.stringList("in_nodes",
                    "Attachment point of each in[i]: node id, 'x<X>y<Y>', or edge port "
                    "'N<X>', 'S<X>', 'E<Y>', 'W<Y>'");
  schema.stringList("out_nodes", "Attachment point of each out[j] (same forms as in_nodes)");
  schema.integerList("out_base_addresses", "Base address of out[j]'s range").atLeast(0);
  schema.quantityList("out_sizes", dims::data(), "Size of out[j]'s range").above(0);
  info.ports.push_back({"in", PortDirection::kTarget,
                        "One input per attached initiator (indexed, see in_nodes)", true});
  info.ports.push_back({"out", PortDirection::kInitiator,
                        "One output per attached target (indexed, see out_nodes)", true});
  info.energy_actions.push_back(
      {"link_bit", "one wire bit over one router-to-router link inside a wafer", "0 J"});
  info.energy_actions.push_back(
      {"local_port_bit", "one wire bit over an injection or ejection port", "0 J"});
  info.energy_actions.push_back({"edge_port_bit", "one wire bit over an edge port", "0 J"});
  info.energy_actions.push_back({"router_bit", "one wire bit through one router", "0 J"});
  info.energy_actions.push_back(
      {"inter_wafer_link_bit", "one wire bit over a link between wafers (wafer partition)", "0 J"});
  registry.add<MeshModule>(std::move(info));
}

}  // namespace spatialvp::interconnect
