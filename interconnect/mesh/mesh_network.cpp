#include "interconnect/mesh/mesh_network.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace spatialvp::interconnect {

namespace {

constexpr std::uint32_t kNoChannel = std::numeric_limits<std::uint32_t>::max();

const MeshConfig& checked(const MeshConfig& config) {
  const auto problems = config.validate();
  if (!problems.empty())
    throw std::invalid_argument("invalid mesh: " + joinMessages(problems));
  return config;
}

Port opposite(Port port) {
  switch (port) {
    case Port::kEast:
      return Port::kWest;
    case Port::kWest:
      return Port::kEast;
    case Port::kNorth:
      return Port::kSouth;
    case Port::kSouth:
      return Port::kNorth;
    case Port::kLocal:
      break;
  }
  return Port::kLocal;
}

std::uint32_t distance(std::uint32_t a, std::uint32_t b) {
  return a > b ? a - b : b - a;
}

}  // namespace

MeshNetwork::MeshNetwork(const MeshConfig& config) : config_(checked(config)) {
  const LinkParams by_kind[kChannelKinds] = {config_.link, config_.localPortParams(),
                                             config_.edgePortParams(),
                                             config_.interWaferLinkParams()};
  for (std::size_t kind = 0; kind < kChannelKinds; ++kind) {
    kinds_[kind].link = by_kind[kind];
    kinds_[kind].full_packet_serialisation =
        by_kind[kind].serialisation(config_.packet_payload_bytes);
    kinds_[kind].full_packet_wire_bytes = by_kind[kind].wireBytes(config_.packet_payload_bytes);
    kinds_[kind].flit_ps =
        transferTime(config_.link.flit_bytes, by_kind[kind].bandwidth_bytes_per_second);
  }
  if (config_.partitioned()) {
    wafer_routing_.emplace(static_cast<int>(config_.wafer_width),
                           static_cast<int>(config_.wafer_height),
                           static_cast<int>(config_.width / config_.wafer_width),
                           static_cast<int>(config_.height / config_.wafer_height),
                           config_.inter_wafer_link_offsets, "mesh.inter_wafer_link_offsets");
  }
  if (config_.faults.any()) {
    // Faults are resolved over the links that exist: the partition's, or the whole grid's.
    const WaferGridRouting grid =
        wafer_routing_ ? *wafer_routing_
                       : WaferGridRouting(static_cast<int>(config_.width),
                                          static_cast<int>(config_.height), 1, 1, {}, "mesh");
    faults_ = WaferFaults(config_.faults, grid);
    if (faults_.reroutes())
      fault_routing_.emplace(grid, faults_);
  }

  const std::uint32_t routers = nodes();
  const std::uint32_t output_channels = routers * kPortsPerRouter;
  channel_kinds_.resize(output_channels);
  input_channel_.assign(output_channels, kNoChannel);
  std::uint32_t next_channel = output_channels;
  for (NodeId router = 0; router < routers; ++router) {
    for (std::uint32_t p = 0; p < kPortsPerRouter; ++p) {
      const Port port = static_cast<Port>(p);
      const Endpoint endpoint{router, port};
      const bool is_endpoint = isEndpoint(endpoint);
      ChannelKind kind = is_endpoint ? kindOfPort(port) : ChannelKind::kMeshLink;
      if (!is_endpoint && wafer_routing_ &&
          wafer_routing_->leavesWafer(static_cast<int>(xOf(router)), static_cast<int>(yOf(router)),
                                      static_cast<GridStep>(port))) {
        kind = ChannelKind::kInterWaferLink;
      }
      channel_kinds_[outputChannelIndex(router, port)] = kind;
      if (is_endpoint) {
        input_channel_[endpointIndex(endpoint)] = next_channel++;
        channel_kinds_.push_back(kindOfPort(port));
      }
    }
  }
  channel_params_.assign(kinds_, kinds_ + kChannelKinds);
  channel_param_.resize(next_channel);
  for (std::uint32_t channel = 0; channel < next_channel; ++channel)
    channel_param_[channel] = static_cast<std::uint8_t>(channel_kinds_[channel]);
  if (!faults_.empty()) {
    // A degraded link serialises at its reduced bandwidth; framing and flight latency stay.
    for (NodeId router = 0; router < routers; ++router) {
      for (std::uint32_t p = 0; p < 4; ++p) {
        const double fraction =
            faults_.linkFraction(static_cast<int>(router), static_cast<GridStep>(p));
        const std::uint32_t channel = outputChannelIndex(router, static_cast<Port>(p));
        if (fraction <= 0.0 || fraction >= 1.0 || !isRouterToRouter(channel_kinds_[channel]))
          continue;
        KindParams degraded = kinds_[static_cast<std::size_t>(channel_kinds_[channel])];
        degraded.link.bandwidth_bytes_per_second *= fraction;
        degraded.full_packet_serialisation =
            degraded.link.serialisation(config_.packet_payload_bytes);
        degraded.flit_ps =
            transferTime(config_.link.flit_bytes, degraded.link.bandwidth_bytes_per_second);
        channel_param_[channel] = static_cast<std::uint8_t>(channel_params_.size());
        channel_params_.push_back(degraded);
      }
    }
  }
  timelines_.resize(next_channel);
  channel_counters_.resize(next_channel);
  if (config_.flow_control == FlowControl::kWormhole) {
    const BufferOccupancy lanes(config_.virtual_channels);
    channel_lanes_.assign(next_channel, lanes);
    if (config_.virtual_channels > 1)
      channel_wires_.assign(next_channel, BufferOccupancy(1));
  } else {
    input_buffers_.assign(output_channels, BufferOccupancy(config_.bufferSlots()));
  }
  if (config_.arbitration == MeshArbitration::kArrivalOrder)
    arrival_order_.emplace(next_channel);
}

