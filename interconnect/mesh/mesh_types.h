#pragma once
// Small value types shared by the mesh configuration, network and traffic code.
#include <cstdint>
#include <optional>
#include <string_view>

namespace spatialvp::interconnect {

// Router ports. The four compass ports of a border router that face off the mesh are edge
// attachment points (HBM stacks, inter-wafer links); kLocal is the node's network interface.
// East = +x, North = +y; node id = y * width + x.
enum class Port : std::uint8_t { kEast = 0, kWest = 1, kNorth = 2, kSouth = 3, kLocal = 4 };
inline constexpr std::uint32_t kPortsPerRouter = 5;

enum class RoutingAlgorithm : std::uint8_t { kXY = 0, kYX = 1 };

// How a packet holds buffers and links. kCutThrough: whole packets are buffered (packet slots);
// kWormhole: credit-based buffers sized in flits, so a packet longer than a buffer holds several
// links at once while its head is blocked (see interconnect/README.md).
enum class FlowControl : std::uint8_t { kCutThrough = 0, kWormhole = 1 };

// Which packet gets a contended channel. kPresentationOrder: each packet books its whole path
// when it is presented, in calendars (an answer at once, for loosely-timed callers);
// kArrivalOrder: heads are granted in the order they arrive, as a router arbitrates (queued
// transfers timed by advancing the mesh; wormhole with one virtual channel).
enum class MeshArbitration : std::uint8_t { kPresentationOrder = 0, kArrivalOrder = 1 };

using NodeId = std::uint32_t;

// Where traffic enters or leaves the mesh: a router and the port the endpoint sits on.
// {n, kLocal} is node n's own interface; {n, kWest} with x(n) == 0 is an edge attachment.
struct Endpoint {
  NodeId router = 0;
  Port port = Port::kLocal;

  static Endpoint local(NodeId node) { return Endpoint{node, Port::kLocal}; }
  friend bool operator==(const Endpoint& a, const Endpoint& b) {
    return a.router == b.router && a.port == b.port;
  }
};

// Dense index of an endpoint: router * kPortsPerRouter + port.
inline std::uint32_t endpointIndex(const Endpoint& endpoint) {
  return endpoint.router * kPortsPerRouter + static_cast<std::uint32_t>(endpoint.port);
}

std::string_view portName(Port port);
std::string_view routingName(RoutingAlgorithm routing);
// "xy" / "yx" (case-sensitive); nullopt for anything else.
std::optional<RoutingAlgorithm> parseRouting(std::string_view name);
std::string_view flowControlName(FlowControl flow_control);
// "cut_through" / "wormhole" (case-sensitive); nullopt for anything else.
std::optional<FlowControl> parseFlowControl(std::string_view name);
std::string_view arbitrationName(MeshArbitration arbitration);
// "presentation_order" / "arrival_order" (case-sensitive); nullopt for anything else.
std::optional<MeshArbitration> parseArbitration(std::string_view name);

}  // namespace spatialvp::interconnect
