#include "interconnect/d2d/d2d_link.h"

#include <catch2/catch.hpp>
#include <stdexcept>

using spatialvp::Picoseconds;
using spatialvp::interconnect::D2dDirection;
using spatialvp::interconnect::D2dLink;
using spatialvp::interconnect::D2dLinkConfig;

namespace {
D2dLinkConfig exampleConfig() {
  D2dLinkConfig config;
  config.link.bandwidth_bytes_per_second = 100e9;  // 100 B/ns per direction
  config.link.latency_ps = 2000;
  config.link.packet_header_bytes = 16;
  config.link.energy_pj_per_bit = 0.5;
  config.max_packet_payload_bytes = 256;
  return config;
}
}  // namespace

TEST_CASE("D2D: zero-load latency is serialisation of wire bytes plus flight latency",
          "[interconnect][d2d]") {
  D2dLink link(exampleConfig());
  // 1000 B -> packets of 256, 256, 256, 232 payload, each + 16 B header = 1064 wire bytes,
  // 1064 B / 100 B/ns = 10.64 ns; plus 2 ns flight.
  CHECK(link.wireBytesOf(1000) == 1064);
  const auto result = link.transfer(D2dDirection::kAToB, 1000, 5000);
  CHECK(result.start_ps == 5000);
  CHECK(result.delivered_ps == 5000 + 10640 + 2000);
  CHECK(result.packets == 4);
  CHECK(link.zeroLoadLatency(1000) == 10640 + 2000);
  // A zero-byte transfer still sends one header-only packet.
  const auto empty = link.transfer(D2dDirection::kAToB, 0, 1000000);
  CHECK(empty.packets == 1);
  CHECK(empty.delivered_ps == 1000000 + 160 + 2000);
}

TEST_CASE("D2D: directions are independent (full duplex)", "[interconnect][d2d]") {
  D2dLink link(exampleConfig());
  const auto forward = link.transfer(D2dDirection::kAToB, 4096, 0);
  const auto backward = link.transfer(D2dDirection::kBToA, 4096, 0);
  CHECK(forward.delivered_ps == link.zeroLoadLatency(4096));
  CHECK(backward.delivered_ps == link.zeroLoadLatency(4096));
}

TEST_CASE("D2D: transfers in one direction queue behind each other", "[interconnect][d2d]") {
  D2dLink link(exampleConfig());
  const Picoseconds serialisation = link.zeroLoadLatency(256) - 2000;  // 272 B -> 2720 ps
  CHECK(serialisation == 2720);
  const auto first = link.transfer(D2dDirection::kAToB, 256, 0);
  const auto second = link.transfer(D2dDirection::kAToB, 256, 100);
  CHECK(first.delivered_ps == 2720 + 2000);
  CHECK(second.start_ps == 2720);
  CHECK(second.delivered_ps == 2 * 2720 + 2000);
  const auto& counters = link.counters(D2dDirection::kAToB);
  CHECK(counters.transfers == 2);
  CHECK(counters.payload_bytes == 512);
  CHECK(counters.wire_bytes == 544);
  CHECK(counters.busy_ps == 2 * 2720);
  CHECK(link.counters(D2dDirection::kBToA).wire_bytes == 0);
  CHECK(link.energyPj() == Approx(544 * 8 * 0.5));
}

TEST_CASE("D2D: late-presented earlier transfer uses an idle gap, never displaces",
          "[interconnect][d2d]") {
  D2dLink link(exampleConfig());
  const auto future = link.transfer(D2dDirection::kAToB, 256, 100000);
  const auto early = link.transfer(D2dDirection::kAToB, 256, 0);  // decoupled initiator
  CHECK(early.delivered_ps == link.zeroLoadLatency(256));
  const auto overlapping = link.transfer(D2dDirection::kAToB, 256, 99000);
  CHECK(future.start_ps == 100000);  // already booked, untouched
  CHECK(overlapping.start_ps == 100000 + 2720);
}

TEST_CASE("D2D: bad configuration is a clear error", "[interconnect][d2d]") {
  D2dLinkConfig config = exampleConfig();
  config.link.bandwidth_bytes_per_second = 0;
  CHECK_THROWS_WITH(D2dLink(config), Catch::Contains("d2d.link.bandwidth_bytes_per_second"));
  config = exampleConfig();
  config.link.bandwidth_bytes_per_second = -900e9;
  CHECK_THROWS_AS(D2dLink(config), std::invalid_argument);
  config = exampleConfig();
  config.max_packet_payload_bytes = 0;
  CHECK_THROWS_WITH(D2dLink(config), Catch::Contains("d2d.max_packet_payload_bytes"));
}
