#pragma once
// SystemC-free timing core of a W x H 2-D mesh with dimension-order routing.
//
// Model (packet-granularity virtual cut-through; see interconnect/README.md for the details):
// a burst is cut into packets; each packet's head advances channel by channel (injection port,
// D router-to-router links, ejection port), paying the router pipeline latency at each of the
// D + 1 routers and the flight latency of each channel. Every channel is a ContentionTimeline
// per direction and is held by the packet from its head to its tail. A packet may start on a
// channel only when a slot of the downstream router's input buffer is free (backpressure).
// Zero-load packet latency (all bandwidths equal):
//   L0 = t_inject + D * t_link + t_eject + (D + 1) * t_router + serialisation.
// With flow_control wormhole, buffers count flits and a channel is held until the packet's tail
// has crossed it, which a blocked head can delay across several routers (wormhole_timing.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "interconnect/link/link_params.h"
#include "interconnect/mesh/arrival_order_wormhole.h"
#include "interconnect/mesh/buffer_occupancy.h"
#include "interconnect/mesh/fault_tolerant_routing.h"
#include "interconnect/mesh/mesh_config.h"
#include "interconnect/mesh/mesh_types.h"
#include "interconnect/mesh/wafer_grid_routing.h"
#include "interconnect/mesh/wormhole_timing.h"
#include "interconnect/stats/latency_histogram.h"
#include "platform/core/contention_timeline.h"
#include "platform/core/sequential_id_map.h"

namespace spatialvp::interconnect {

// kInterWaferLink: a router-to-router link that crosses a wafer boundary (wafer partition only).
enum class ChannelKind : std::uint8_t {
  kMeshLink = 0,
  kLocalPort = 1,
  kEdgePort = 2,
  kInterWaferLink = 3
};
inline constexpr std::size_t kChannelKinds = 4;
inline bool isRouterToRouter(ChannelKind kind) {
  return kind == ChannelKind::kMeshLink || kind == ChannelKind::kInterWaferLink;
}

struct ChannelCounters {
  std::uint64_t packets = 0;
  std::uint64_t payload_bytes = 0;
  std::uint64_t wire_bytes = 0;
  Picoseconds busy_ps = 0;  // time held by packets (head to tail)
};

// One directed channel, for reports and heat maps. Mesh links are named by the router they
// leave and its output port; local and edge ports have both directions. Inter-wafer links that
// a partition leaves out (inter_wafer_link_offsets) are not channels and are not reported.
struct ChannelReport {
  NodeId router = 0;
  Port port = Port::kLocal;
  bool into_router = false;  // true: endpoint -> router (injection / edge inbound)
  ChannelKind kind = ChannelKind::kMeshLink;
  ChannelCounters counters;
};

struct FlowCounters {
  std::uint64_t transfers = 0;
  std::uint64_t bytes_injected = 0;   // counted when a transfer is presented
  std::uint64_t bytes_delivered = 0;  // counted as each packet's tail is ejected
  std::uint64_t packets_injected = 0;
  std::uint64_t packets_delivered = 0;
};

struct MeshTransferResult {
  Picoseconds start_ps = 0;      // first packet's head enters the injection channel
  Picoseconds delivered_ps = 0;  // last tail reaches the destination endpoint
  // First packet's head flit has reached the destination endpoint (with no flit framing, the
  // whole first packet has).
  Picoseconds head_delivered_ps = 0;
  std::uint64_t packets = 0;
  std::uint32_t hops = 0;  // router-to-router links per packet (D)
};

// A transfer queued with MeshNetwork::submit() whose timing is complete.
struct MeshDelivery {
  std::uint64_t tag = 0;  // the caller's, from submit()
  MeshTransferResult result;
};

// Bit counters for energy: multiply by per-bit energies (the config's, or a table's later).
struct MeshEnergyCounters {
  double mesh_link_bits = 0;         // wire bits x router-to-router links crossed (within a wafer)
  double inter_wafer_link_bits = 0;  // wire bits x inter-wafer links crossed
  double local_port_bits = 0;        // wire bits over injection and ejection ports
  double edge_port_bits = 0;         // wire bits over edge attachment ports
  double router_bits = 0;            // wire bits x routers traversed
};

// Told of every packet's stay on a channel and in a router's input buffers; the TLM mesh uses it
// to draw traces. Not called when no observer is set.
class MeshObserver {
 public:
  virtual ~MeshObserver() = default;
  virtual void channelHeld(std::uint32_t channel, Picoseconds start, Picoseconds end,
                           std::uint64_t payload_bytes) = 0;
  // A packet held buffer space in `router` over [enter, leave): `occupied_ps` is units held x
  // time (cut-through: one packet for leave - enter; wormhole: the sum over its flits of each
  // flit's stay, from its arrival to its departure on the next channel).
  virtual void bufferHeld(NodeId router, Picoseconds enter, Picoseconds leave,
                          double occupied_ps) = 0;
};

class MeshNetwork {
 public:
  // Throws std::invalid_argument listing every problem found by config.validate(), or
  // FaultSpecError for a bad fault spec.
  explicit MeshNetwork(const MeshConfig& config);

