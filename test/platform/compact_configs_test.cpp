// The shipped compact configs (platform/configs/{spatial_star,wafer_moe,nvl72_moe}.yaml) expand
// to the same platform as the flat files the retired generators wrote (test/platform/golden):
// same instances in the same order, same types, equal parameter values (quantities compared by
// value: "4.480 mm^2" == "4480000 um^2"), and the same set of connections.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "platform/elab/document_loader.h"
#include "platform/sim/simulation.h"

using spatialvp::loadPlatformDocument;
using spatialvp::ParamValue;
using spatialvp::PlatformConfig;
using spatialvp::Simulation;

namespace {

bool close(double a, double b) {
  return a == b || std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}

bool sameValue(const ParamValue& a, const ParamValue& b) {
  if (a.kind != b.kind || a.integer != b.integer || a.boolean != b.boolean || a.text != b.text ||
      a.integers != b.integers || a.texts != b.texts || !close(a.number, b.number) ||
      a.numbers.size() != b.numbers.size())
    return false;
  for (std::size_t i = 0; i < a.numbers.size(); ++i) {
    if (!close(a.numbers[i], b.numbers[i]))
      return false;
  }
  return true;
}

// Modules are compared by name: a group lists a die's members together (hbm0, compute0, hbm1,
// ...) where the generator listed each kind together; the order changes no result.
void requireSamePlatform(const PlatformConfig& compact, const PlatformConfig& flat) {
  REQUIRE(compact.modules().size() == flat.modules().size());
  auto byName = [](const PlatformConfig& config) {
    std::map<std::string, const spatialvp::ModuleInstanceConfig*> modules;
    for (const auto& module : config.modules())
      modules[module.name] = &module;
    return modules;
  };
  const auto compact_modules = byName(compact);
  for (const auto& [module_name, flat_module] : byName(flat)) {
    INFO("module " << module_name);
    REQUIRE(compact_modules.count(module_name) == 1);
    const auto& a = *compact_modules.at(module_name);
    const auto& b = *flat_module;
    REQUIRE(a.type == b.type);
    REQUIRE(a.params.order() == b.params.order());
    for (const auto& name : b.params.order()) {
      INFO("parameter " << name);
      CHECK(sameValue(a.params.value(name), b.params.value(name)));
    }
  }
  auto connections = [](const PlatformConfig& config) {
    std::set<std::tuple<std::string, std::string, bool>> set;
    for (const auto& c : config.connections())
      set.emplace(c.from.text, c.to.text, c.check);
    return set;
  };
  CHECK(compact.connections().size() == flat.connections().size());
  CHECK(connections(compact) == connections(flat));
  for (const auto& name : flat.settings().order())
    CHECK(sameValue(compact.settings().value(name), flat.settings().value(name)));
}

void checkEquivalent(const std::string& config, const std::string& golden) {
  const auto compact =
      loadPlatformDocument(std::string(SPATIALVP_SOURCE_DIR "/platform/configs/") + config, {});
  const auto flat =
      loadPlatformDocument(std::string(SPATIALVP_SOURCE_DIR "/test/platform/golden/") + golden, {});
  CHECK(compact.compact);
  CHECK(!flat.compact);
  Simulation a(compact.root, compact.source);
  Simulation b(flat.root, flat.source);
  requireSamePlatform(a.config(), b.config());
}

}  // namespace

TEST_CASE("Compact spatial_star.yaml expands to the generated 4 x 4 platform", "[compact]") {
  checkEquivalent("spatial_star.yaml", "spatial_star_flat.yaml");
}

TEST_CASE("Compact wafer_moe.yaml expands to the generated 8 x 8 wafer", "[compact]") {
  checkEquivalent("wafer_moe.yaml", "wafer_moe_flat.yaml");
}

TEST_CASE("Compact nvl72_moe.yaml expands to the generated NVL72 platform", "[compact]") {
  checkEquivalent("nvl72_moe.yaml", "nvl72_moe_flat.yaml");
}

TEST_CASE("A 64-core Spatial-STAR and a 3-wafer 6 x 10 platform are one override away",
          "[compact]") {
  const auto star =
      loadPlatformDocument(std::string(SPATIALVP_SOURCE_DIR "/platform/configs/spatial_star.yaml"),
                           {"width=8", "height=8"});
  Simulation cores(star.root, star.source);
  cores.elaborate(false, std::nullopt);  // the orchestrator's topology checks agree
  const auto& modules = cores.config().modules();
  CHECK(std::count_if(modules.begin(), modules.end(),
                      [](const auto& m) { return m.type == "star_dlzs_unit"; }) == 64);
  CHECK(std::count_if(modules.begin(), modules.end(),
                      [](const auto& m) { return m.type == "spatial_star_core"; }) == 64);

  const auto wafer =
      loadPlatformDocument(std::string(SPATIALVP_SOURCE_DIR "/platform/configs/wafer_moe.yaml"),
                           {"wafers_x=3", "die_cols=6", "die_rows=10"});
  Simulation dies(wafer.root, wafer.source);
  const auto& wafer_modules = dies.config().modules();
  CHECK(std::count_if(wafer_modules.begin(), wafer_modules.end(),
                      [](const auto& m) { return m.type == "memory"; }) == 180);
  CHECK(wafer_modules.front().params.integer("dies") == 180);
  CHECK(wafer_modules[1].params.integer("width") == 18);
  // Die 60 is wafer 1's first die: global node x = 6, y = 0.
  CHECK(wafer_modules[1].params.strings("in_nodes")[60] == "6");
  CHECK(wafer_modules[1].params.strings("in_nodes")[179] == std::to_string(9 * 18 + 17));
}
