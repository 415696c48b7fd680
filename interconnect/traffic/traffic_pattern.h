#pragma once
// Synthetic destination patterns for a W x H mesh (SystemC-free). Node id = y * width + x.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "interconnect/mesh/mesh_types.h"
#include "interconnect/traffic/deterministic_rng.h"

namespace spatialvp::interconnect {

enum class TrafficKind : std::uint8_t {
  kUniformRandom,     // any other node, equally likely
  kTranspose,         // (x, y) -> (y, x); square meshes only; diagonal nodes stay silent
  kBitComplement,     // (x, y) -> (W-1-x, H-1-y): complements the bits of x and y when W, H
                      // are powers of two; a centre node mapping to itself stays silent
  kHotspot,           // hotspot_fraction of packets to a hotspot node, the rest uniform random
  kNearestNeighbour,  // one of the existing 4-neighbours, equally likely
};

std::string_view trafficKindName(TrafficKind kind);
// "uniform", "transpose", "bitcomp", "hotspot", "neighbour"; nullopt for anything else.
std::optional<TrafficKind> parseTrafficKind(std::string_view name);

struct TrafficPatternConfig {
  TrafficKind kind = TrafficKind::kUniformRandom;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<NodeId> hotspots;   // kHotspot only; empty: the node nearest the centre
  double hotspot_fraction = 0.2;  // kHotspot only, in [0, 1]

  std::vector<std::string> validate() const;  // messages name "traffic.<field>"
};

class TrafficPattern {
 public:
  // Throws std::invalid_argument listing every problem found by config.validate().
  explicit TrafficPattern(const TrafficPatternConfig& config);

  // Destination of the next packet from `source`; nullopt if `source` never injects.
  std::optional<NodeId> destination(NodeId source, DeterministicRng& rng) const;
  // Whether `source` injects at all under this pattern.
  bool injects(NodeId source) const;

  const TrafficPatternConfig& config() const { return config_; }
  std::uint32_t nodes() const { return config_.width * config_.height; }

 private:
  NodeId uniformOther(NodeId source, DeterministicRng& rng) const;

  TrafficPatternConfig config_;
};

}  // namespace spatialvp::interconnect
