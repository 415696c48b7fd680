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
  entry.serial = next_serial_++;
  entry.granted = 0;
  entry.released = 0;
  entry.flit_ps.assign(
      std::max<std::uint64_t>(entry.packet.flow.flits, 1) * entry.packet.path.size(), 0);
  entry.parked = false;
  ++in_flight_;
  schedule(ready, slot, 0);
}

bool ArrivalOrderWormhole::nextEventTime(Picoseconds& time_ps) const {
  if (events_.empty())
    return false;
  time_ps = events_.top().time_ps;
  return true;
}

void ArrivalOrderWormhole::schedule(Picoseconds time_ps, std::uint32_t packet, std::uint32_t hop) {
  events_.push(Event{time_ps, next_sequence_++, packet, hop});
}

void ArrivalOrderWormhole::advanceTo(Picoseconds limit_ps, const DeliveryHandler& on_delivered) {
  while (!events_.empty() && events_.top().time_ps <= limit_ps) {
    const Event event = events_.top();
    events_.pop();
    now_ps_ = event.time_ps;
    InFlight& entry = packets_[event.packet];
    if (event.hop > 0) {
      // The head is in the input buffer behind channel hop - 1: it asks for its next channel
      // only from the front of that buffer. Packets that have left are dropped here.
      std::deque<Buffered>& buffer = channels_[entry.packet.channels[event.hop - 1]].buffered;
      while (buffer.front().departure_ps != kUnknown && buffer.front().departure_ps <= now_ps_)
        buffer.pop_front();
      const Buffered& front = buffer.front();
      if (front.serial != entry.serial) {
        if (front.departure_ps != kUnknown) {
          schedule(front.departure_ps + entry.packet.flow.allocation_delay_ps, event.packet,
                   event.hop);
        } else
          entry.parked = true;  // woken when the front's departure is known
        continue;
      }
    }
    Channel& channel = channels_[entry.packet.channels[event.hop]];
    if (channel.waiting.empty() && channel.free_ps != kUnknown)
      grant(event.packet, event.hop, std::max(now_ps_, channel.free_ps), on_delivered);
    else
      channel.waiting.push_back(Waiter{event.packet, event.hop, now_ps_});
  }
  now_ps_ = std::max(now_ps_, limit_ps);
}

void ArrivalOrderWormhole::grant(std::uint32_t packet, std::uint32_t hop, Picoseconds time_ps,
                                 const DeliveryHandler& on_delivered) {
  grants_.push_back(Grant{packet, hop, time_ps});
  while (!grants_.empty()) {
    const Grant next = grants_.back();
    grants_.pop_back();
    grantOne(next, on_delivered);
  }
}

void ArrivalOrderWormhole::grantOne(const Grant& granted, const DeliveryHandler& on_delivered) {
  InFlight& entry = packets_[granted.packet];
  WormholePacket& packet = entry.packet;
  std::vector<WormholeChannel>& path = packet.path;
  const auto channels = static_cast<std::uint32_t>(path.size());
  const std::uint32_t hop = granted.hop;
  const bool last = hop + 1 == channels;
  Channel& channel = channels_[packet.channels[hop]];
  channel.free_ps = kUnknown;
  if (!last)  // its flits queue in the next router's input buffer
    channel.buffered.push_back(Buffered{granted.packet, entry.serial, kUnknown});
  path[hop].head_ps = granted.time_ps;
  entry.granted = hop + 1;
  if (!last) {
    schedule(granted.time_ps + path[hop].latency_ps + packet.flow.router_ps, granted.packet,
             hop + 1);
  }

  // Channels whose tail no longer depends on a head still to come.
  const std::uint64_t flits = std::max<std::uint64_t>(packet.flow.flits, 1);
  const std::uint64_t buffer = std::max<std::uint64_t>(packet.flow.buffer_flits, 1);
  const std::uint64_t depth = (flits - 1) / buffer;
  std::uint32_t known = 0;  // channels [0, known) have final tails
  if (last)
    known = channels;
  else if (hop >= depth)
    known = static_cast<std::uint32_t>(hop - depth + 1);
  computeFinalFlits(entry, hop);
  if (known > entry.released) {
    for (std::uint32_t i = entry.released; i < known; ++i) {
      path[i].tail_end_ps = entry.flit_ps[(flits - 1) * channels + i] + path[i].flit_ps;
      tailKnown(granted.packet, i);
    }
    entry.released = known;
  }

  if (last) {
    const WormholeChannel& exit = path.back();
    WormholeDelivery delivery;
    delivery.tag = packet.tag;
    delivery.ready_ps = packet.ready_ps;
    delivery.delivered_ps = exit.tail_end_ps + exit.latency_ps;
    delivery.head_delivered_ps = exit.head_ps + exit.flit_ps + exit.latency_ps;
    delivery.packet = &packet;
    on_delivered(delivery);
    // Nothing refers to the slot any more but buffer entries that have departed, which the
    // serial tells apart from the next packet in this slot.
    --in_flight_;
    free_slots_.push_back(granted.packet);
  }
}