bool MeshNetwork::isEndpoint(const Endpoint& endpoint) const {
  if (endpoint.router >= nodes())
    return false;
  const std::uint32_t x = xOf(endpoint.router);
  const std::uint32_t y = yOf(endpoint.router);
  switch (endpoint.port) {
    case Port::kLocal:
      return true;
    case Port::kEast:
      return x + 1 == config_.width;
    case Port::kWest:
      return x == 0;
    case Port::kNorth:
      return y + 1 == config_.height;
    case Port::kSouth:
      return y == 0;
  }
  return false;
}

std::vector<Endpoint> MeshNetwork::edgeEndpoints() const {
  std::vector<Endpoint> endpoints;
  for (NodeId router = 0; router < nodes(); ++router) {
    for (Port port : {Port::kEast, Port::kWest, Port::kNorth, Port::kSouth}) {
      if (isEndpoint({router, port}))
        endpoints.push_back({router, port});
    }
  }
  return endpoints;
}

std::vector<std::pair<NodeId, Port>> MeshNetwork::outputPath(Endpoint source,
                                                             Endpoint destination) const {
  checkEndpoint(source, "source");
  checkEndpoint(destination, "destination");
  std::vector<std::pair<NodeId, Port>> path;
  NodeId router = source.router;
  bool descending = false;
  while (router != destination.router) {
    const Port out = route(router, destination.router, descending);
    path.emplace_back(router, out);
    router = neighbour(router, out);
  }
  path.emplace_back(router, destination.port);
  return path;
}

std::uint32_t MeshNetwork::hops(NodeId source_router, NodeId destination_router) const {
  if (!wafer_routing_ && !fault_routing_) {
    return distance(xOf(source_router), xOf(destination_router)) +
           distance(yOf(source_router), yOf(destination_router));
  }
  std::uint32_t links = 0;
  bool descending = false;
  for (NodeId router = source_router; router != destination_router; ++links)
    router = neighbour(router, route(router, destination_router, descending));
  return links;
}

