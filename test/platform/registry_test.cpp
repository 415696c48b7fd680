#include <algorithm>
#include <catch2/catch.hpp>

#include "platform/elab/builtin_models.h"

using namespace spatialvp;

TEST_CASE("Registry lists built-in types with their self-description", "[registry]") {
  ModuleRegistry registry;
  registerBuiltinModels(registry);
  std::vector<std::string> names;
  for (const auto* info : registry.types())
    names.push_back(info->name);
  CHECK(std::is_sorted(names.begin(), names.end()));  // listed by name
  for (const char* expected : {"memory", "protocol_checker", "router", "traffic_generator",
                               "star_controller", "star_sufa_unit"}) {
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());
  }

  const ModuleTypeInfo* memory = registry.find("memory");
  REQUIRE(memory != nullptr);
  const ParamSpec* bandwidth = memory->params.find("bandwidth");
  REQUIRE(bandwidth != nullptr);
  CHECK(bandwidth->kindName() == "bandwidth");
  CHECK(bandwidth->unitSymbol() == "B/s");
  CHECK(*bandwidth->default_text == "64 GB/s");
  CHECK(bandwidth->rangeText() == "> 0 B/s");
  CHECK_FALSE(memory->params.find("size")->default_text.has_value());
  // Common parameters every type carries, and one per declared energy action.
  CHECK(memory->params.find("area") != nullptr);
  CHECK(memory->params.find("static_power") != nullptr);
  CHECK(memory->params.find("energy.read_byte") != nullptr);
  REQUIRE(memory->findPort("target") != nullptr);
  CHECK(memory->findPort("target")->direction == PortDirection::kTarget);
}

TEST_CASE("Registering a type twice is refused", "[registry]") {
  ModuleRegistry registry;
  registerBuiltinModels(registry);
  CHECK_THROWS_AS(registerBuiltinModels(registry), std::invalid_argument);
}
