// ParamSchema::presetGroup on its own (no files, no simulation): the five ways a group is written
// and what each stands for, with presets served from memory.
#include <catch2/catch.hpp>
#include <map>

#include "platform/core/param_schema.h"

using Catch::Matchers::Contains;
using spatialvp::ConfigError;
using spatialvp::ConfigNode;
using spatialvp::ParamSchema;
using spatialvp::ParamValues;
using spatialvp::SourceLocation;

namespace {

// Two "chip" presets: chips/fast.yaml and chips/slow.yaml, and a half one (no `lanes`).
const std::map<std::string, std::string> kFiles = {
    {"chips/fast.yaml", "clock: 2 GHz\nlanes: 8\n"},
    {"chips/slow.yaml", "clock: 1 GHz\nlanes: 4\n"},
    {"presets/chips/half.yaml", "clock: 3 GHz\n"},
    {"presets/chips/slow.yaml", "clock: 1 GHz\nlanes: 4\n"},
};

ParamValues validate(const std::string& yaml) {
  ParamSchema schema;
  schema.presetGroup("chip", "chips", "fast", "a chip preset");
  schema.quantity("chip.clock", spatialvp::dims::frequency(), "Clock");
  schema.integer("chip.lanes", "Lanes").atLeast(1);
  schema.integer("other", "Not in the group").byDefault("0");
  const auto presets = [](const std::string& file, const SourceLocation&) {
    const auto found = kFiles.find(file);
    return found == kFiles.end()
               ? std::nullopt
               : std::optional<ConfigNode>(ConfigNode::parseYaml(found->second, found->first));
  };
  return schema.validate(ConfigNode::parseYaml(yaml, "c.yaml"), "m.params",
                         SourceLocation{"c.yaml", 1, 1}, presets);
}

std::string errorOf(const std::string& yaml) {
  try {
    validate(yaml);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("Preset group: left out, named, or changed key by key", "[config][preset]") {
  // Left out: the default preset.
  CHECK(validate("other: 1").integer("chip.lanes") == 8);
  // Named: that preset, whole.
  const ParamValues slow = validate("chip: slow");
  CHECK(slow.quantity("chip.clock") == Approx(1e9));
  CHECK(slow.integer("chip.lanes") == 4);
  CHECK(slow.value("chip.lanes").location.file == "chips/slow.yaml");
  // A member written as a dotted key changes the default preset too.
  CHECK(validate("chip.lanes: 3").integer("chip.lanes") == 3);
  // Single keys: they change the default preset.
  const ParamValues changed = validate("chip: {lanes: 16}");
  CHECK(changed.quantity("chip.clock") == Approx(2e9));
  CHECK(changed.integer("chip.lanes") == 16);
  // `preset:` (as --set leaves it, unresolved): that preset under presets/, then the keys.
  const ParamValues both = validate("chip: {preset: chips/slow, lanes: 2}");
  CHECK(both.quantity("chip.clock") == Approx(1e9));
  CHECK(both.integer("chip.lanes") == 2);
}

TEST_CASE("Preset group: a map the loader completed from a preset is whole", "[config][preset]") {
  // As the loader leaves `chip: {preset: chips/half}`: the file's keys, marked as a preset's.
  ConfigNode root = ConfigNode::parseYaml("chip: {clock: 3 GHz}", "c.yaml");
  root.find("chip")->setPresetFile("presets/chips/half.yaml");
  ParamSchema schema;
  schema.presetGroup("chip", "chips", "fast", "a chip preset");
  schema.quantity("chip.clock", spatialvp::dims::frequency(), "Clock");
  schema.integer("chip.lanes", "Lanes").atLeast(1);
  // `lanes` is not taken from the default preset: the half preset misses it.
  CHECK_THROWS_WITH(schema.validate(root, "m.params", SourceLocation{"c.yaml", 1, 1},
                                    [](const std::string&, const SourceLocation&) {
                                      return std::optional<ConfigNode>(ConfigNode::parseYaml(
                                          kFiles.at("chips/fast.yaml"), "chips/fast.yaml"));
                                    }),
                    Contains("'m.params.chip.lanes': missing required parameter"));
}

TEST_CASE("Preset group: bad names, kinds and keys are located", "[config][preset]") {
  CHECK_THAT(errorOf("chip: turbo"),
             Contains("c.yaml:1:7: 'm.params.chip': unknown preset 'turbo' (no file "
                      "chips/turbo.yaml)"));
  CHECK_THAT(errorOf("chip: [1]"),
             Contains("'m.params.chip': expected a preset name or a map of parameters"));
  CHECK_THAT(
      errorOf("chip: {lans: 2}"),
      Contains("c.yaml:1:8: 'm.params.chip.lans': unknown key (did you mean 'chip.lanes'?)"));
  CHECK_THAT(errorOf("chip: {clock: 2 GB}"), Contains("c.yaml:1:15: 'm.params.chip.clock'"));
  CHECK_THAT(errorOf("chip: {preset: [a]}"),
             Contains("'m.params.chip.preset': expected a preset name"));
}
