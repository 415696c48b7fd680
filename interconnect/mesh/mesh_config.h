#pragma once
// Configuration of the 2-D mesh timing core. One struct serves on-chip meshes (cores joined by
// wires) and on-wafer meshes (dies joined by D2D links): only `link` and latencies differ.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interconnect/link/link_params.h"
#include "interconnect/mesh/mesh_types.h"
#include "interconnect/mesh/wafer_faults.h"

namespace spatialvp::interconnect {

struct MeshConfig {
  std::uint32_t width = 0;   // routers along x
  std::uint32_t height = 0;  // routers along y
  RoutingAlgorithm routing = RoutingAlgorithm::kXY;
  LinkParams link;                           // every router-to-router link, each direction
  Picoseconds router_latency_ps = 0;         // pipeline latency of one router traversal (head)
  std::uint64_t packet_payload_bytes = 256;  // bursts are cut into packets of this payload
  // Input buffer per router port, in wire bytes. Cut-through: holds floor(buffer / packet wire
  // bytes) packets (at most kMaxBufferSlots are modelled); a packet must fit. Wormhole: split
  // evenly over the virtual channels, in whole flits of link.flit_bytes (at least one each).
  std::uint64_t input_buffer_bytes = 4096;
  FlowControl flow_control = FlowControl::kCutThrough;
  // Wormhole only: virtual channels per router input port (and per link), and the delay from a
  // flit leaving a buffer until the upstream router may send into the freed place (credit).
  std::uint32_t virtual_channels = 1;
  Picoseconds credit_delay_ps = 0;
  // kArrivalOrder needs wormhole with one virtual channel (see MeshArbitration).
  MeshArbitration arbitration = MeshArbitration::kPresentationOrder;
  // kArrivalOrder only: see WormholeFlow::allocation_delay_ps.
  Picoseconds allocation_delay_ps = 0;
  // Injection/ejection port between a node and its router. Unset: `link` with latency 0.
  std::optional<LinkParams> local_port;
  // Links to endpoints attached on the mesh edges (HBM, inter-wafer). Unset: same as `link`.
  std::optional<LinkParams> edge_port;
  double router_energy_pj_per_bit = 0.0;  // per wire bit traversing one router

  // Optional wafer partition: the mesh is a grid of wafers of wafer_width x wafer_height
  // routers (dies); 0 x 0 = no partition. The router-to-router links that cross a wafer boundary
  // are inter-wafer links with their own parameters, present only at the listed positions along
  // each facing edge, and routing goes through them as WaferGridRouting says.
  std::uint32_t wafer_width = 0;
  std::uint32_t wafer_height = 0;
  std::optional<LinkParams> inter_wafer_link;  // unset: same as `link`
  // Positions along a facing wafer edge (local y on east/west edges, local x on north/south
  // edges) that carry an inter-wafer link; empty = every edge router.
  std::vector<int> inter_wafer_link_offsets;
  // Dead dies, dead or degraded links, dead HBM stacks (none by default). With dead dies or
  // links the mesh routes up*/down* around them (fault_tolerant_routing.h); degraded links
  // serialise at their reduced bandwidth; MeshNetwork resolves and checks the spec
  // (FaultSpecError).
  WaferFaultSpec faults;

  static constexpr std::uint32_t kMaxDimension = 4096;
  static constexpr std::uint64_t kMaxRouters = 1u << 20;
  static constexpr std::uint32_t kMaxBufferSlots = 64;
  static constexpr std::uint32_t kMaxVirtualChannels = 64;
  static constexpr std::uint64_t kMaxWormholeFlitsPerPacket = 1u << 16;

  LinkParams localPortParams() const;
  LinkParams edgePortParams() const;
  LinkParams interWaferLinkParams() const;
  bool partitioned() const { return wafer_width != 0 || wafer_height != 0; }
  std::uint32_t nodes() const { return width * height; }
  // Packets of full payload one input buffer holds, capped at kMaxBufferSlots (0 if invalid).
  std::uint32_t bufferSlots() const;
  // Wormhole: flits one virtual channel's buffer holds (0 if invalid), and flits of a full
  // packet on the wire (link framing, used by every channel kind).
  std::uint64_t bufferFlitsPerVirtualChannel() const;
  std::uint64_t flitsPerPacket() const;
  // Wire bytes of a full packet on the channel kind that frames it largest (0 if invalid).
  std::uint64_t largestPacketWireBytes() const;

  // Problems, each naming "mesh.<field>", the expectation and the value given. Empty if valid.
  std::vector<std::string> validate() const;

 private:
  void validateWaferPartition(std::vector<std::string>& problems) const;
  void validateWormhole(std::vector<std::string>& problems) const;
};

}  // namespace spatialvp::interconnect
