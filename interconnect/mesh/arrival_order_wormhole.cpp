#include "interconnect/mesh/arrival_order_wormhole.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace spatialvp::interconnect {

ArrivalOrderWormhole::ArrivalOrderWormhole(std::size_t channel_count) : channels_(channel_count) {}

void ArrivalOrderWormhole::submit(WormholePacket packet) {
  if (packet.channels.empty() || packet.channels.size() != packet.path.size())
    throw std::invalid_argument("ArrivalOrderWormhole: a packet needs one timing per channel");
  for (std::uint32_t channel : packet.channels) {
    if (channel >= channels_.size())
      throw std::invalid_argument("ArrivalOrderWormhole: channel " + std::to_string(channel) +
                                  " out of range");
  }
  if (packet.ready_ps < now_ps_) {
    throw std::invalid_argument("ArrivalOrderWormhole: packet ready at " +
                                std::to_string(packet.ready_ps) + " ps, before the current time " +
                                std::to_string(now_ps_) + " ps");
  }
  std::uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(packets_.size());
    packets_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  InFlight& entry = packets_[slot];
  const Picoseconds ready = packet.ready_ps;
  entry.packet = std::move(packet);
  entry.granted = 0;
  entry.released = 0;
  entry.events_pending = 0;
  entry.parked = false;
  entry.live = true;
  ++in_flight_;
  schedule(ready, slot, 0, EventKind::kHeadArrives);
}

bool ArrivalOrderWormhole::nextEventTime(Picoseconds& time_ps) const {
  if (events_.empty())
    return false;
  time_ps = events_.top().time_ps;
  return true;
}

void ArrivalOrderWormhole::schedule(Picoseconds time_ps, std::uint32_t packet, std::uint32_t hop,
                                    EventKind kind) {
  events_.push(Event{time_ps, next_sequence_++, packet, hop, kind});
}

void ArrivalOrderWormhole::advanceTo(Picoseconds limit_ps, const DeliveryHandler& on_delivered) {
  while (!events_.empty() && events_.top().time_ps <= limit_ps) {
    const Event event = events_.top();
    events_.pop();
    now_ps_ = event.time_ps;
    InFlight& entry = packets_[event.packet];
    switch (event.kind) {
      case EventKind::kHeadArrives: {
        // Behind another packet in the input buffer it has reached: wait for that one's tail.
        if (event.hop > 0 &&
            channels_[entry.packet.channels[event.hop - 1]].buffered.front() != event.packet) {
          entry.parked = true;
          break;
        }
        request(event.packet, event.hop, on_delivered);
        break;
      }
      case EventKind::kRelease: {
        Channel& channel = channels_[entry.packet.channels[event.hop]];
        channel.held = false;
        --entry.events_pending;
        retireIfDone(event.packet);
        if (!channel.waiting.empty()) {
          const Waiter next = channel.waiting.front();
          channel.waiting.pop();
          grant(next.packet, next.hop, now_ps_, on_delivered);
        }
        break;
      }
      case EventKind::kBufferDeparture: {
        Channel& channel = channels_[entry.packet.channels[event.hop]];
        channel.buffered.pop();
        --entry.events_pending;
        retireIfDone(event.packet);
        if (channel.buffered.empty())
          break;
        const std::uint32_t next = channel.buffered.front();
        InFlight& waiting = packets_[next];
        if (waiting.parked) {
          waiting.parked = false;
          request(next, waiting.granted, on_delivered);
        }
        break;
      }
    }
  }
  now_ps_ = std::max(now_ps_, limit_ps);
}

void ArrivalOrderWormhole::request(std::uint32_t packet_index, std::uint32_t hop,
                                   const DeliveryHandler& on_delivered) {
  Channel& channel = channels_[packets_[packet_index].packet.channels[hop]];
  if (channel.held)
    channel.waiting.push(Waiter{packet_index, hop});
  else
    grant(packet_index, hop, now_ps_, on_delivered);
}

void ArrivalOrderWormhole::grant(std::uint32_t packet_index, std::uint32_t hop, Picoseconds time_ps,
                                 const DeliveryHandler& on_delivered) {
  InFlight& entry = packets_[packet_index];
  WormholePacket& packet = entry.packet;
  std::vector<WormholeChannel>& path = packet.path;
  const auto channels = static_cast<std::uint32_t>(path.size());
  Channel& granted = channels_[packet.channels[hop]];
  granted.held = true;
  if (hop + 1 < path.size())
    granted.buffered.push(packet_index);  // its flits queue in the next router's input buffer
  path[hop].head_ps = time_ps;
  entry.granted = hop + 1;
  const bool last = hop + 1 == channels;
  if (!last)
    schedule(time_ps + path[hop].latency_ps + packet.flow.router_ps, packet_index, hop + 1,
             EventKind::kHeadArrives);

  // Channels whose tail no longer depends on a head still to come.
  const std::uint64_t flits = std::max<std::uint64_t>(packet.flow.flits, 1);
  const std::uint64_t buffer = std::max<std::uint64_t>(packet.flow.buffer_flits, 1);
  const std::uint64_t depth = (flits - 1) / buffer;
  std::uint32_t known = 0;  // channels [0, known) have final tails
  if (last)
    known = channels;
  else if (hop >= depth)
    known = static_cast<std::uint32_t>(hop - depth + 1);
  if (known <= entry.released)
    return;

  if (last) {
    computeWormholeTails(path, packet.flow, flit_scratch_);
  } else {
    // The heads granted so far; the last of them stands in for the rest of the path, which
    // does not reach the tails of channels [0, known).
    prefix_scratch_.assign(path.begin(), path.begin() + hop + 1);
    computeWormholeTails(prefix_scratch_, packet.flow, flit_scratch_);
    for (std::uint32_t i = entry.released; i < known; ++i)
      path[i].tail_end_ps = prefix_scratch_[i].tail_end_ps;
  }
  for (std::uint32_t i = entry.released; i < known; ++i) {
    schedule(std::max(time_ps, path[i].tail_end_ps), packet_index, i, EventKind::kRelease);
    ++entry.events_pending;
    if (i == 0)
      continue;
    // The tail starts on channel i: it has left the input buffer behind channel i - 1.
    schedule(std::max(time_ps, path[i].tail_end_ps - path[i].flit_ps), packet_index, i - 1,
             EventKind::kBufferDeparture);
    ++entry.events_pending;
  }
  entry.released = known;

  if (last) {
    const WormholeChannel& exit = path.back();
    WormholeDelivery delivery;
    delivery.tag = packet.tag;
    delivery.ready_ps = packet.ready_ps;
    delivery.delivered_ps = exit.tail_end_ps + exit.latency_ps;
    delivery.head_delivered_ps = exit.head_ps + exit.flit_ps + exit.latency_ps;
    delivery.packet = &packet;
    on_delivered(delivery);
  }
}

void ArrivalOrderWormhole::retireIfDone(std::uint32_t packet_index) {
  InFlight& entry = packets_[packet_index];
  if (!entry.live || entry.events_pending != 0 || entry.granted != entry.packet.path.size() ||
      entry.released != entry.packet.path.size())
    return;
  entry.live = false;
  --in_flight_;
  free_slots_.push_back(packet_index);
}

}  // namespace spatialvp::interconnect