void ArrivalOrderWormhole::computeFinalFlits(InFlight& entry, std::uint32_t hop) {
  const std::vector<WormholeChannel>& path = entry.packet.path;
  const WormholeFlow& flow = entry.packet.flow;
  const std::size_t channels = path.size();
  const std::uint64_t flits = std::max<std::uint64_t>(flow.flits, 1);
  const std::uint64_t buffer = std::max<std::uint64_t>(flow.buffer_flits, 1);
  const bool last = hop + 1 == channels;
  auto x = [&](std::size_t channel, std::uint64_t flit) -> Picoseconds& {
    return entry.flit_ps[static_cast<std::size_t>(flit) * channels + channel];
  };
  // Same dependencies as computeWormholeTails; every input of an entry made final here has a
  // lower flit index or is final already, so flit-major order computes each entry once.
  auto compute = [&](std::size_t channel, std::uint64_t flit) {
    const WormholeChannel& here = path[channel];
    Picoseconds start = here.head_ps;
    if (flit > 0) {
      start = std::max(start, x(channel, flit - 1) + here.flit_ps);
      if (channel > 0)
        start =
            std::max(start, x(channel - 1, flit) + path[channel - 1].latency_ps + flow.router_ps);
      if (channel + 1 < channels && flit >= buffer)
        start = std::max(start, x(channel + 1, flit - buffer) + flow.credit_delay_ps);
    }
    x(channel, flit) = start;
  };
  for (std::uint64_t flit = 0; flit < flits; ++flit) {
    const std::uint64_t round = flit / buffer;  // final with the head on channel + round
    if (!last) {
      if (round > hop)
        break;
      compute(hop - round, flit);
    } else {
      // The exit sinks at its own rate: every entry still open is final now.
      const std::size_t first = round >= hop ? 0 : hop - round;
      for (std::size_t channel = first; channel < channels; ++channel)
        compute(channel, flit);
    }
  }
}

void ArrivalOrderWormhole::tailKnown(std::uint32_t slot, std::uint32_t hop) {
  InFlight& entry = packets_[slot];
  const WormholeChannel& timing = entry.packet.path[hop];
  // The channel is free once the tail has crossed: the first head waiting takes it then.
  Channel& channel = channels_[entry.packet.channels[hop]];
  if (channel.waiting.empty()) {
    channel.free_ps = timing.tail_end_ps;
  } else {
    const Waiter next = channel.waiting.front();
    channel.waiting.pop_front();
    grants_.push_back(Grant{next.packet, next.hop, std::max(timing.tail_end_ps, next.arrived_ps)});
  }
  if (hop == 0)
    return;
  // The tail starting on channel `hop` has left the input buffer behind channel hop - 1; the
  // packet behind it there, if its head is waiting, may ask for its next channel then.
  std::deque<Buffered>& buffer = channels_[entry.packet.channels[hop - 1]].buffered;
  auto it = std::find_if(buffer.begin(), buffer.end(),
                         [&](const Buffered& b) { return b.serial == entry.serial; });
  const Picoseconds departure = std::max(now_ps_, timing.tail_end_ps - timing.flit_ps);
  it->departure_ps = departure;
  if (++it == buffer.end())
    return;
  InFlight& behind = packets_[it->packet];
  if (behind.parked) {
    behind.parked = false;
    schedule(departure + behind.packet.flow.allocation_delay_ps, it->packet, behind.granted);
  }
}

}  // namespace spatialvp::interconnect