  // Moves `bytes` from `source` to `destination`, ready at `ready_ps`: cut into packets of
  // config.packet_payload_bytes (the last may be shorter; 0 bytes sends one header-only
  // packet). Throws std::invalid_argument for an endpoint that is not on this mesh.
  MeshTransferResult transfer(Endpoint source, Endpoint destination, std::uint64_t bytes,
                              Picoseconds ready_ps);
  MeshTransferResult transfer(NodeId source, NodeId destination, std::uint64_t bytes,
                              Picoseconds ready_ps) {
    return transfer(Endpoint::local(source), Endpoint::local(destination), bytes, ready_ps);
  }

  // arbitration arrival_order (transfer() throws std::logic_error then): queues a transfer,
  // ready at `ready_ps` (not before the mesh's current time, or std::invalid_argument), cut
  // into packets as transfer() does. advanceTo() grants channels in the order heads arrive up
  // to `limit_ps` and tells `on_delivered` of each transfer whose last packet has been granted
  // its exit channel (its delivery time may lie beyond `limit_ps`). The handler must not call
  // submit(). nextEventTime() gives the time of the next pending event (false: none).
  using DeliveryHandler = std::function<void(const MeshDelivery&)>;
  void submit(Endpoint source, Endpoint destination, std::uint64_t bytes, Picoseconds ready_ps,
              std::uint64_t tag);
  void advanceTo(Picoseconds limit_ps, const DeliveryHandler& on_delivered);
  bool nextEventTime(Picoseconds& time_ps) const;
  Picoseconds now() const { return arrival_order_ ? arrival_order_->now() : 0; }

  // Geometry.
  std::uint32_t width() const { return config_.width; }
  std::uint32_t height() const { return config_.height; }
  std::uint32_t nodes() const { return config_.width * config_.height; }
  NodeId nodeAt(std::uint32_t x, std::uint32_t y) const { return y * config_.width + x; }
  std::uint32_t xOf(NodeId node) const { return node % config_.width; }
  std::uint32_t yOf(NodeId node) const { return node / config_.width; }
  // Router-to-router links on the route (Manhattan distance unless a sparse wafer partition
  // makes the route detour to a linked gateway).
  std::uint32_t hops(NodeId source_router, NodeId destination_router) const;
  // True for kLocal and for compass ports that face off the mesh (edge attachment points).
  bool isEndpoint(const Endpoint& endpoint) const;
  // Output channels a packet takes, as (router, output port): D mesh links then the exit port.
  // Uses the same routing function as transfer(); lets tests check the channel dependencies.
  std::vector<std::pair<NodeId, Port>> outputPath(Endpoint source, Endpoint destination) const;
  // Every edge attachment point, in router order.
  std::vector<Endpoint> edgeEndpoints() const;

  // Closed-form latency of one packet on an idle mesh (what transfer() returns then): the
  // channel latencies along the route, D + 1 router latencies and the slowest serialisation.
  Picoseconds zeroLoadPacketLatency(Endpoint source, Endpoint destination,
                                    std::uint64_t payload_bytes) const;

