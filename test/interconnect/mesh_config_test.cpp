#include "interconnect/mesh/mesh_config.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "interconnect/mesh/mesh_network.h"
#include "test/interconnect/core_test_support.h"

using namespace spatialvp::interconnect;
using spatialvp::interconnect::core_test::mentions;

namespace {
MeshConfig validConfig() {
  MeshConfig config;
  config.width = 4;
  config.height = 4;
  config.link.bandwidth_bytes_per_second = 64e9;
  config.link.latency_ps = 500;
  config.router_latency_ps = 1000;
  config.packet_payload_bytes = 256;
  config.input_buffer_bytes = 1024;
  return config;
}
}  // namespace

TEST_CASE("Mesh config: a valid config has no problems", "[interconnect][mesh][config]") {
  CHECK(validConfig().validate().empty());
  CHECK(validConfig().bufferSlots() == 4);
  CHECK_NOTHROW(MeshNetwork(validConfig()));
}

TEST_CASE("Mesh config: a 0 x N mesh is a configuration error", "[interconnect][mesh][config]") {
  MeshConfig config = validConfig();
  config.width = 0;
  CHECK(mentions(config.validate(), "mesh.width: expected 1..4096, got 0"));
  CHECK_THROWS_WITH(MeshNetwork(config), Catch::Contains("mesh.width"));
  config = validConfig();
  config.height = 0;
  CHECK_THROWS_WITH(MeshNetwork(config), Catch::Contains("mesh.height"));
  config.width = 5000;
  CHECK(config.validate().size() >= 2);
}

TEST_CASE("Mesh config: zero or negative bandwidths are configuration errors",
          "[interconnect][mesh][config]") {
  MeshConfig config = validConfig();
  config.link.bandwidth_bytes_per_second = 0;
  CHECK_THROWS_WITH(MeshNetwork(config), Catch::Contains("mesh.link.bandwidth_bytes_per_second"));
  config = validConfig();
  config.local_port = config.link;
  config.local_port->bandwidth_bytes_per_second = -1;
  CHECK_THROWS_WITH(MeshNetwork(config),
                    Catch::Contains("mesh.local_port.bandwidth_bytes_per_second"));
  config = validConfig();
  config.edge_port = config.link;
  config.edge_port->bandwidth_bytes_per_second = 0;
  CHECK_THROWS_WITH(MeshNetwork(config),
                    Catch::Contains("mesh.edge_port.bandwidth_bytes_per_second"));
}

TEST_CASE("Mesh config: a packet larger than an input buffer is a configuration error",
          "[interconnect][mesh][config]") {
  MeshConfig config = validConfig();
  config.link.packet_header_bytes = 8;
  config.input_buffer_bytes = 256;  // packet is 264 bytes on the wire
  const auto problems = config.validate();
  REQUIRE(problems.size() == 1);
  CHECK(mentions(problems, "mesh.input_buffer_bytes: expected >= one packet on the wire (264"));
  CHECK_THROWS_AS(MeshNetwork(config), std::invalid_argument);
  config.input_buffer_bytes = 264;
  CHECK(config.validate().empty());
  CHECK(config.bufferSlots() == 1);
  config.packet_payload_bytes = 0;
  CHECK(mentions(config.validate(), "mesh.packet_payload_bytes"));
}

TEST_CASE("Mesh config: unknown routing is a configuration error", "[interconnect][mesh][config]") {
  CHECK(parseRouting("xy") == RoutingAlgorithm::kXY);
  CHECK(parseRouting("yx") == RoutingAlgorithm::kYX);
  CHECK_FALSE(parseRouting("west-first").has_value());
  MeshConfig config = validConfig();
  config.routing = static_cast<RoutingAlgorithm>(7);
  CHECK(mentions(config.validate(), "mesh.routing: expected \"xy\" or \"yx\""));
}

TEST_CASE("Mesh config: reports every problem at once", "[interconnect][mesh][config]") {
  MeshConfig config;  // all defaults: 0 x 0, no bandwidth
  const auto problems = config.validate();
  CHECK(mentions(problems, "mesh.width"));
  CHECK(mentions(problems, "mesh.height"));
  CHECK(mentions(problems, "mesh.link.bandwidth_bytes_per_second"));
}
