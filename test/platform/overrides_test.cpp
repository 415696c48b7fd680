#include <catch2/catch.hpp>

#include "config_test_support.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {
const char* const kDoc = R"(platform: {seed: 1}
modules:
  mem:
    type: memory
    params: {size: 1 MiB, bandwidth: 10 GB/s}
)";
}

TEST_CASE("Override sets a parameter by full path and by module shorthand", "[config][overrides]") {
  ConfigNode root = test::parsePlatform(kDoc);
  ConfigLoader::applyOverride(root, "modules.mem.params.bandwidth=20 GB/s");
  ConfigLoader::applyOverride(root, "mem.read_latency=3 ns");
  ConfigLoader::applyOverride(root, "platform.seed=7");
  const auto config = PlatformConfig::parseSettings(root);
  CHECK(config.settings().integer("seed") == 7);
  const ConfigNode& params = *root.find("modules")->find("mem")->find("params");
  CHECK(params.find("bandwidth")->scalarValue() == "20 GB/s");
  CHECK(params.find("read_latency")->scalarValue() == "3 ns");
}

TEST_CASE("Override values are validated like the file and name the override",
          "[config][overrides]") {
  ConfigNode root = test::parsePlatform(kDoc);
  ConfigLoader::applyOverride(root, "mem.bandwidth=20 GHz");
  try {
    Simulation simulation(root, "test.yaml");
    FAIL("expected a configuration error");
  } catch (const ConfigError& error) {
    CHECK_THAT(std::string(error.what()),
               Contains("--set mem.bandwidth=20 GHz: 'modules.mem.params.bandwidth'") &&
                   Contains("is a frequency, expected a bandwidth"));
  }
}

TEST_CASE("Override of an unknown key is rejected", "[config][overrides]") {
  ConfigNode root = test::parsePlatform(kDoc);
  ConfigLoader::applyOverride(root, "mem.bandwith=20 GB/s");
  CHECK_THROWS_WITH(
      Simulation(root, "test.yaml"),
      Contains("'modules.mem.params.bandwith': unknown key (did you mean 'bandwidth'?)"));
}

TEST_CASE("Malformed --set is a usage error", "[config][overrides]") {
  ConfigNode root = test::parsePlatform(kDoc);
  CHECK_THROWS_WITH(ConfigLoader::applyOverride(root, "no_equals_sign"),
                    Contains("expected KEY.PATH=VALUE"));
  CHECK_THROWS_WITH(ConfigLoader::applyOverride(root, "a..b=1"), Contains("empty segment"));
}
