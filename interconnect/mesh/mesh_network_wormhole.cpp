// MeshNetwork's wormhole flow control: the calendar mode's packet (heads booked along the path,
// holds from the flit recursion) and the arrival-order mode's queued transfers
// (ArrivalOrderWormhole), with the path and the counters both share.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "interconnect/mesh/mesh_network.h"

namespace spatialvp::interconnect {

Picoseconds MeshNetwork::wormholeHeadTime(WormholeHop& hop, Picoseconds earliest,
                                          Picoseconds wire_ps) const {
  // Alternate between the lane and the wire until one time suits both; each step moves later.
  Picoseconds time = earliest;
  for (;;) {
    const BufferOccupancy::Grant grant =
        channel_lanes_[hop.channel].earliestEntry(time, hop.hold_ps);
    Picoseconds candidate = grant.time;
    if (!channel_wires_.empty())
      candidate = channel_wires_[hop.channel].earliestEntryInSlot(0, candidate, wire_ps);
    if (candidate == grant.time) {
      hop.lane = grant.slot;
      return candidate;
    }
    time = candidate;
  }
}

WormholeFlow MeshNetwork::wormholeFlow(std::uint64_t payload_bytes) const {
  WormholeFlow packet;
  packet.flits =
      std::max<std::uint64_t>(1, config_.link.wireBytes(payload_bytes) / config_.link.flit_bytes);
  packet.buffer_flits = config_.bufferFlitsPerVirtualChannel();
  packet.router_ps = config_.router_latency_ps;
  packet.credit_delay_ps = config_.credit_delay_ps;
  packet.allocation_delay_ps = config_.allocation_delay_ps;
  return packet;
}

WormholeFlow MeshNetwork::buildWormholePath(const Endpoint& source, const Endpoint& destination,
                                            std::uint64_t payload_bytes) {
  // The path: injection channel, D router-to-router links, exit channel.
  wormhole_hops_.clear();
  {
    WormholeHop hop;
    hop.channel = inputChannelIndex(source);
    hop.kind = kindOfPort(source.port);
    hop.router = source.router;
    wormhole_hops_.push_back(hop);
  }
  bool descending = false;
  for (NodeId router = source.router;;) {
    const Port out = router == destination.router ? destination.port
                                                  : route(router, destination.router, descending);
    WormholeHop hop;
    hop.channel = outputChannelIndex(router, out);
    hop.kind = channel_kinds_[hop.channel];
    hop.router = router;
    wormhole_hops_.push_back(hop);
    if (!isRouterToRouter(hop.kind))
      break;
    router = neighbour(router, out);
  }

  const WormholeFlow packet = wormholeFlow(payload_bytes);
  const std::size_t channels = wormhole_hops_.size();
  wormhole_path_.resize(channels);
  for (std::size_t i = 0; i < channels; ++i) {
    const KindParams& params = paramsOf(wormhole_hops_[i].channel);
    wormhole_path_[i].flit_ps = params.flit_ps;
    wormhole_path_[i].latency_ps = params.link.latency_ps;
    wormhole_hops_[i].hold_ps = params.flit_ps * packet.flits;
  }
  return packet;
}

MeshNetwork::PacketTiming MeshNetwork::sendWormholePacket(const Endpoint& source,
                                                          const Endpoint& destination,
                                                          std::uint64_t payload_bytes,
                                                          Picoseconds ready_ps,
                                                          FlowCounters& flow) {
  const WormholeFlow packet = buildWormholePath(source, destination, payload_bytes);
  const std::size_t channels = wormhole_hops_.size();

  // Heads first (each channel searched for the hold expected so far), then the flit recursion
  // says how long each channel is really held. A hold that outgrew its gap in a calendar (a
  // later booking already sits there) is searched again with the longer hold.
  constexpr int kMaxPasses = 3;
  for (int pass = 1;; ++pass) {
    Picoseconds arrival = ready_ps;
    for (std::size_t i = 0; i < channels; ++i) {
      WormholeHop& hop = wormhole_hops_[i];
      const Picoseconds wire_ps = wormhole_path_[i].flit_ps * packet.flits;
      const Picoseconds head = wormholeHeadTime(hop, arrival, wire_ps);
      wormhole_path_[i].head_ps = head;
      arrival = head + wormhole_path_[i].latency_ps + config_.router_latency_ps;
    }
    computeWormholeTails(wormhole_path_, packet, wormhole_flit_times_);
    bool fits = true;
    for (std::size_t i = 0; i < channels; ++i) {
      WormholeHop& hop = wormhole_hops_[i];
      const Picoseconds head = wormhole_path_[i].head_ps;
      const Picoseconds hold = wormhole_path_[i].tail_end_ps - head;
      if (hold <= hop.hold_ps)
        continue;
      hop.hold_ps = hold;
      if (channel_lanes_[hop.channel].earliestEntryInSlot(hop.lane, head, hold) != head)
        fits = false;
    }
    if (fits || pass == kMaxPasses)
      break;  // after the last pass, overlapping bookings are merged (see the README)
  }

  for (std::size_t i = 0; i < channels; ++i) {
    const WormholeHop& hop = wormhole_hops_[i];
    const WormholeChannel& channel = wormhole_path_[i];
    channel_lanes_[hop.channel].occupy(hop.lane, channel.head_ps, channel.tail_end_ps);
    if (!channel_wires_.empty())
      channel_wires_[hop.channel].occupy(0, channel.head_ps,
                                         channel.head_ps + channel.flit_ps * packet.flits);
  }
  return recordWormholePacket(packet.flits, payload_bytes, ready_ps, flow);
}

MeshNetwork::PacketTiming MeshNetwork::recordWormholePacket(std::uint64_t flits,
                                                            std::uint64_t payload_bytes,
                                                            Picoseconds ready_ps,
                                                            FlowCounters& flow) {
  // wormhole_hops_ and wormhole_path_ hold the packet's final timing, wormhole_flit_times_ its
  // flit times.
  const std::uint64_t wire_bytes = config_.link.wireBytes(payload_bytes);
  const std::size_t channels = wormhole_hops_.size();
  PacketTiming timing{wormhole_path_.front().head_ps, 0, 0};
  for (std::size_t i = 0; i < channels; ++i) {
    const WormholeHop& hop = wormhole_hops_[i];
    const WormholeChannel& channel = wormhole_path_[i];
    countChannel(hop.channel, hop.kind, payload_bytes, wire_bytes, channel.flit_ps * flits);
    if (observer_ != nullptr)
      observer_->channelHeld(hop.channel, channel.head_ps, channel.tail_end_ps, payload_bytes);
  }
  if (observer_ != nullptr)
    reportWormholeBuffers(flits);
  const WormholeChannel& exit = wormhole_path_.back();
  timing.delivered_ps = exit.tail_end_ps + exit.latency_ps;
  timing.head_delivered_ps = exit.head_ps + exit.flit_ps + exit.latency_ps;
  flow.bytes_delivered += payload_bytes;
  ++flow.packets_delivered;

  const auto routers_traversed = static_cast<std::uint32_t>(channels - 1);
  packet_hops_ += routers_traversed - 1;
  ++packets_delivered_;
  energy_bits_.router_bits += 8.0 * static_cast<double>(wire_bytes) * routers_traversed;
  packet_latency_.record(timing.delivered_ps - ready_ps);
  return timing;
}

void MeshNetwork::reportWormholeBuffers(std::uint64_t flits) const {
  // Flit k is in the buffer behind channel i from its arrival, x(i, k) + latency, until it
  // starts on channel i + 1 (the flit times of the last computeWormholeTails).
  const std::size_t channels = wormhole_path_.size();
  auto x = [&](std::size_t channel, std::uint64_t flit) {
    return wormhole_flit_times_[static_cast<std::size_t>(flit) * channels + channel];
  };
  for (std::size_t i = 0; i + 1 < channels; ++i) {
    const Picoseconds latency = wormhole_path_[i].latency_ps;
    double occupied_ps = 0.0;
    for (std::uint64_t flit = 0; flit < flits; ++flit) {
      const Picoseconds arrival = x(i, flit) + latency;
      const Picoseconds departure = x(i + 1, flit);
      if (departure > arrival)
        occupied_ps += static_cast<double>(departure - arrival);
    }
    const Picoseconds enter = x(i, 0) + latency;
    const Picoseconds leave = std::max(enter, x(i + 1, flits - 1));
    observer_->bufferHeld(wormhole_hops_[i + 1].router, enter, leave, occupied_ps);
  }
}

void MeshNetwork::submit(Endpoint source, Endpoint destination, std::uint64_t bytes,
                         Picoseconds ready_ps, std::uint64_t tag) {
  if (!arrival_order_)
    throw std::logic_error("MeshNetwork::submit: needs arbitration arrival_order");
  if (ready_ps < arrival_order_->now()) {
    throw std::invalid_argument("MeshNetwork::submit: transfer ready at " +
                                std::to_string(ready_ps) + " ps, before the mesh's time " +
                                std::to_string(arrival_order_->now()) + " ps");
  }
  FlowCounters& flow = presentTransfer(source, destination, bytes);
  const std::uint64_t packets = packetCount(bytes);
  const std::uint64_t packet_payload = config_.packet_payload_bytes;

  const std::uint64_t id = next_transfer_id_++;
  QueuedTransfer& queued = queued_transfers_.insert(id);
  queued = QueuedTransfer{};
  queued.tag = tag;
  queued.source = source;
  queued.destination = destination;
  queued.bytes = bytes;
  queued.packets_left = packets;
  queued.flow = &flow;
  queued.result.packets = packets;
  queued.result.hops = hops(source.router, destination.router);
  queued.result.start_ps = std::numeric_limits<Picoseconds>::max();  // min over its packets
  queued.result.head_delivered_ps = std::numeric_limits<Picoseconds>::max();
  std::uint64_t remaining = bytes;
  for (std::uint64_t index = 0; index < packets; ++index) {
    const std::uint64_t payload = std::min(remaining, packet_payload);
    remaining -= payload;
    WormholePacket packet;
    packet.tag = (id << 1) | (index + 1 == packets ? 1U : 0U);
    packet.ready_ps = ready_ps;
    packet.flow = buildWormholePath(source, destination, payload);
    packet.path = wormhole_path_;
    packet.channels.reserve(wormhole_hops_.size());
    for (const WormholeHop& hop : wormhole_hops_)
      packet.channels.push_back(hop.channel);
    arrival_order_->submit(std::move(packet));
  }
}

void MeshNetwork::advanceTo(Picoseconds limit_ps, const DeliveryHandler& on_delivered) {
  if (!arrival_order_)
    throw std::logic_error("MeshNetwork::advanceTo: needs arbitration arrival_order");
  arrival_order_->advanceTo(
      limit_ps, [&](const WormholeDelivery& delivery) { packetGranted(delivery, on_delivered); });
}

bool MeshNetwork::nextEventTime(Picoseconds& time_ps) const {
  return arrival_order_ && arrival_order_->nextEventTime(time_ps);
}

void MeshNetwork::packetGranted(const WormholeDelivery& delivery,
                                const DeliveryHandler& on_delivered) {
  const std::uint64_t id = delivery.tag >> 1;
  QueuedTransfer* queued = queued_transfers_.find(id);
  const bool last_packet = (delivery.tag & 1U) != 0;
  const std::uint64_t full = config_.packet_payload_bytes;
  const std::uint64_t payload =
      last_packet ? queued->bytes - (queued->result.packets - 1) * full : full;
  // The hops (kinds, and routers for the observer) follow from the channels; the granted timing
  // is the packet's.
  const std::vector<std::uint32_t>& channels = delivery.packet->channels;
  wormhole_hops_.resize(channels.size());
  for (std::size_t i = 0; i < channels.size(); ++i) {
    WormholeHop& hop = wormhole_hops_[i];
    hop.channel = channels[i];
    hop.kind = channel_kinds_[hop.channel];
    hop.router = i == 0 ? queued->source.router : routerOfOutputChannel(hop.channel);
  }
  wormhole_path_ = delivery.packet->path;
  const WormholeFlow& packet = delivery.packet->flow;
  if (observer_ != nullptr)
    computeWormholeTails(wormhole_path_, packet, wormhole_flit_times_);
  const PacketTiming timing =
      recordWormholePacket(packet.flits, payload, delivery.ready_ps, *queued->flow);

  MeshTransferResult& result = queued->result;
  result.start_ps = std::min(result.start_ps, timing.start_ps);
  result.head_delivered_ps = std::min(result.head_delivered_ps, timing.head_delivered_ps);
  result.delivered_ps = std::max(result.delivered_ps, timing.delivered_ps);
  if (--queued->packets_left != 0)
    return;
  const MeshDelivery done{queued->tag, result};
  queued_transfers_.erase(id);
  on_delivered(done);
}

}  // namespace spatialvp::interconnect
