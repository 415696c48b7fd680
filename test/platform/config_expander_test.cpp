// The compact configuration form (platform/core/config_expander.h): vars, ${expr}, repeated
// list items, modules and groups with exported ports; located errors naming the failing copy.
#include "platform/core/config_expander.h"

#include <catch2/catch.hpp>

#include "config_test_support.h"
#include "platform/core/config_loader.h"

using Catch::Matchers::Contains;
using spatialvp::ConfigError;
using spatialvp::ConfigLoader;
using spatialvp::ConfigNode;
using spatialvp::expandCompactForm;
using spatialvp::test::configErrorOf;
using spatialvp::test::parsePlatform;

namespace {

ConfigNode expanded(const std::string& yaml, const std::vector<std::string>& settings = {}) {
  ConfigNode root = parsePlatform(yaml);
  for (const auto& assignment : settings)
    ConfigLoader::applyOverride(root, assignment);
  expandCompactForm(root);
  return root;
}

std::string expansionError(const std::string& yaml) {
  try {
    expanded(yaml);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

std::string scalarAt(const ConfigNode& root, const std::string& module, const std::string& param) {
  const ConfigNode* node = root.find("modules")->find(module)->find("params")->find(param);
  REQUIRE(node);
  return node->scalarValue();
}

// Two generator -> memory pairs per row, `rows` rows; pairs are groups with exported ports.
const char* const kPairs = R"(vars:
  rows: 2
  pairs: ${rows * 2}
modules:
  pair:
    for: p in 0..pairs
    vars: {bytes: "${(p % 2 + 1) * 64}"}
    modules:
      gen: {type: traffic_generator, params: {transactions: "${10 + p}", size: "${bytes} B"}}
      mem: {type: memory, params: {size: 1 MiB}}
    ports: {source: gen.out, sink: mem.target}
connections:
  - {for: p in 0..pairs, each: {from: "pair${p}.source", to: "pair${p}.sink"}}
)";

}  // namespace

TEST_CASE("Copies of a group get indexed names, parameters and connections", "[config][compact]") {
  const ConfigNode root = expanded(kPairs);
  const ConfigNode& modules = *root.find("modules");
  REQUIRE(modules.entries().size() == 8);
  CHECK(modules.entries()[0].key == "pair0_gen");
  CHECK(modules.entries()[7].key == "pair3_mem");
  CHECK(scalarAt(root, "pair3_gen", "transactions") == "13");
  CHECK(scalarAt(root, "pair3_gen", "size") == "128 B");
  CHECK(scalarAt(root, "pair2_gen", "size") == "64 B");
  const ConfigNode& connections = *root.find("connections");
  REQUIRE(connections.items().size() == 4);  // exported ports resolved to member ports
  CHECK(connections.items()[2].find("from")->scalarValue() == "pair2_gen.out");
  CHECK(connections.items()[2].find("to")->scalarValue() == "pair2_mem.target");
  CHECK(root.find("vars") == nullptr);
  CHECK(configErrorOf(kPairs).empty());
}

TEST_CASE("Overrides: a var changes the count and a copy is set after expansion",
          "[config][compact]") {
  ConfigNode root = parsePlatform(kPairs);
  ConfigLoader::applyOverride(root, "rows=5");  // a lone var name is vars.rows
  expandCompactForm(root);
  CHECK(root.find("modules")->entries().size() == 20);
  CHECK(root.find("connections")->items().size() == 10);
  CHECK(!ConfigLoader::overrideAppliesBeforeExpansion(parsePlatform(kPairs),
                                                      "pair3_gen.transactions=7"));
  CHECK(ConfigLoader::overrideAppliesBeforeExpansion(parsePlatform(kPairs), "rows=7"));
  ConfigLoader::applyOverride(root, "pair3_gen.transactions=7");
  CHECK(scalarAt(root, "pair3_gen", "transactions") == "7");
}

TEST_CASE("Expressions: arithmetic and hex and lists with len and join and ranges and splicing",
          "[config][compact]") {
  const ConfigNode root = expanded(R"(vars:
  cols: 3
  base: 0x1000
  names: [a, b, c]
  nodes: [{for: i in 0..7, each: "${i / cols * 10 + i % cols}"}]
modules:
  m:
    type: memory
    params:
      size: 1 MiB
      text: "${join(names)} ${len(names)} ${names[2]} ${base} ${hex(base + 16)} ${-7 / 2} ${min(3, max(1, 2))}"
      list: ["${nodes}", {for: "i in 1..3, j in 0..i", each: "${i}${j}"}]
)");
  const ConfigNode& params = *root.find("modules")->find("m")->find("params");
  CHECK(params.find("text")->scalarValue() == "a b c 3 c 0x1000 0x1010 -3 2");
  std::string list;
  for (const auto& item : params.find("list")->items())
    list += item.scalarValue() + " ";
  CHECK(list == "0 1 2 10 11 12 20 10 20 21 ");
}

TEST_CASE("An error inside a template names the template's line and the failing copy",
          "[config][compact]") {
  const std::string error = expansionError(R"(vars: {n: 4}
modules:
  mem:
    for: i in 0..n
    type: memory
    params: {size: "${1024 / (i - 2)} KiB"}
)");
  CHECK_THAT(error, Contains("test.yaml:6:") && Contains("modules.mem.params.size") &&
                        Contains("division by zero") && Contains("copy i=2 of modules.mem"));
  // A schema error after expansion points at the template and names the copy's instance.
  const std::string schema = configErrorOf(R"(modules:
  mem:
    for: i in 0..3
    type: memory
    params: {size: 1 MiB, sise: 2}
)");
  CHECK_THAT(schema, Contains("test.yaml:5:") && Contains("modules.mem0.params.sise"));
}

TEST_CASE("Compact-form mistakes are located errors", "[config][compact]") {
  CHECK_THAT(expansionError("modules:\n  g:\n    for: i in 0..2\n    modules: {}\n    prts: {}\n"),
             Contains("test.yaml:5:") && Contains("modules.g.prts") && Contains("unknown key"));
  CHECK_THAT(expansionError("modules:\n  m: {for: i in 0..2, type: memory, parms: {}}\n"),
             Contains("modules.m.parms") && Contains("unknown key"));
  CHECK_THAT(expansionError("modules:\n  m: {for: i in 0..n, type: memory}\n"),
             Contains("test.yaml:2:") && Contains("unknown variable 'n'"));
  CHECK_THAT(expansionError("modules:\n  m: {for: i from 0 to 2, type: memory}\n"),
             Contains("expected \"VAR in FROM..TO\""));
  CHECK_THAT(expansionError("modules:\n  m: {for: i in 0..99999999999, type: memory}\n"),
             Contains("too large"));
  CHECK_THAT(expansionError("vars: {l: [{for: i in 0..1000000, each: {a: 1, b: 2}}]}\n"),
             Contains("expands to more than 2000000 nodes"));
  CHECK_THAT(expansionError("modules:\n  m: {for: i in 0..2, name: x, type: memory}\n"),
             Contains("'x' is produced twice"));
  CHECK_THAT(expansionError("vars: {l: [1, 2]}\nmodules:\n  m: {type: memory, params: "
                            "{size: \"${l[2]} MiB\"}}\n"),
             Contains("index 2 is outside l (2 elements)"));
  CHECK_THAT(expansionError("modules:\n  m: {type: memory, params: {size: \"${2 +} MiB\"}}\n"),
             Contains("test.yaml:2:") && Contains("a value is missing"));
  CHECK_THAT(expansionError("modules:\n  m: {type: memory, params: [{for: i in 0..1}]}\n"),
             Contains("missing: the item to repeat"));
}
