#include "interconnect/link/link_params.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "test/interconnect/core_test_support.h"

using spatialvp::interconnect::LinkParams;
using spatialvp::interconnect::core_test::mentions;

TEST_CASE("Link: wire bytes add the packet header when unframed", "[interconnect][link]") {
  LinkParams link;
  link.bandwidth_bytes_per_second = 100e9;
  link.packet_header_bytes = 16;
  CHECK(link.wireBytes(256) == 272);
  CHECK(link.wireBytes(0) == 16);
  // 272 bytes at 100 GB/s = 2.72 ns.
  CHECK(link.serialisation(256) == 2720);
}

TEST_CASE("Link: wire bytes round up to whole flits with per-flit overhead",
          "[interconnect][link]") {
  LinkParams link;
  link.bandwidth_bytes_per_second = 64e9;
  link.packet_header_bytes = 8;
  link.flit_bytes = 64;
  link.flit_overhead_bytes = 4;          // 60 data bytes per flit
  CHECK(link.wireBytes(256) == 5 * 64);  // 264 framed bytes -> 5 flits
  CHECK(link.wireBytes(232) == 4 * 64);  // 240 framed bytes -> exactly 4 flits
  CHECK(link.wireBytes(0) == 64);        // a header-only packet still takes one flit
  CHECK(link.validate("l").empty());
}

TEST_CASE("Link: validation names the field and the expectation", "[interconnect][link]") {
  LinkParams link;
  link.bandwidth_bytes_per_second = 0;
  auto problems = link.validate("mesh.link");
  REQUIRE(problems.size() == 1);
  CHECK(mentions(problems, "mesh.link.bandwidth_bytes_per_second: expected a finite value > 0"));

  link.bandwidth_bytes_per_second = -5e9;
  CHECK(mentions(link.validate("x"), "x.bandwidth_bytes_per_second"));
  link.bandwidth_bytes_per_second = std::numeric_limits<double>::quiet_NaN();
  CHECK(mentions(link.validate("x"), "x.bandwidth_bytes_per_second"));
  link.bandwidth_bytes_per_second = std::numeric_limits<double>::infinity();
  CHECK(mentions(link.validate("x"), "x.bandwidth_bytes_per_second"));

  link.bandwidth_bytes_per_second = 1e9;
  link.flit_bytes = 16;
  link.flit_overhead_bytes = 16;
  CHECK(mentions(link.validate("x"), "x.flit_overhead_bytes: expected < flit_bytes"));
  CHECK(link.wireBytes(100) == 100);  // invalid framing never divides by zero

  link.flit_bytes = 0;
  link.flit_overhead_bytes = 2;
  CHECK(mentions(link.validate("x"), "x.flit_overhead_bytes"));

  link.flit_overhead_bytes = 0;
  link.energy_pj_per_bit = -1;
  CHECK(mentions(link.validate("x"), "x.energy_pj_per_bit"));
}
