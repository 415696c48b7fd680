// The mesh owns the die grid, the wafer partition, the inter-wafer link placement, link timing
// and the address map; the MoE orchestrator reads the grid and the timing from it and checks the
// rest once bound (models/wafer_moe/moe_orchestrator_connect.cpp). Each case below ran silently
// with wrong figures before: an orchestrator told 4 x 16 dies on an 8 x 8 mesh, dies attached
// in another order, links slower than the orchestrator assumed.
#include <catch2/catch.hpp>
#include <fstream>

#include "models/wafer_moe/wafer_moe_test_support.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

std::string reversedNodes(int count) {
  std::string text = "[";
  for (int node = count - 1; node >= 0; --node)
    text += std::to_string(node) + (node ? ", " : "]");
  return text;
}

const std::string kShipped = SPATIALVP_SOURCE_DIR "/platform/configs/wafer_moe.yaml";

}  // namespace

TEST_CASE("Wafer MoE: the orchestrator has no die grid of its own to disagree with the mesh",
          "[wafer_moe]") {
  // The grid, the wafers and the inter-wafer links are written once, on the mesh; the
  // orchestrator's former copies are unknown keys, located where they are written.
  for (const std::string key :
       {"mesh_width", "mesh_height", "wafers", "inter_wafer_link_offsets"}) {
    INFO(key);
    CHECK_THAT(test::configError(kShipped, {"orch." + key + "=4"}),
               Contains("'modules.orch.params." + key + "': unknown key"));
  }
  const std::string dir = test::freshDir("facts_grid_key");
  const std::string config = dir + "/grid.yaml";
  std::ofstream(config) << "include: " << kShipped
                        << "\nmodules:\n  orch:\n    params: {mesh_width: 4}\n";
  CHECK_THAT(test::configError(config),
             Contains("grid.yaml:4:14: 'modules.orch.params.mesh_width': unknown key"));
}

TEST_CASE("Wafer MoE: a die count other than the mesh's grid is a located error", "[wafer_moe]") {
  // `dies` sizes the orchestrator's ports before anything is bound, so it stays and is checked.
  const std::string error = test::configError(kShipped, {"net.width=16"});
  CHECK_THAT(error, Contains("'modules.orch.params.dies'") &&
                        Contains("64 dies do not match the 2 wafer(s) of 8 x 8 dies of the mesh "
                                 "bound to net[] (modules.net.params.width (") &&
                        Contains("expected 128"));
}

TEST_CASE("Wafer MoE: dies attached to other mesh nodes than the orchestrator's are an error",
          "[wafer_moe]") {
  const std::string error = test::shippedConfigError("net.in_nodes=" + reversedNodes(64));
  CHECK_THAT(error, Contains("'modules.orch.params.dies'") &&
                        Contains("die 0 sits at mesh node x0y0, but net[0] is bound to in[0] at "
                                 "x7y7") &&
                        Contains("modules.net.params.in_nodes"));
}

TEST_CASE("Wafer MoE: receive windows routed to another die are a located error", "[wafer_moe]") {
  const std::string error = test::shippedConfigError("net.out_nodes=" + reversedNodes(64));
  CHECK_THAT(error, Contains("'modules.orch.params.window_base'") &&
                        Contains("die 0's receive window") && Contains("x7y7"));
}

// NI chunk admission books a chunk only if it lands inside its window at the links' bandwidth:
// with the mesh's links at a quarter of the default, an orchestrator still assuming 900 GB/s
// admitted chunks that then landed late. It now takes link timing from the mesh.
TEST_CASE("Wafer MoE: NI chunk admission uses the mesh's link bandwidth", "[wafer_moe]") {
  const auto counters = test::cliCounters(
      "facts_slow_links", {"orch.sample_layers=4", "orch.iterations=8", "orch.balancer=ni",
                           "orch.balancer_alpha=0.3", "'net.link.bandwidth=225 GB/s'"});
  REQUIRE(test::jsonCounter(counters, "migration_chunks") > 0.0);
  CHECK(test::jsonCounter(counters, "migration_chunks_late") == 0.0);
}

// Each die reaches the network through its own `network_port` module (port<d>): the orchestrator
// checks its attachment through it, every byte a die sends or receives crosses it, and a port's
// latency delays only that die's transfers.
TEST_CASE("Wafer MoE: a die's network port carries its traffic and its latency", "[wafer_moe]") {
  const std::vector<std::string> settings = {"orch.sample_layers=2", "orch.balancer=none"};
  std::vector<std::string> slow_port = settings;
  slow_port.push_back("'port5.latency=20 us'");
  const auto base = test::cliCounters("port_base", settings);
  const auto slow = test::cliCounters("port_slow", slow_port);
  const auto modules = test::cliModules("port_base");
  const auto slow_modules = test::cliModules("port_slow");
  auto count = [](const nlohmann::json& m, const std::string& module, const std::string& key) {
    return m[module]["counters"][key]["value"].get<double>();
  };
  double sent = 0.0;
  double received = 0.0;
  for (int d = 0; d < 64; ++d) {
    const std::string port = "port" + std::to_string(d);
    CHECK(modules[port]["type"] == "network_port");
    sent += count(modules, port, "sent_bytes");
    received += count(modules, port, "received_bytes");
  }
  CHECK(sent == count(modules, "net", "payload_bytes_injected"));
  CHECK(received == test::jsonCounter(base, "rx_bytes"));
  // The same transfers, die 5's later: every phase that waits for die 5 takes longer.
  CHECK(count(slow_modules, "port5", "sent_bytes") == count(modules, "port5", "sent_bytes"));
  CHECK(test::jsonCounter(slow, "rx_bytes") == test::jsonCounter(base, "rx_bytes"));
  CHECK(test::jsonCounter(slow, "iteration_time") > test::jsonCounter(base, "iteration_time"));
}
