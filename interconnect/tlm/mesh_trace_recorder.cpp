#include "interconnect/tlm/mesh_trace_recorder.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace spatialvp::interconnect {

namespace {

// E, W, N, S or L, as the stats name ports.
std::string portLetter(Port port) {
  return std::string(1, static_cast<char>(std::toupper(portName(port).front())));
}

}  // namespace

MeshTraceRecorder::MeshTraceRecorder(TraceWriter& writer, std::string owner, std::string category,
                                     const MeshNetwork& network)
    : writer_(writer),
      owner_(std::move(owner)),
      category_(std::move(category)),
      network_(network),
      buffers_(network.nodes(), -1) {}

std::string MeshTraceRecorder::routerName(NodeId router) const {
  return "x" + std::to_string(network_.xOf(router)) + "y" + std::to_string(network_.yOf(router));
}

std::string MeshTraceRecorder::endpointName(const Endpoint& endpoint) const {
  const std::string router = routerName(endpoint.router);
  return endpoint.port == Port::kLocal ? router : router + "." + portLetter(endpoint.port);
}

void MeshTraceRecorder::begin(std::uint64_t flow, const char* what, const Endpoint& source,
                              const Endpoint& destination) {
  flow_ = flow;
  what_ = what;
  uses_.clear();
  args_ = TraceArgs{};
  args_.source = endpointName(source);
  args_.destination = endpointName(destination);
}

void MeshTraceRecorder::end() {
  for (const Use& use : uses_) {
    TraceArgs args = args_;
    args.bytes = use.bytes;
    writer_.transfer(channelResource(use.channel), flow_, what_, use.start, use.end, args);
  }
  uses_.clear();
}

TraceResource MeshTraceRecorder::channelResource(std::uint32_t channel) {
  if (channels_.size() <= channel)
    channels_.resize(channel + 1);
  if (channels_[channel].track == 0) {
    // Named as in stats.json: link.<router>.<port>, "_in" for the way into the router.
    const ChannelReport info = network_.describeChannel(channel);
    const std::string name = owner_ + ".link." + routerName(info.router) + "." +
                             portLetter(info.port) + (info.into_router ? "_in" : "");
    channels_[channel] = writer_.resource(name, category_);
  }
  return channels_[channel];
}

void MeshTraceRecorder::channelHeld(std::uint32_t channel, Picoseconds start, Picoseconds end,
                                    std::uint64_t payload_bytes) {
  for (Use& use : uses_) {
    if (use.channel == channel) {
      use.start = std::min(use.start, start);
      use.end = std::max(use.end, end);
      use.bytes += payload_bytes;
      ++use.packets;
      return;
    }
  }
  uses_.push_back({channel, start, end, payload_bytes, 1});
}

void MeshTraceRecorder::bufferHeld(NodeId router, Picoseconds enter, Picoseconds leave,
                                   double occupied_ps) {
  int& counter = buffers_[router];
  if (counter < 0) {
    const bool flits = network_.config().flow_control == FlowControl::kWormhole;
    counter = writer_.counter(owner_ + ".router." + routerName(router) + " buffer occupancy",
                              category_, flits ? "flits" : "packets", 1e-12);
  }
  // Occupied picoseconds per second of bin x 1e-12 = packets (flits) held on average.
  writer_.spread(counter, enter, leave, occupied_ps);
}

}  // namespace spatialvp::interconnect
