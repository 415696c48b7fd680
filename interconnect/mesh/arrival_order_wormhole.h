#pragma once
// Wormhole packets granted their channels in the order their heads arrive (SystemC-free).
//
// The calendar model (MeshNetwork::transfer) books a packet's whole path when it is presented,
// so a packet presented later cannot take a link another packet will reach after it, unless its
// whole hold fits in the gap. A router arbitrates among the heads waiting at its outputs, so the
// one that arrived first goes first. This core does that at packet level: one event per head
// arrival and one per channel release, processed in time order, and no event per flit. A channel
// is granted to the first head waiting for it (ties: earlier event) as soon as the packet holding
// it releases it; how long a packet holds each channel comes from the flit recursion of
// wormhole_timing.h, whose tail on channel i depends only on the heads on channels up to
// i + floor((P - 1) / B), so a release is known as soon as those heads have been granted.
// Each router input buffer is one FIFO (one virtual channel per port): a head asks for its next
// channel only once the packet ahead of it in that buffer has sent its tail on (head-of-line
// blocking).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "interconnect/mesh/wormhole_timing.h"

namespace spatialvp::interconnect {

struct WormholePacket {
  std::uint64_t tag = 0;  // the caller's, handed back on delivery
  Picoseconds ready_ps = 0;
  WormholeFlow flow;
  std::vector<std::uint32_t> channels;  // channel ids, injection first, exit last
  std::vector<WormholeChannel> path;    // flit_ps and latency_ps per channel (heads are outputs)
};

// A packet whose timing is complete: path[i].head_ps / tail_end_ps are final.
struct WormholeDelivery {
  std::uint64_t tag = 0;
  Picoseconds ready_ps = 0;
  Picoseconds delivered_ps = 0;            // tail has reached the destination endpoint
  Picoseconds head_delivered_ps = 0;       // head flit has reached it
  const WormholePacket* packet = nullptr;  // valid during the callback only
};

class ArrivalOrderWormhole {
 public:
  using DeliveryHandler = std::function<void(const WormholeDelivery&)>;

  explicit ArrivalOrderWormhole(std::size_t channel_count);

  // Queues a packet; it must not be ready before now(). Throws std::invalid_argument for an
  // empty path, a channel id out of range or a ready time in the past.
  void submit(WormholePacket packet);

  // Processes every event at or before `limit_ps` in time order; `on_delivered` hears of each
  // packet once its timing is complete (when its head is granted the exit channel; its tail
  // delivery may lie later than `limit_ps`).
  void advanceTo(Picoseconds limit_ps, const DeliveryHandler& on_delivered);

  // Time of the next pending event; false if none.
  bool nextEventTime(Picoseconds& time_ps) const;
  Picoseconds now() const { return now_ps_; }
  std::size_t packetsInFlight() const { return in_flight_; }

 private:
  // kHeadArrives: a head reaches the router at the far end of channel `hop` - 1 (or the source,
  // hop 0) and asks for channel `hop`; kRelease: the tail has crossed channel `hop`;
  // kBufferDeparture: the tail has left the input buffer behind channel `hop`.
  enum class EventKind : std::uint8_t { kHeadArrives, kRelease, kBufferDeparture };
  struct Event {
    Picoseconds time_ps;
    std::uint64_t sequence;  // ties in time: first scheduled first (deterministic)
    std::uint32_t packet;
    std::uint32_t hop;
    EventKind kind;
    bool operator>(const Event& other) const {
      return time_ps != other.time_ps ? time_ps > other.time_ps : sequence > other.sequence;
    }
  };
  struct Waiter {
    std::uint32_t packet;
    std::uint32_t hop;
  };
  struct Channel {
    bool held = false;
    std::queue<Waiter> waiting;          // heads in arrival order
    std::queue<std::uint32_t> buffered;  // packets in the input buffer it feeds, in order
  };
  struct InFlight {
    WormholePacket packet;
    std::uint32_t granted = 0;         // channels whose head has been granted
    std::uint32_t released = 0;        // channels whose release has been scheduled
    std::uint32_t events_pending = 0;  // releases and buffer departures scheduled, not yet run
    bool parked = false;               // head arrived behind another packet in its input buffer
    bool live = false;
  };

  void schedule(Picoseconds time_ps, std::uint32_t packet, std::uint32_t hop, EventKind kind);
  // The head of `packet` asks for channel `hop` (it is at the front of its input buffer).
  void request(std::uint32_t packet, std::uint32_t hop, const DeliveryHandler& on_delivered);
  void grant(std::uint32_t packet, std::uint32_t hop, Picoseconds time_ps,
             const DeliveryHandler& on_delivered);
  void retireIfDone(std::uint32_t packet);

  std::vector<Channel> channels_;
  std::vector<InFlight> packets_;
  std::vector<std::uint32_t> free_slots_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::vector<Picoseconds> flit_scratch_;
  std::vector<WormholeChannel> prefix_scratch_;
  std::uint64_t next_sequence_ = 0;
  Picoseconds now_ps_ = 0;
  std::size_t in_flight_ = 0;
};

}  // namespace spatialvp::interconnect