  // Counters.
  std::vector<ChannelReport> channelReports() const;
  const ChannelCounters& outputChannel(NodeId router, Port port) const;
  const FlowCounters* flow(Endpoint source, Endpoint destination) const;
  const std::unordered_map<std::uint64_t, FlowCounters>& flows() const { return flows_; }
  static Endpoint flowSource(std::uint64_t flow_key);
  static Endpoint flowDestination(std::uint64_t flow_key);
  const LatencyHistogram& packetLatency() const { return packet_latency_; }
  std::uint64_t packetsDelivered() const { return packets_delivered_; }
  std::uint64_t packetHops() const { return packet_hops_; }  // sum of D over packets
  const MeshEnergyCounters& energyBits() const { return energy_bits_; }
  double energyPj() const;  // energy bits x the config's per-bit energies

  // Forgets bookings ending at or before `horizon_ps`; call only with a time that no later
  // request can precede (e.g. the global quantum boundary), to bound memory and search time.
  void retire(Picoseconds horizon_ps);

  const MeshConfig& config() const { return config_; }
  // The resolved fault map (explicit and sampled faults); empty() without faults.
  const WaferFaults& faults() const { return faults_; }

  // Tracing: `observer` (nullptr stops) hears of channel and buffer use; a channel index it is
  // given names its router, port and direction here.
  void setObserver(MeshObserver* observer) { observer_ = observer; }
  ChannelReport describeChannel(std::uint32_t channel) const;

 private:
  struct KindParams {
    LinkParams link;
    Picoseconds full_packet_serialisation = 0;
    std::uint64_t full_packet_wire_bytes = 0;
    Picoseconds flit_ps = 0;  // wormhole: serialisation of one flit
  };
  // One channel of a wormhole packet's path and the lanes (virtual channels) it holds.
  struct WormholeHop {
    std::uint32_t channel = 0;
    ChannelKind kind = ChannelKind::kMeshLink;
    std::uint32_t lane = 0;   // virtual channel taken on this channel
    NodeId router = 0;        // the router this channel leaves (the source router for injection)
    Picoseconds hold_ps = 0;  // hold to search for (grows when a tail is held up)
  };
  struct PacketTiming {
    Picoseconds start_ps;
    Picoseconds delivered_ps;
    Picoseconds head_delivered_ps;
  };

  // Packets of a transfer of `bytes` (at least one).
  std::uint64_t packetCount(std::uint64_t bytes) const {
    const std::uint64_t payload = config_.packet_payload_bytes;
    return bytes == 0 ? 1 : (bytes + payload - 1) / payload;
  }
  // Checks the endpoints and counts an injected transfer; returns its flow's counters (they
  // stay in place: flows_ is never cleared).
  FlowCounters& presentTransfer(const Endpoint& source, const Endpoint& destination,
                                std::uint64_t bytes);
  PacketTiming sendPacket(const Endpoint& source, const Endpoint& destination,
                          std::uint64_t payload_bytes, Picoseconds ready_ps, FlowCounters& flow);
  PacketTiming sendWormholePacket(const Endpoint& source, const Endpoint& destination,
                                  std::uint64_t payload_bytes, Picoseconds ready_ps,
                                  FlowCounters& flow);
  // A packet's flits and the flow-control parameters of the config.
  WormholeFlow wormholeFlow(std::uint64_t payload_bytes) const;
  // Fills wormhole_hops_ and wormhole_path_ (channels, flit times, latencies, holds of an
  // unblocked packet) for one packet and returns its flow parameters.
  WormholeFlow buildWormholePath(const Endpoint& source, const Endpoint& destination,
                                 std::uint64_t payload_bytes);
  // Counters, energy, latency and the observer for the packet whose final timing is in
  // wormhole_hops_ / wormhole_path_ / wormhole_flit_times_.
  PacketTiming recordWormholePacket(std::uint64_t flits, std::uint64_t payload_bytes,
                                    Picoseconds ready_ps, FlowCounters& flow);
  // A transfer queued with submit(): packets are tagged (id << 1) | last.
  struct QueuedTransfer {
    std::uint64_t tag = 0;
    Endpoint source;
    Endpoint destination;
    std::uint64_t bytes = 0;
    std::uint64_t packets_left = 0;
    FlowCounters* flow = nullptr;  // its flow's counters (presentTransfer)
    MeshTransferResult result;
  };
  void packetGranted(const WormholeDelivery& delivery, const DeliveryHandler& on_delivered);
  // Tells the observer each router buffer's flit occupancy by the wormhole packet just sent.
  void reportWormholeBuffers(std::uint64_t flits) const;
  // Earliest head time >= `earliest` at which a lane (virtual channel) of the hop's channel is
  // free for the hold and, with several virtual channels, the wire for the flits; sets hop.lane.
  Picoseconds wormholeHeadTime(WormholeHop& hop, Picoseconds earliest, Picoseconds wire_ps) const;
  void countChannel(std::uint32_t channel, ChannelKind kind, std::uint64_t payload_bytes,
                    std::uint64_t wire_bytes, Picoseconds busy_ps);
  // Next output port; `descending` is the up*/down* route state (start false), unused
  // without faults.
  Port route(NodeId from, NodeId to, bool& descending) const;
  NodeId neighbour(NodeId router, Port port) const;
  std::uint32_t outputChannelIndex(NodeId router, Port port) const {
    return router * kPortsPerRouter + static_cast<std::uint32_t>(port);
  }
  static NodeId routerOfOutputChannel(std::uint32_t channel) { return channel / kPortsPerRouter; }
  std::uint32_t inputChannelIndex(const Endpoint& endpoint) const;
  ChannelKind kindOfPort(Port port) const {
    return port == Port::kLocal ? ChannelKind::kLocalPort : ChannelKind::kEdgePort;
  }
  void checkEndpoint(const Endpoint& endpoint, const char* role) const;
  bool linkMissing(NodeId router, Port port) const;  // an inter-wafer link left out
  static std::uint64_t flowKey(const Endpoint& source, const Endpoint& destination);

