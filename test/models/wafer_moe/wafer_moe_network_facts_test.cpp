// The mesh owns the die grid, the wafer partition, the inter-wafer link placement, link timing
// and the address map; the MoE orchestrator adopts the timing and checks the rest once bound
// (models/wafer_moe/moe_orchestrator_connect.cpp). Each case below ran silently with wrong
// figures before that check existed.
#include <catch2/catch.hpp>

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

// The configuration error of `config` run with `settings`.
std::string errorOf(const std::string& config, const std::vector<std::string>& settings) {
  try {
    test::runConfig(config, settings);
  } catch (const ConfigError& failure) {
    return failure.what();
  }
  return "no error";
}

const std::string kShipped = SPATIALVP_SOURCE_DIR "/platform/configs/wafer_moe.yaml";

}  // namespace

TEST_CASE("Wafer MoE: a die grid other than the mesh's is a located error", "[wafer_moe]") {
  // 4 x 16 = 64 dies, so the port widths agree; only the grid differs from the 8 x 8 mesh.
  const std::string error = errorOf(kShipped, {"orch.mesh_width=4", "orch.mesh_height=16"});
  CHECK_THAT(error, Contains("'modules.orch.params.mesh_width'") &&
                        Contains("4 x 16 die grid, but the mesh bound to net[] is 8 x 8") &&
                        Contains("modules.net.params.width (") && Contains("wafer_moe.yaml:"));
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

TEST_CASE("Wafer MoE: inter-wafer link placement is checked against the mesh's", "[wafer_moe]") {
  const std::string dir = test::freshDir("facts_offsets");
  const std::string config = test::generatedConfig(dir, "two_wafers.yaml", "--wafers 2");
  const std::string error = errorOf(config, {"net.inter_wafer_link_offsets=[1, 2]"});
  CHECK_THAT(error, Contains("'modules.orch.params.inter_wafer_link_offsets'") &&
                        Contains("routes assume inter-wafer links at [] (every edge die), but "
                                 "the mesh places them at [1, 2]"));
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
