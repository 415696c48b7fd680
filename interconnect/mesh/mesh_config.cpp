#include "interconnect/mesh/mesh_config.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "interconnect/mesh/wafer_grid_routing.h"

namespace spatialvp::interconnect {

std::string_view portName(Port port) {
  switch (port) {
    case Port::kEast:
      return "east";
    case Port::kWest:
      return "west";
    case Port::kNorth:
      return "north";
    case Port::kSouth:
      return "south";
    case Port::kLocal:
      return "local";
  }
  return "unknown";
}

std::string_view routingName(RoutingAlgorithm routing) {
  switch (routing) {
    case RoutingAlgorithm::kXY:
      return "xy";
    case RoutingAlgorithm::kYX:
      return "yx";
  }
  return "unknown";
}

std::optional<RoutingAlgorithm> parseRouting(std::string_view name) {
  if (name == "xy")
    return RoutingAlgorithm::kXY;
  if (name == "yx")
    return RoutingAlgorithm::kYX;
  return std::nullopt;
}

std::string_view flowControlName(FlowControl flow_control) {
  switch (flow_control) {
    case FlowControl::kCutThrough:
      return "cut_through";
    case FlowControl::kWormhole:
      return "wormhole";
  }
  return "unknown";
}

std::optional<FlowControl> parseFlowControl(std::string_view name) {
  if (name == "cut_through")
    return FlowControl::kCutThrough;
  if (name == "wormhole")
    return FlowControl::kWormhole;
  return std::nullopt;
}

std::string_view arbitrationName(MeshArbitration arbitration) {
  switch (arbitration) {
    case MeshArbitration::kPresentationOrder:
      return "presentation_order";
    case MeshArbitration::kArrivalOrder:
      return "arrival_order";
  }
  return "unknown";
}

std::optional<MeshArbitration> parseArbitration(std::string_view name) {
  if (name == "presentation_order")
    return MeshArbitration::kPresentationOrder;
  if (name == "arrival_order")
    return MeshArbitration::kArrivalOrder;
  return std::nullopt;
}

LinkParams MeshConfig::localPortParams() const {
  if (local_port)
    return *local_port;
  LinkParams params = link;
  params.latency_ps = 0;
  return params;
}

LinkParams MeshConfig::edgePortParams() const {
  return edge_port ? *edge_port : link;
}

LinkParams MeshConfig::interWaferLinkParams() const {
  return inter_wafer_link ? *inter_wafer_link : link;
}

std::uint64_t MeshConfig::largestPacketWireBytes() const {
  std::uint64_t largest = std::max({link.wireBytes(packet_payload_bytes),
                                    localPortParams().wireBytes(packet_payload_bytes),
                                    edgePortParams().wireBytes(packet_payload_bytes)});
  // Inter-wafer links feed router input buffers too, but exist only with a partition.
  if (partitioned())
    largest = std::max(largest, interWaferLinkParams().wireBytes(packet_payload_bytes));
  return largest;
}

std::uint32_t MeshConfig::bufferSlots() const {
  const std::uint64_t largest_packet = largestPacketWireBytes();
  if (largest_packet == 0)
    return 0;
  const std::uint64_t slots = input_buffer_bytes / largest_packet;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(slots, kMaxBufferSlots));
}

std::uint64_t MeshConfig::bufferFlitsPerVirtualChannel() const {
  if (link.flit_bytes == 0 || virtual_channels == 0)
    return 0;
  return input_buffer_bytes / link.flit_bytes / virtual_channels;
}

std::uint64_t MeshConfig::flitsPerPacket() const {
  if (link.flit_bytes == 0)
    return 0;
  return link.wireBytes(packet_payload_bytes) / link.flit_bytes;
}

void MeshConfig::validateWaferPartition(std::vector<std::string>& problems) const {
  if (!partitioned()) {
    if (!inter_wafer_link_offsets.empty()) {
      problems.push_back(
          "mesh.inter_wafer_link_offsets: expected none without a wafer "
          "partition (wafer_width, wafer_height), got " +
          std::to_string(inter_wafer_link_offsets.size()) + " offsets");
    }
    return;
  }
  bool sizes_valid = true;
  auto divides = [&](const char* field, std::uint32_t wafer, const char* mesh_field,
                     std::uint32_t mesh) {
    if (wafer != 0 && mesh % wafer == 0)
      return;
    sizes_valid = false;
    problems.push_back(std::string("mesh.") + field + ": expected a divisor of " + mesh_field +
                       " (" + std::to_string(mesh) + "; 0 for both = no wafer partition), got " +
                       std::to_string(wafer));
  };
  divides("wafer_width", wafer_width, "width", width);
  divides("wafer_height", wafer_height, "height", height);
  if (!sizes_valid)
    return;
  for (auto& problem : WaferGridRouting::validateOffsets(
           "mesh.inter_wafer_link_offsets", static_cast<int>(wafer_width),
           static_cast<int>(wafer_height), static_cast<int>(width / wafer_width),
           static_cast<int>(height / wafer_height), inter_wafer_link_offsets)) {
    problems.push_back(std::move(problem));
  }
}

