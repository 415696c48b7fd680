#pragma once
// Draws a traced mesh run: every link and port a transfer used as one span (first packet head
// to last tail) on the channel's track, joined to the transaction's flow; link bandwidth and
// router input-buffer occupancy (packets under cut-through, flits under wormhole) as counter
// tracks. Only exists when the run is traced.
#include <cstdint>
#include <string>
#include <vector>

#include "interconnect/mesh/mesh_network.h"
#include "platform/core/trace_writer.h"

namespace spatialvp::interconnect {

class MeshTraceRecorder : public MeshObserver {
 public:
  MeshTraceRecorder(TraceWriter& writer, std::string owner, std::string category,
                    const MeshNetwork& network);

  // Brackets one MeshNetwork::transfer(): the channels it holds in between are drawn at end().
  void begin(std::uint64_t flow, const char* what, const Endpoint& source,
             const Endpoint& destination);
  void end();

  void channelHeld(std::uint32_t channel, Picoseconds start, Picoseconds end,
                   std::uint64_t payload_bytes) override;
  void bufferHeld(NodeId router, Picoseconds enter, Picoseconds leave, double occupied_ps) override;

  // "x1y0" for a router's local port, "x1y0.N" for an edge port.
  std::string endpointName(const Endpoint& endpoint) const;

 private:
  struct Use {
    std::uint32_t channel;
    Picoseconds start;
    Picoseconds end;
    std::uint64_t bytes;
    std::uint64_t packets;
  };
  std::string routerName(NodeId router) const;
  TraceResource channelResource(std::uint32_t channel);

  TraceWriter& writer_;
  std::string owner_;
  std::string category_;
  const MeshNetwork& network_;
  std::vector<TraceResource> channels_;  // by channel index; track 0 = not created yet
  std::vector<int> buffers_;             // occupancy counter by router; -1 = not yet
  std::vector<Use> uses_;                // the current transfer's channels
  std::uint64_t flow_ = 0;
  const char* what_ = "";
  TraceArgs args_;
};

}  // namespace spatialvp::interconnect