bool MeshNetwork::linkMissing(NodeId router, Port port) const {
  return channel_kinds_[outputChannelIndex(router, port)] == ChannelKind::kInterWaferLink &&
         !wafer_routing_->linkExists(static_cast<int>(xOf(router)), static_cast<int>(yOf(router)),
                                     static_cast<GridStep>(port));
}

std::uint32_t MeshNetwork::inputChannelIndex(const Endpoint& endpoint) const {
  return input_channel_[endpointIndex(endpoint)];
}

void MeshNetwork::checkEndpoint(const Endpoint& endpoint, const char* role) const {
  if (isEndpoint(endpoint) && faults_.dieDead(static_cast<int>(endpoint.router))) {
    throw std::invalid_argument(
        std::string("mesh transfer: ") + role + " router " +
        WaferFaults::nodeName(static_cast<int>(endpoint.router), static_cast<int>(config_.width)) +
        " is a dead die (mesh faults)");
  }
  if (isEndpoint(endpoint))
    return;
  throw std::invalid_argument(std::string("mesh transfer: ") + role + " endpoint (router " +
                              std::to_string(endpoint.router) + ", port " +
                              std::string(portName(endpoint.port)) + ") is not on this " +
                              std::to_string(config_.width) + "x" + std::to_string(config_.height) +
                              " mesh (routers 0.." + std::to_string(nodes() - 1) +
                              "; compass ports only where they face off the mesh)");
}

Port MeshNetwork::route(NodeId from, NodeId to, bool& descending) const {
  static_assert(static_cast<int>(GridStep::kXPlus) == static_cast<int>(Port::kEast) &&
                    static_cast<int>(GridStep::kXMinus) == static_cast<int>(Port::kWest) &&
                    static_cast<int>(GridStep::kYPlus) == static_cast<int>(Port::kNorth) &&
                    static_cast<int>(GridStep::kYMinus) == static_cast<int>(Port::kSouth) &&
                    static_cast<int>(GridStep::kArrived) == static_cast<int>(Port::kLocal),
                "a grid step is a router port");
  if (fault_routing_) {
    return static_cast<Port>(
        fault_routing_->nextStep(static_cast<int>(from), static_cast<int>(to), descending));
  }
  const auto x = static_cast<int>(xOf(from));
  const auto y = static_cast<int>(yOf(from));
  const auto to_x = static_cast<int>(xOf(to));
  const auto to_y = static_cast<int>(yOf(to));
  const bool x_first = config_.routing == RoutingAlgorithm::kXY;
  return static_cast<Port>(wafer_routing_
                               ? wafer_routing_->nextStep(x, y, to_x, to_y, x_first)
                               : WaferGridRouting::dimensionOrderStep(x, y, to_x, to_y, x_first));
}

NodeId MeshNetwork::neighbour(NodeId router, Port port) const {
  switch (port) {
    case Port::kEast:
      return router + 1;
    case Port::kWest:
      return router - 1;
    case Port::kNorth:
      return router + config_.width;
    case Port::kSouth:
      return router - config_.width;
    case Port::kLocal:
      break;
  }
  return router;
}

std::uint64_t MeshNetwork::flowKey(const Endpoint& source, const Endpoint& destination) {
  return (static_cast<std::uint64_t>(endpointIndex(source)) << 32) | endpointIndex(destination);
}

Endpoint MeshNetwork::flowSource(std::uint64_t flow_key) {
  const auto index = static_cast<std::uint32_t>(flow_key >> 32);
  return {index / kPortsPerRouter, static_cast<Port>(index % kPortsPerRouter)};
}

Endpoint MeshNetwork::flowDestination(std::uint64_t flow_key) {
  const auto index = static_cast<std::uint32_t>(flow_key & 0xffffffffULL);
  return {index / kPortsPerRouter, static_cast<Port>(index % kPortsPerRouter)};
}