void MeshConfig::validateWormhole(std::vector<std::string>& problems) const {
  auto add = [&problems](const std::string& field, const std::string& expected, auto got) {
    std::ostringstream msg;
    msg << "mesh." << field << ": expected " << expected << ", got " << got;
    problems.push_back(msg.str());
  };
  if (link.flit_bytes == 0) {
    add("link.flit_bytes", "> 0 with flow_control wormhole (buffers and credits count flits)",
        link.flit_bytes);
    return;
  }
  if (virtual_channels == 0 || virtual_channels > kMaxVirtualChannels) {
    add("virtual_channels", "1.." + std::to_string(kMaxVirtualChannels), virtual_channels);
    return;
  }
  if (bufferFlitsPerVirtualChannel() == 0) {
    add("input_buffer_bytes",
        ">= one flit per virtual channel (" + std::to_string(link.flit_bytes) + " B x " +
            std::to_string(virtual_channels) + ")",
        input_buffer_bytes);
  }
  if (packet_payload_bytes != 0 && packet_payload_bytes <= (1ULL << 32) &&
      flitsPerPacket() > kMaxWormholeFlitsPerPacket) {
    add("packet_payload_bytes",
        "at most " + std::to_string(kMaxWormholeFlitsPerPacket) + " flits per packet (wormhole)",
        packet_payload_bytes);
  }
  if (credit_delay_ps > 1000000000000ULL)
    add("credit_delay_ps", "<= 1e12 (1 s)", credit_delay_ps);
}

std::vector<std::string> MeshConfig::validate() const {
  std::vector<std::string> problems;
  auto add = [&problems](const std::string& field, const std::string& expected, auto got) {
    std::ostringstream msg;
    msg << "mesh." << field << ": expected " << expected << ", got " << got;
    problems.push_back(msg.str());
  };
  if (width == 0 || width > kMaxDimension)
    add("width", "1.." + std::to_string(kMaxDimension), width);
  if (height == 0 || height > kMaxDimension) {
    add("height", "1.." + std::to_string(kMaxDimension), height);
  }
  if (width != 0 && height != 0 && static_cast<std::uint64_t>(width) * height > kMaxRouters) {
    add("width x height", "<= " + std::to_string(kMaxRouters) + " routers",
        static_cast<std::uint64_t>(width) * height);
  }
  if (routing != RoutingAlgorithm::kXY && routing != RoutingAlgorithm::kYX) {
    add("routing", "\"xy\" or \"yx\"", static_cast<int>(routing));
  }
  for (auto& problem : link.validate("mesh.link"))
    problems.push_back(std::move(problem));
  if (local_port) {
    for (auto& problem : local_port->validate("mesh.local_port")) {
      problems.push_back(std::move(problem));
    }
  }
  if (edge_port) {
    for (auto& problem : edge_port->validate("mesh.edge_port")) {
      problems.push_back(std::move(problem));
    }
  }
  if (inter_wafer_link) {
    for (auto& problem : inter_wafer_link->validate("mesh.inter_wafer_link"))
      problems.push_back(std::move(problem));
  }
  validateWaferPartition(problems);
  if (router_latency_ps > 1000000000000ULL) {
    add("router_latency_ps", "<= 1e12 (1 s)", router_latency_ps);
  }
  if (!std::isfinite(router_energy_pj_per_bit) || router_energy_pj_per_bit < 0.0) {
    add("router_energy_pj_per_bit", "a finite value >= 0", router_energy_pj_per_bit);
  }
  if (packet_payload_bytes == 0)
    add("packet_payload_bytes", ">= 1", packet_payload_bytes);
  if (packet_payload_bytes > (1ULL << 32)) {
    add("packet_payload_bytes", "<= 4 GiB", packet_payload_bytes);
  }
  if (arbitration == MeshArbitration::kArrivalOrder &&
      (flow_control != FlowControl::kWormhole || virtual_channels != 1)) {
    add("arbitration", "presentation_order unless flow_control is wormhole with 1 virtual channel",
        std::string(arbitrationName(arbitration)));
  }
  if (allocation_delay_ps > 1000000000000ULL)
    add("allocation_delay_ps", "<= 1e12 (1 s)", allocation_delay_ps);
  else if (allocation_delay_ps != 0 && arbitration != MeshArbitration::kArrivalOrder)
    add("allocation_delay_ps", "0 unless arbitration is arrival_order", allocation_delay_ps);
  if (flow_control == FlowControl::kWormhole) {
    validateWormhole(problems);
  } else if (virtual_channels != 1) {
    add("virtual_channels", "1 with flow_control cut_through (virtual channels need wormhole)",
        virtual_channels);
  } else if (input_buffer_bytes == 0) {
    add("input_buffer_bytes", ">= one packet", input_buffer_bytes);
  } else if (packet_payload_bytes != 0 && packet_payload_bytes <= (1ULL << 32)) {
    const std::uint64_t largest_packet = largestPacketWireBytes();
    if (input_buffer_bytes < largest_packet) {
      add("input_buffer_bytes",
          ">= one packet on the wire (" + std::to_string(largest_packet) +
              " bytes: payload + headers + flit framing), since packets are buffered whole",
          input_buffer_bytes);
    }
  }
  return problems;
}

}  // namespace spatialvp::interconnect
