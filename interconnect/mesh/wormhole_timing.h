#pragma once
// Flit timing of one wormhole packet along its path, given when its head won each channel
// (SystemC-free, no kernel). The mesh finds the head times from its link and buffer calendars;
// this recursion then says how long each channel stays held: flit k may start on channel i
//   - once flit k-1 has left it:                   x[i][k-1] + flit_i
//   - once flit k has crossed the previous hop:   x[i-1][k] + latency_{i-1} + router
//   - once the downstream buffer has room for it: x[i+1][k-B] + credit   (B flits per buffer)
// so a packet whose head is blocked keeps streaming into the buffers ahead of it, then stops,
// and holds every channel whose tail has not passed: a packet of P flits held up at its head
// spans about ceil(P / B) links. Channel i is held from its head until its tail has crossed.
#include <cstdint>
#include <vector>

#include "platform/core/contention_timeline.h"

namespace spatialvp::interconnect {

struct WormholeChannel {
  Picoseconds flit_ps = 0;      // serialisation of one flit on this channel
  Picoseconds latency_ps = 0;   // flight latency of this channel
  Picoseconds head_ps = 0;      // input: the head starts on this channel
  Picoseconds tail_end_ps = 0;  // output: the tail has crossed (the channel is free again)
};

struct WormholeFlow {
  std::uint64_t flits = 1;          // flits of the packet (>= 1)
  std::uint64_t buffer_flits = 1;   // buffer of one virtual channel at each router input (>= 1)
  Picoseconds router_ps = 0;        // router pipeline latency, paid by every flit at each router
  Picoseconds credit_delay_ps = 0;  // a freed buffer place is usable upstream this much later
  // Arrival order only: a head that waited behind another packet in an input buffer asks for its
  // next channel this long after that packet's tail left (the router's allocation step).
  Picoseconds allocation_delay_ps = 0;
};

// Fills tail_end_ps of every channel. Channel 0 is the injection channel, the last the ejection
// (it sinks at its own rate). `scratch` is reused between calls to avoid allocation.
void computeWormholeTails(std::vector<WormholeChannel>& path, const WormholeFlow& flow,
                          std::vector<Picoseconds>& scratch);

// Earliest head time on channel 0 plus the latency until the tail is delivered, on an idle path
// whose heads advance as soon as they arrive (every flit paces the slowest channel; buffers too
// small for the credit loop slow the stream down).
Picoseconds wormholeZeroLoadLatency(std::vector<WormholeChannel> path, const WormholeFlow& flow);

}  // namespace spatialvp::interconnect