MeshTransferResult MeshNetwork::transfer(Endpoint source, Endpoint destination, std::uint64_t bytes,
                                         Picoseconds ready_ps) {
  if (arrival_order_) {
    throw std::logic_error(
        "MeshNetwork::transfer: with arbitration arrival_order, queue transfers with submit() and "
        "time them with advanceTo()");
  }
  const std::uint64_t packets = packetCount(bytes);
  FlowCounters& flow = presentTransfer(source, destination, bytes);
  const std::uint64_t packet_payload = config_.packet_payload_bytes;

  MeshTransferResult result;
  result.packets = packets;
  result.hops = hops(source.router, destination.router);
  std::uint64_t remaining = bytes;
  for (std::uint64_t packet = 0; packet < packets; ++packet) {
    const std::uint64_t payload = std::min(remaining, packet_payload);
    remaining -= payload;
    // All packets are ready together; the injection channel serialises them back to back.
    const PacketTiming timing =
        config_.flow_control == FlowControl::kWormhole
            ? sendWormholePacket(source, destination, payload, ready_ps, flow)
            : sendPacket(source, destination, payload, ready_ps, flow);
    if (packet == 0) {
      result.start_ps = timing.start_ps;
      result.head_delivered_ps = timing.head_delivered_ps;
    }
    result.start_ps = std::min(result.start_ps, timing.start_ps);
    result.delivered_ps = std::max(result.delivered_ps, timing.delivered_ps);
  }
  return result;
}

FlowCounters& MeshNetwork::presentTransfer(const Endpoint& source, const Endpoint& destination,
                                           std::uint64_t bytes) {
  checkEndpoint(source, "source");
  checkEndpoint(destination, "destination");
  FlowCounters& flow = flows_[flowKey(source, destination)];
  ++flow.transfers;
  flow.bytes_injected += bytes;
  flow.packets_injected += packetCount(bytes);
  return flow;
}