  const KindParams& paramsOf(std::uint32_t channel) const {
    return channel_params_[channel_param_[channel]];
  }

  MeshConfig config_;
  KindParams kinds_[kChannelKinds];
  // Per channel, an index into channel_params_: the kind's parameters (entries 0..3, = kinds_)
  // or a degraded link's (further entries, the kind at reduced bandwidth).
  std::vector<KindParams> channel_params_;
  std::vector<std::uint8_t> channel_param_;
  std::optional<WaferGridRouting> wafer_routing_;  // set with a wafer partition
  WaferFaults faults_;
  std::optional<FaultTolerantRouting> fault_routing_;  // set when faults_.reroutes()
  // Channels 0 .. 5N-1: router r's output port p at r*5+p (mesh link, edge outbound, ejection).
  // Channels 5N .. : inbound ports (injection, edge inbound), looked up via input_channel_.
  std::vector<ContentionTimeline> timelines_;
  std::vector<ChannelCounters> channel_counters_;
  std::vector<ChannelKind> channel_kinds_;
  std::vector<std::uint32_t> input_channel_;    // by endpointIndex(); kNoChannel if none
  std::vector<BufferOccupancy> input_buffers_;  // by endpointIndex() of the router input port
  // Wormhole: per channel, its virtual-channel lanes (each held from a head until its tail has
  // crossed) and, with several virtual channels, the wire they share.
  std::vector<BufferOccupancy> channel_lanes_;
  std::vector<BufferOccupancy> channel_wires_;
  std::vector<WormholeHop> wormhole_hops_;        // scratch, reused per packet
  std::vector<WormholeChannel> wormhole_path_;    // scratch
  std::vector<Picoseconds> wormhole_flit_times_;  // scratch
  std::unordered_map<std::uint64_t, FlowCounters> flows_;
  LatencyHistogram packet_latency_;
  std::uint64_t packets_delivered_ = 0;
  std::uint64_t packet_hops_ = 0;
  MeshEnergyCounters energy_bits_;
  MeshObserver* observer_ = nullptr;
  std::optional<ArrivalOrderWormhole> arrival_order_;  // set with arbitration arrival_order
  SequentialIdMap<QueuedTransfer> queued_transfers_;
  std::uint64_t next_transfer_id_ = 0;
};

}  // namespace spatialvp::interconnect
