#include "interconnect/tlm/mesh_topology_source.h"

namespace spatialvp::interconnect {

std::string describeAttachment(const Endpoint& endpoint, std::uint32_t width) {
  const std::uint32_t x = endpoint.router % width;
  const std::uint32_t y = endpoint.router / width;
  switch (endpoint.port) {
    case Port::kNorth:
      return "N" + std::to_string(x);
    case Port::kSouth:
      return "S" + std::to_string(x);
    case Port::kEast:
      return "E" + std::to_string(y);
    case Port::kWest:
      return "W" + std::to_string(y);
    case Port::kLocal:
      break;
  }
  return "x" + std::to_string(x) + "y" + std::to_string(y);
}

}  // namespace spatialvp::interconnect