MeshNetwork::PacketTiming MeshNetwork::sendPacket(const Endpoint& source,
                                                  const Endpoint& destination,
                                                  std::uint64_t payload_bytes, Picoseconds ready_ps,
                                                  FlowCounters& flow) {
  const bool full = payload_bytes == config_.packet_payload_bytes;
  auto serialisation = [&](std::uint32_t channel) {
    const KindParams& params = paramsOf(channel);
    return full ? params.full_packet_serialisation : params.link.serialisation(payload_bytes);
  };
  auto wireBytes = [&](std::uint32_t channel) {
    const KindParams& params = paramsOf(channel);
    return full ? params.full_packet_wire_bytes : params.link.wireBytes(payload_bytes);
  };
  const Picoseconds router_latency = config_.router_latency_ps;

  // Head and tail travel separately: a channel is held from the moment the head starts on it
  // until the tail has passed, i.e. for max(own serialisation, what upstream makes it wait for
  // the tail). With equal bandwidths the hold is exactly the serialisation time.
  Picoseconds head = ready_ps;
  Picoseconds tail_lag = 0;  // tail arrival minus head arrival at the current channel's input
  std::uint32_t channel = inputChannelIndex(source);
  ChannelKind kind = kindOfPort(source.port);
  NodeId router = source.router;
  std::uint32_t buffer = endpointIndex(source);  // input buffer the channel feeds
  BufferOccupancy* held_buffer = nullptr;        // buffer the packet sits in, if any
  std::uint32_t held_slot = 0;
  Picoseconds held_since = 0;
  PacketTiming timing{0, 0, 0};
  std::uint32_t routers_traversed = 0;
  const std::uint64_t input_wire_bytes = wireBytes(channel);
  bool descending = false;

  for (bool first = true;; first = false) {
    const bool into_router = buffer != kNoChannel;
    const Picoseconds own = serialisation(channel);
    Picoseconds earliest = head;
    BufferOccupancy::Grant grant;
    if (into_router) {
      // Backpressure: wait for a slot in the downstream input buffer (credit available).
      grant = input_buffers_[buffer].earliestEntry(head, std::max(own, tail_lag));
      earliest = grant.time;
    }
    const Picoseconds waited = earliest - head;
    const Picoseconds hold = std::max(own, tail_lag > waited ? tail_lag - waited : 0);
    const Picoseconds start = timelines_[channel].reserve(earliest, hold);
    if (first)
      timing.start_ps = start;

    countChannel(channel, kind, payload_bytes, wireBytes(channel), hold);
    if (observer_ != nullptr)
      observer_->channelHeld(channel, start, start + hold, payload_bytes);

    // The tail leaves the buffer it was sitting in once it has crossed this channel's input.
    if (held_buffer != nullptr) {
      held_buffer->occupy(held_slot, held_since, start + hold);
      if (observer_ != nullptr)
        observer_->bufferHeld(
            static_cast<NodeId>(static_cast<std::size_t>(held_buffer - input_buffers_.data()) /
                                kPortsPerRouter),
            held_since, start + hold, static_cast<double>(start + hold - held_since));
    }
    const Picoseconds flight = paramsOf(channel).link.latency_ps;
    if (!into_router) {
      timing.delivered_ps = start + hold + flight;
      const Picoseconds flit = paramsOf(channel).flit_ps;
      timing.head_delivered_ps = start + (flit > 0 ? std::min(flit, hold) : hold) + flight;
      flow.bytes_delivered += payload_bytes;  // the tail has left the mesh
      ++flow.packets_delivered;
      break;
    }
    held_buffer = &input_buffers_[buffer];
    held_slot = grant.slot;
    held_since = start;
    head = start + flight + router_latency;
    tail_lag = hold;
    ++routers_traversed;

    // Route: next channel leaves `router` through `out`.
    const Port out = router == destination.router ? destination.port
                                                  : route(router, destination.router, descending);
    channel = outputChannelIndex(router, out);
    kind = channel_kinds_[channel];
    if (isRouterToRouter(kind)) {
      router = neighbour(router, out);
      buffer = endpointIndex({router, opposite(out)});
    } else {
      buffer = kNoChannel;  // ejection or edge outbound: the endpoint sinks at link rate
    }
  }

  const std::uint32_t mesh_hops = routers_traversed - 1;
  packet_hops_ += mesh_hops;
  ++packets_delivered_;
  energy_bits_.router_bits += 8.0 * static_cast<double>(input_wire_bytes) * routers_traversed;
  packet_latency_.record(timing.delivered_ps - ready_ps);
  return timing;
}

void MeshNetwork::countChannel(std::uint32_t channel, ChannelKind kind, std::uint64_t payload_bytes,
                               std::uint64_t wire_bytes, Picoseconds busy_ps) {
  ChannelCounters& counters = channel_counters_[channel];
  ++counters.packets;
  counters.payload_bytes += payload_bytes;
  counters.wire_bytes += wire_bytes;
  counters.busy_ps += busy_ps;
  const double wire_bits = 8.0 * static_cast<double>(wire_bytes);
  switch (kind) {
    case ChannelKind::kMeshLink:
      energy_bits_.mesh_link_bits += wire_bits;
      break;
    case ChannelKind::kLocalPort:
      energy_bits_.local_port_bits += wire_bits;
      break;
    case ChannelKind::kEdgePort:
      energy_bits_.edge_port_bits += wire_bits;
      break;
    case ChannelKind::kInterWaferLink:
      energy_bits_.inter_wafer_link_bits += wire_bits;
      break;
  }
}

