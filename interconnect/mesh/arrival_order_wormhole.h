#pragma once
// Wormhole packets granted their channels in the order their heads arrive (SystemC-free).
//
// The calendar model (MeshNetwork::transfer) books a packet's whole path when it is presented,
// so a packet presented later cannot take a link another packet will reach after it, unless its
// whole hold fits in the gap. A router arbitrates among the heads waiting at its outputs, so the
// one that arrived first goes first. This core does that at packet level, with one event per
// head arrival and no event per flit: a head that finds its channel free, or its release already
// known, takes it then; otherwise it waits in the channel's FIFO and is granted the channel when
// the holder's release time becomes known. How long a packet holds each channel comes from the
// flit recursion of wormhole_timing.h, whose tail on channel i depends only on the heads on
// channels up to i + floor((P - 1) / B), so a release is known as soon as those heads have been
// granted. Each router input buffer is one FIFO (one virtual channel per port): a head asks for
// its next channel only once the packet ahead of it in that buffer has sent its tail on
// (head-of-line blocking), plus the flow's allocation delay.
#include <cstddef>
#include <cstdint>
#include <deque>
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
  static constexpr Picoseconds kUnknown = ~Picoseconds{0};
  struct Event {  // the head of `packet` reaches the router before channel `hop` (hop 0: source)
    Picoseconds time_ps;
    std::uint64_t sequence;  // ties in time: first scheduled first (deterministic)
    std::uint32_t packet;
    std::uint32_t hop;
    bool operator>(const Event& other) const {
      return time_ps != other.time_ps ? time_ps > other.time_ps : sequence > other.sequence;
    }
  };
  struct Waiter {
    std::uint32_t packet;
    std::uint32_t hop;
    Picoseconds arrived_ps;
  };
  struct Buffered {  // a packet in the input buffer a channel feeds
    std::uint32_t packet;
    std::uint64_t serial;                 // slots are reused; the serial is not
    Picoseconds departure_ps = kUnknown;  // its tail starts on the next channel
  };
  struct Channel {
    Picoseconds free_ps = 0;        // kUnknown while the holder's release is not known
    std::deque<Waiter> waiting;     // heads in arrival order
    std::deque<Buffered> buffered;  // packets in the input buffer it feeds, in order
  };
  struct InFlight {
    WormholePacket packet;
    std::uint64_t serial = 0;
    std::uint32_t granted = 0;         // channels whose head has been granted
    std::uint32_t released = 0;        // channels whose tail is known
    std::vector<Picoseconds> flit_ps;  // start of flit k on channel i at [k * channels + i]
    bool parked = false;  // head arrived behind a packet whose departure is not known yet
  };
  struct Grant {
    std::uint32_t packet;
    std::uint32_t hop;
    Picoseconds time_ps;
  };

  void schedule(Picoseconds time_ps, std::uint32_t packet, std::uint32_t hop);
  // Grants `hop` to `packet` at `time_ps` and everything that follows from it (releases that
  // become known grant the next waiter), without recursion.
  void grant(std::uint32_t packet, std::uint32_t hop, Picoseconds time_ps,
             const DeliveryHandler& on_delivered);
  void grantOne(const Grant& grant, const DeliveryHandler& on_delivered);
  // The flit times that the head just granted on `hop` makes final (flit k on channel i is final
  // once the heads up to channel i + floor(k / B) are known): the recursion of
  // wormhole_timing.h, a few entries per grant instead of the whole path.
  static void computeFinalFlits(InFlight& entry, std::uint32_t hop);
  // The tail of the packet in `slot` is known on channel `hop` of its path.
  void tailKnown(std::uint32_t slot, std::uint32_t hop);

  std::vector<Channel> channels_;
  std::vector<InFlight> packets_;
  std::vector<std::uint32_t> free_slots_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::vector<Grant> grants_;  // worklist of grant()
  std::uint64_t next_sequence_ = 0;
  std::uint64_t next_serial_ = 0;
  Picoseconds now_ps_ = 0;
  std::size_t in_flight_ = 0;
};

}  // namespace spatialvp::interconnect
