#pragma once
// Declares the typed parameters of a module type (or config section) and validates a YAML map
// against them: unknown keys, wrong types, missing values and out-of-range values are errors
// that name the file, line, column and key.
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "platform/core/param_values.h"

namespace spatialvp {

struct ParamSpec {
  std::string name;  // dotted for nested groups, e.g. "energy.read"
  ParamKind kind = ParamKind::kString;
  Dimension dimension;
  std::string description;
  std::optional<std::string> default_text;  // as it would be written in YAML; none = required
  std::optional<double> minimum;
  bool minimum_exclusive = false;
  std::optional<double> maximum;
  std::vector<std::string> choices;  // enums
  bool one_value_is_list = false;    // lists: a single value reads as a one-entry list

  ParamSpec& byDefault(std::string text);
  ParamSpec& orOneValue();  // lists: `tiles: 4` reads as `tiles: [4]`
  ParamSpec& atLeast(double value);
  ParamSpec& above(double value);  // exclusive lower bound
  ParamSpec& atMost(double value);

  std::string kindName() const;  // "integer", "bandwidth", "list of time", ...
  std::string unitSymbol() const;
  std::string rangeText() const;  // "> 0", "1 .. 64", "" when unbounded
};

// Finds and reads the file of a preset a preset group names (ParamSchema::presetGroup): the file
// (e.g. "presets/moe/dbrx.yaml", or a name ending in .yaml as written) and where it was named ->
// the file's map, `preset:` inside resolved; nullopt when there is no such file. The platform's
// (platform/elab/document_loader.h) looks next to the file that named it, on the config search
// path and among the built-in configs, as `preset:` does.
using PresetSource = std::function<std::optional<ConfigNode>(const std::string& file,
                                                             const SourceLocation& named_at)>;

// A parameter group that a preset file gives whole (an A100 baseline, a MoE model).
struct PresetGroupSpec {
  std::string name;            // the group; its members are declared as "<name>.<key>"
  std::string folder;          // a preset name N is the file <folder>/N.yaml
  std::string default_preset;  // used when the group is not written; "" = none
  std::string description;

  // "presets/moe/dbrx.yaml" for "dbrx"; a name ending in .yaml is a file as written.
  std::string fileOf(const std::string& preset) const;
};

class ParamSchema {
 public:
  // Declares `name` as a preset group. Written as a preset name (`model: dbrx`), as a map with
  // `preset:` and single keys that change it (`model: {preset: moe/dbrx, top_k: 2}`), as a map of
  // single keys that change the default preset (`--set orch.model.top_k=2`), or left out (the
  // default preset). Its members are declared separately under "<name>.", usually without
  // defaults: the preset gives them.
  PresetGroupSpec& presetGroup(std::string name, std::string folder, std::string default_preset,
                               std::string description);
  const std::deque<PresetGroupSpec>& presetGroups() const { return groups_; }
  // The group `name` belongs to (name itself or "<group>.<key>"), if any.
  const PresetGroupSpec* groupOf(const std::string& name) const;

  ParamSpec& integer(std::string name, std::string description);
  ParamSpec& real(std::string name, std::string description);
  ParamSpec& boolean(std::string name, std::string description);
  ParamSpec& string(std::string name, std::string description);
  ParamSpec& enumeration(std::string name, std::vector<std::string> choices,
                         std::string description);
  ParamSpec& quantity(std::string name, const Dimension& dimension, std::string description);
  ParamSpec& integerList(std::string name, std::string description);
  ParamSpec& realList(std::string name, std::string description);
  ParamSpec& quantityList(std::string name, const Dimension& dimension, std::string description);
  ParamSpec& stringList(std::string name, std::string description);

  const std::deque<ParamSpec>& specs() const { return specs_; }
  const ParamSpec* find(const std::string& name) const;

  // Validates `node` (a map, or empty) found at `owner_path`; defaults fill missing values.
  // Preset groups read their presets through `presets` (none: a group that needs a preset file
  // is an error naming it).
  ParamValues validate(const ConfigNode& node, const std::string& owner_path,
                       const SourceLocation& owner_location,
                       const PresetSource& presets = PresetSource()) const;

 private:
  ParamSpec& add(std::string name, ParamKind kind, std::string description);
  std::deque<ParamSpec> specs_;         // deque: references handed out stay valid
  std::deque<PresetGroupSpec> groups_;  // deque: references handed out stay valid
};

}  // namespace spatialvp
