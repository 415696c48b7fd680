#include "interconnect/mesh/wormhole_timing.h"

#include <algorithm>

namespace spatialvp::interconnect {

void computeWormholeTails(std::vector<WormholeChannel>& path, const WormholeFlow& flow,
                          std::vector<Picoseconds>& scratch) {
  const std::size_t channels = path.size();
  const std::uint64_t flits = std::max<std::uint64_t>(flow.flits, 1);
  const std::uint64_t buffer = std::max<std::uint64_t>(flow.buffer_flits, 1);
  scratch.assign(channels * flits, 0);
  // x(i, k): start of flit k on channel i. Every dependency has a lower flit index or a lower
  // channel index at the same flit, so flit-major order computes each entry once.
  auto x = [&](std::size_t channel, std::uint64_t flit) -> Picoseconds& {
    return scratch[static_cast<std::size_t>(flit) * channels + channel];
  };
  for (std::uint64_t flit = 0; flit < flits; ++flit) {
    for (std::size_t channel = 0; channel < channels; ++channel) {
      const WormholeChannel& hop = path[channel];
      Picoseconds start = hop.head_ps;
      if (flit > 0) {
        start = std::max(start, x(channel, flit - 1) + hop.flit_ps);
        if (channel > 0) {
          start =
              std::max(start, x(channel - 1, flit) + path[channel - 1].latency_ps + flow.router_ps);
        }
        if (channel + 1 < channels && flit >= buffer)
          start = std::max(start, x(channel + 1, flit - buffer) + flow.credit_delay_ps);
      }
      x(channel, flit) = start;
    }
  }
  for (std::size_t channel = 0; channel < channels; ++channel)
    path[channel].tail_end_ps = x(channel, flits - 1) + path[channel].flit_ps;
}

Picoseconds wormholeZeroLoadLatency(std::vector<WormholeChannel> path, const WormholeFlow& flow) {
  if (path.empty())
    return 0;
  Picoseconds head = 0;
  for (WormholeChannel& hop : path) {
    hop.head_ps = head;
    head += hop.latency_ps + flow.router_ps;
  }
  std::vector<Picoseconds> scratch;
  computeWormholeTails(path, flow, scratch);
  return path.back().tail_end_ps + path.back().latency_ps;
}

}  // namespace spatialvp::interconnect