Picoseconds MeshNetwork::zeroLoadPacketLatency(Endpoint source, Endpoint destination,
                                               std::uint64_t payload_bytes) const {
  if (config_.flow_control == FlowControl::kWormhole) {
    std::vector<WormholeChannel> path;
    auto add = [&](const KindParams& params) {
      path.push_back({params.flit_ps, params.link.latency_ps, 0, 0});
    };
    add(kinds_[static_cast<std::size_t>(kindOfPort(source.port))]);
    for (const auto& [router, port] : outputPath(source, destination))
      add(paramsOf(outputChannelIndex(router, port)));
    return wormholeZeroLoadLatency(std::move(path), wormholeFlow(payload_bytes));
  }
  const LinkParams& in = kinds_[static_cast<std::size_t>(kindOfPort(source.port))].link;
  Picoseconds latency = in.latency_ps;
  Picoseconds serialisation = in.serialisation(payload_bytes);
  std::uint32_t routers = 0;
  // outputPath checks the endpoints; it lists the D router-to-router links, then the exit port.
  for (const auto& [router, port] : outputPath(source, destination)) {
    const LinkParams& channel = paramsOf(outputChannelIndex(router, port)).link;
    latency += channel.latency_ps;
    serialisation = std::max(serialisation, channel.serialisation(payload_bytes));
    ++routers;
  }
  return latency + routers * config_.router_latency_ps + serialisation;
}

const ChannelCounters& MeshNetwork::outputChannel(NodeId router, Port port) const {
  if (router >= nodes())
    throw std::out_of_range("mesh: router " + std::to_string(router));
  return channel_counters_[outputChannelIndex(router, port)];
}

const FlowCounters* MeshNetwork::flow(Endpoint source, Endpoint destination) const {
  const auto it = flows_.find(flowKey(source, destination));
  return it == flows_.end() ? nullptr : &it->second;
}

std::vector<ChannelReport> MeshNetwork::channelReports() const {
  std::vector<ChannelReport> reports;
  for (NodeId router = 0; router < nodes(); ++router) {
    for (std::uint32_t p = 0; p < kPortsPerRouter; ++p) {
      const Port port = static_cast<Port>(p);
      const std::uint32_t out = outputChannelIndex(router, port);
      if (!linkMissing(router, port))
        reports.push_back({router, port, false, channel_kinds_[out], channel_counters_[out]});
      const std::uint32_t in = input_channel_[endpointIndex({router, port})];
      if (in != kNoChannel) {
        reports.push_back({router, port, true, channel_kinds_[in], channel_counters_[in]});
      }
    }
  }
  return reports;
}

ChannelReport MeshNetwork::describeChannel(std::uint32_t channel) const {
  for (NodeId router = 0; router < nodes(); ++router) {
    for (std::uint32_t p = 0; p < kPortsPerRouter; ++p) {
      const Port port = static_cast<Port>(p);
      if (outputChannelIndex(router, port) == channel)
        return {router, port, false, channel_kinds_[channel], channel_counters_[channel]};
      if (input_channel_[endpointIndex({router, port})] == channel)
        return {router, port, true, channel_kinds_[channel], channel_counters_[channel]};
    }
  }
  return {};
}

double MeshNetwork::energyPj() const {
  return energy_bits_.mesh_link_bits * kinds_[0].link.energy_pj_per_bit +
         energy_bits_.local_port_bits * kinds_[1].link.energy_pj_per_bit +
         energy_bits_.edge_port_bits * kinds_[2].link.energy_pj_per_bit +
         energy_bits_.inter_wafer_link_bits * kinds_[3].link.energy_pj_per_bit +
         energy_bits_.router_bits * config_.router_energy_pj_per_bit;
}

void MeshNetwork::retire(Picoseconds horizon_ps) {
  for (auto& timeline : timelines_)
    timeline.retire(horizon_ps);
  for (auto& buffer : input_buffers_)
    buffer.retire(horizon_ps);
  for (auto* lanes : {&channel_lanes_, &channel_wires_}) {
    for (auto& lane : *lanes)
      lane.retire(horizon_ps);
  }
}

}  // namespace spatialvp::interconnect
