// Every configuration error names the file, line, column and key and says what was expected.
#include <catch2/catch.hpp>

#include "config_test_support.h"

using Catch::Matchers::Contains;
using spatialvp::test::configErrorOf;

namespace {
const char* const kChain = R"(platform:
  name: t
modules:
  gen:
    type: traffic_generator
    params:
      transactions: 10
  mem:
    type: memory
    params:
      size: 1 MiB
connections:
  - {from: gen.out, to: mem.target}
)";

std::string withParam(const std::string& line) {
  std::string yaml = kChain;
  const std::string anchor = "      transactions: 10\n";
  yaml.replace(yaml.find(anchor), anchor.size(), anchor + line + "\n");
  return yaml;
}
}  // namespace

TEST_CASE("A valid chain elaborates without error", "[config]") {
  CHECK(configErrorOf(kChain).empty());
}

TEST_CASE("Unknown parameter key names file, line, column and key", "[config]") {
  CHECK_THAT(configErrorOf(withParam("      sise: 64 B")),
             Contains("test.yaml:8:7: 'modules.gen.params.sise': unknown key") &&
                 Contains("did you mean 'size'"));
}

TEST_CASE("Wrong parameter type is reported with what was expected", "[config]") {
  CHECK_THAT(configErrorOf(withParam("      read_fraction: lots")),
             Contains("test.yaml:8:22: 'modules.gen.params.read_fraction'") &&
                 Contains("expected a number"));
  CHECK_THAT(
      configErrorOf(withParam("      pattern: zigzag")),
      Contains("'modules.gen.params.pattern'") && Contains("expected one of sequential, random"));
}

TEST_CASE("Quantity without unit or of the wrong kind is an error", "[config]") {
  CHECK_THAT(configErrorOf(withParam("      size: 64")),
             Contains("test.yaml:8:13: 'modules.gen.params.size'") && Contains("has no unit"));
  CHECK_THAT(configErrorOf(withParam("      size: 64 ns")),
             Contains("'64 ns' is a time, expected a data size"));
}

TEST_CASE("Out-of-range value is an error", "[config]") {
  CHECK_THAT(configErrorOf(withParam("      read_fraction: 1.5")),
             Contains("'modules.gen.params.read_fraction': out of range: must be 0 .. 1"));
  CHECK_THAT(configErrorOf(withParam("      size: -64 B")),
             Contains("out of range: must be > 0 B"));
}

TEST_CASE("Missing required parameter names the module", "[config]") {
  std::string yaml = kChain;
  yaml.replace(yaml.find("      size: 1 MiB\n"), 18, "      read_latency: 5 ns\n");
  CHECK_THAT(configErrorOf(yaml),
             Contains("test.yaml:8:3: 'modules.mem.params.size': missing required parameter"));
}

TEST_CASE("Unknown section, module type and module key are errors", "[config]") {
  CHECK_THAT(configErrorOf(std::string(kChain) + "bogus: 1\n"),
             Contains("test.yaml:14:1: 'bogus': unknown section"));
  std::string yaml = kChain;
  yaml.replace(yaml.find("type: memory"), 12, "type: memroy");
  CHECK_THAT(configErrorOf(yaml),
             Contains("test.yaml:9:11: 'modules.mem.type': unknown module type 'memroy'"));
  yaml = kChain;
  yaml.replace(yaml.find("    type: memory"), 16, "    type: memory\n    count: 2");
  CHECK_THAT(configErrorOf(yaml), Contains("'modules.mem.count': unknown key"));
}

TEST_CASE("Platform settings are validated like module parameters", "[config]") {
  std::string yaml = kChain;
  yaml.replace(yaml.find("  name: t"), 9, "  quantum: 0 ns");
  CHECK_THAT(configErrorOf(yaml),
             Contains("test.yaml:2:12: 'platform.quantum': out of range: must be > 0 s"));
}

TEST_CASE("Bad connections are errors naming the endpoint", "[config]") {
  std::string yaml = kChain;
  yaml.replace(yaml.find("to: mem.target"), 14, "to: mem.tgt");
  CHECK_THAT(configErrorOf(yaml),
             Contains("'connections[0].to': module 'mem' (memory) has no port 'tgt'"));
  yaml = kChain;
  yaml.replace(yaml.find("from: gen.out, to: mem.target"), 29, "from: mem.target, to: gen.out");
  CHECK_THAT(configErrorOf(yaml), Contains("is a target port; 'from' needs an initiator port"));
  yaml = kChain;
  yaml.replace(yaml.find("to: mem.target"), 14, "to: nowhere.target");
  CHECK_THAT(configErrorOf(yaml), Contains("no module named 'nowhere'"));
}

TEST_CASE("An unconnected socket is an error before the run", "[config]") {
  std::string yaml = kChain;
  yaml.erase(yaml.find("connections:"));
  CHECK_THAT(configErrorOf(yaml), Contains("test.yaml:4:3: 'gen.out': socket is not connected"));
}

TEST_CASE("Overlapping router ranges are an error", "[config]") {
  const std::string yaml = R"(modules:
  bus:
    type: router
    params:
      base_addresses: [0x0, 0x80000]
      sizes: [1 MiB, 1 MiB]
)";
  CHECK_THAT(configErrorOf(yaml),
             Contains("test.yaml:5:23: 'modules.bus.params.base_addresses'") &&
                 Contains("address ranges 0 [0x0, 0x100000) and 1 [0x80000, 0x180000) overlap"));
}

TEST_CASE("YAML syntax errors and duplicate keys carry the position", "[config]") {
  CHECK_THAT(configErrorOf("modules: {gen: [\n"),
             Contains("test.yaml:2:1") && Contains("YAML syntax error"));
  CHECK_THAT(
      configErrorOf("platform:\n  seed: 1\n  seed: 2\n"),
      Contains("test.yaml:3:3: 'platform.seed': duplicate key (first written at test.yaml:2:3)"));
}

TEST_CASE("Includes, presets and their errors", "[config]") {
  CHECK_THAT(configErrorOf("include: no_such_file.yaml\n"),
             Contains("cannot find 'no_such_file.yaml'"));
  CHECK_THAT(configErrorOf("modules:\n  m:\n    type: memory\n    preset: nope\n"),
             Contains("test.yaml:4:13: 'modules.m.preset': unknown preset 'nope'"));
  // The demo preset supplies every parameter of the SRAM; the file overrides one.
  const auto root = spatialvp::test::parsePlatform(
      "modules:\n  m:\n    type: memory\n    preset: demo_sram\n    params: {read_latency: 7 "
      "ns}\n");
  const auto* params = root.find("modules")->find("m")->find("params");
  REQUIRE(params != nullptr);
  CHECK(params->find("read_latency")->scalarValue() == "7 ns");
  CHECK(params->find("size")->scalarValue() == "1 MiB");
}
