#include "interconnect/traffic/traffic_pattern.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "interconnect/link/link_params.h"

namespace spatialvp::interconnect {

std::string_view trafficKindName(TrafficKind kind) {
  switch (kind) {
    case TrafficKind::kUniformRandom:
      return "uniform";
    case TrafficKind::kTranspose:
      return "transpose";
    case TrafficKind::kBitComplement:
      return "bitcomp";
    case TrafficKind::kHotspot:
      return "hotspot";
    case TrafficKind::kNearestNeighbour:
      return "neighbour";
  }
  return "unknown";
}

std::optional<TrafficKind> parseTrafficKind(std::string_view name) {
  for (TrafficKind kind :
       {TrafficKind::kUniformRandom, TrafficKind::kTranspose, TrafficKind::kBitComplement,
        TrafficKind::kHotspot, TrafficKind::kNearestNeighbour}) {
    if (name == trafficKindName(kind))
      return kind;
  }
  return std::nullopt;
}

std::vector<std::string> TrafficPatternConfig::validate() const {
  std::vector<std::string> problems;
  auto add = [&problems](const std::string& field, const std::string& expected, auto got) {
    std::ostringstream msg;
    msg << "traffic." << field << ": expected " << expected << ", got " << got;
    problems.push_back(msg.str());
  };
  if (width == 0)
    add("width", ">= 1", width);
  if (height == 0)
    add("height", ">= 1", height);
  const std::uint64_t nodes = static_cast<std::uint64_t>(width) * height;
  if (width != 0 && height != 0 && nodes < 2)
    add("width x height", ">= 2 nodes", nodes);
  if (kind == TrafficKind::kTranspose && width != height) {
    add("kind", "a square mesh for transpose (width == height)",
        std::to_string(width) + "x" + std::to_string(height));
  }
  if (kind == TrafficKind::kHotspot) {
    if (!std::isfinite(hotspot_fraction) || hotspot_fraction < 0.0 || hotspot_fraction > 1.0) {
      add("hotspot_fraction", "a value in [0, 1]", hotspot_fraction);
    }
    for (NodeId hotspot : hotspots) {
      if (hotspot >= nodes)
        add("hotspots", "node ids < " + std::to_string(nodes), hotspot);
    }
  }
  if (static_cast<unsigned>(kind) > static_cast<unsigned>(TrafficKind::kNearestNeighbour)) {
    add("kind", "uniform|transpose|bitcomp|hotspot|neighbour", static_cast<int>(kind));
  }
  return problems;
}

namespace {
const TrafficPatternConfig& checked(const TrafficPatternConfig& config) {
  const auto problems = config.validate();
  if (!problems.empty()) {
    throw std::invalid_argument("invalid traffic pattern: " + joinMessages(problems));
  }
  return config;
}
}  // namespace

TrafficPattern::TrafficPattern(const TrafficPatternConfig& config) : config_(checked(config)) {
  if (config_.kind == TrafficKind::kHotspot && config_.hotspots.empty()) {
    config_.hotspots.push_back((config_.height / 2) * config_.width + config_.width / 2);
  }
}

NodeId TrafficPattern::uniformOther(NodeId source, DeterministicRng& rng) const {
  // Draw among the N - 1 other nodes and skip over the source.
  const auto pick = static_cast<NodeId>(rng.uniformBelow(nodes() - 1));
  return pick >= source ? pick + 1 : pick;
}

bool TrafficPattern::injects(NodeId source) const {
  const std::uint32_t x = source % config_.width;
  const std::uint32_t y = source / config_.width;
  switch (config_.kind) {
    case TrafficKind::kTranspose:
      return x != y;
    case TrafficKind::kBitComplement:
      return !(2 * x + 1 == config_.width && 2 * y + 1 == config_.height);
    default:
      return true;
  }
}

std::optional<NodeId> TrafficPattern::destination(NodeId source, DeterministicRng& rng) const {
  if (source >= nodes() || !injects(source))
    return std::nullopt;
  const std::uint32_t width = config_.width;
  const std::uint32_t height = config_.height;
  const std::uint32_t x = source % width;
  const std::uint32_t y = source / width;
  switch (config_.kind) {
    case TrafficKind::kUniformRandom:
      return uniformOther(source, rng);
    case TrafficKind::kTranspose:
      return x * width + y;
    case TrafficKind::kBitComplement:
      return (height - 1 - y) * width + (width - 1 - x);
    case TrafficKind::kHotspot: {
      if (rng.uniform01() < config_.hotspot_fraction) {
        const NodeId hotspot =
            config_.hotspots[static_cast<std::size_t>(rng.uniformBelow(config_.hotspots.size()))];
        if (hotspot != source)
          return hotspot;
      }
      return uniformOther(source, rng);
    }
    case TrafficKind::kNearestNeighbour: {
      NodeId candidates[4];
      std::size_t count = 0;
      if (x + 1 < width)
        candidates[count++] = source + 1;
      if (x > 0)
        candidates[count++] = source - 1;
      if (y + 1 < height)
        candidates[count++] = source + width;
      if (y > 0)
        candidates[count++] = source - width;
      return candidates[rng.uniformBelow(count)];
    }
  }
  return std::nullopt;
}

}  // namespace spatialvp::interconnect
