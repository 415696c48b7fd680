#include "interconnect/traffic/traffic_pattern.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "interconnect/traffic/deterministic_rng.h"

using namespace spatialvp::interconnect;

namespace {
TrafficPattern makePattern(TrafficKind kind, std::uint32_t width, std::uint32_t height) {
  TrafficPatternConfig config;
  config.kind = kind;
  config.width = width;
  config.height = height;
  return TrafficPattern(config);
}
}  // namespace

TEST_CASE("Traffic: deterministic RNG is seeded, in range and has the right moments",
          "[interconnect][traffic]") {
  DeterministicRng a(99);
  DeterministicRng b(99);
  for (int i = 0; i < 100; ++i)
    REQUIRE(a.next() == b.next());
  DeterministicRng rng(5);
  std::vector<int> counts(7, 0);
  double exponential_sum = 0;
  const int samples = 70000;
  for (int i = 0; i < samples; ++i) {
    const auto value = rng.uniformBelow(7);
    REQUIRE(value < 7);
    ++counts[value];
    const double u = rng.uniform01();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    exponential_sum += rng.exponential(3.0);
  }
  for (int count : counts)
    CHECK(std::abs(count - 10000) < 500);  // > 5 sigma
  CHECK(exponential_sum / samples == Approx(3.0).epsilon(0.03));
}

TEST_CASE("Traffic: uniform random never sends to itself and reaches every other node",
          "[interconnect][traffic]") {
  const TrafficPattern pattern = makePattern(TrafficKind::kUniformRandom, 4, 4);
  DeterministicRng rng(1);
  for (NodeId source = 0; source < 16; ++source) {
    std::vector<int> hits(16, 0);
    for (int i = 0; i < 3000; ++i)
      ++hits[*pattern.destination(source, rng)];
    CHECK(hits[source] == 0);
    for (NodeId other = 0; other < 16; ++other) {
      if (other != source)
        CHECK(std::abs(hits[other] - 200) < 75);
    }
  }
}

TEST_CASE("Traffic: permutation patterns map coordinates as defined", "[interconnect][traffic]") {
  DeterministicRng rng(1);
  const TrafficPattern transpose = makePattern(TrafficKind::kTranspose, 8, 8);
  const TrafficPattern complement = makePattern(TrafficKind::kBitComplement, 8, 8);
  for (NodeId source = 0; source < 64; ++source) {
    const std::uint32_t x = source % 8;
    const std::uint32_t y = source / 8;
    if (x == y) {
      CHECK_FALSE(transpose.destination(source, rng).has_value());
    } else {
      CHECK(transpose.destination(source, rng) == x * 8 + y);
    }
    CHECK(complement.destination(source, rng) == (~source & 63u));  // bit complement
  }
  const TrafficPattern odd = makePattern(TrafficKind::kBitComplement, 3, 3);
  CHECK_FALSE(odd.injects(4));  // the centre maps onto itself
  CHECK(odd.destination(0, rng) == 8);
  CHECK_THROWS_WITH(makePattern(TrafficKind::kTranspose, 4, 2),
                    Catch::Contains("traffic.kind: expected a square mesh"));
}

TEST_CASE("Traffic: hotspot sends the configured share to the hotspot", "[interconnect][traffic]") {
  TrafficPatternConfig config;
  config.kind = TrafficKind::kHotspot;
  config.width = 8;
  config.height = 8;
  config.hotspot_fraction = 0.3;
  const TrafficPattern pattern(config);
  const NodeId hotspot = 4 * 8 + 4;  // default: the centre
  DeterministicRng rng(3);
  int to_hotspot = 0;
  const int samples = 20000;
  for (int i = 0; i < samples; ++i) {
    if (pattern.destination(0, rng) == hotspot)
      ++to_hotspot;
  }
  // 0.3 directly plus 0.7 / 63 through the uniform part.
  CHECK(static_cast<double>(to_hotspot) / samples == Approx(0.3 + 0.7 / 63).epsilon(0.05));
  config.hotspot_fraction = 1.5;
  CHECK_THROWS_WITH(TrafficPattern(config), Catch::Contains("traffic.hotspot_fraction"));
  config.hotspot_fraction = 0.5;
  config.hotspots = {64};
  CHECK_THROWS_WITH(TrafficPattern(config), Catch::Contains("traffic.hotspots"));
}

TEST_CASE("Traffic: nearest neighbour picks an adjacent node", "[interconnect][traffic]") {
  const TrafficPattern pattern = makePattern(TrafficKind::kNearestNeighbour, 5, 3);
  DeterministicRng rng(11);
  for (NodeId source = 0; source < 15; ++source) {
    for (int i = 0; i < 50; ++i) {
      const NodeId destination = *pattern.destination(source, rng);
      const int dx = static_cast<int>(destination % 5) - static_cast<int>(source % 5);
      const int dy = static_cast<int>(destination / 5) - static_cast<int>(source / 5);
      REQUIRE(std::abs(dx) + std::abs(dy) == 1);
    }
  }
}

TEST_CASE("Traffic: names parse and bad sizes are errors", "[interconnect][traffic]") {
  for (const char* name : {"uniform", "transpose", "bitcomp", "hotspot", "neighbour"}) {
    const auto kind = parseTrafficKind(name);
    REQUIRE(kind.has_value());
    CHECK(trafficKindName(*kind) == name);
  }
  CHECK_FALSE(parseTrafficKind("tornado").has_value());
  CHECK_THROWS_WITH(makePattern(TrafficKind::kUniformRandom, 0, 4),
                    Catch::Contains("traffic.width"));
  CHECK_THROWS_AS(makePattern(TrafficKind::kUniformRandom, 1, 1), std::invalid_argument);
}
