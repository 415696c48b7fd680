#pragma once
// Reads a preset file that gives one parameter group (an A100 baseline, a MoE model, a workload,
// an operating point) through the config loader, as a module's `preset:` is read: `preset:`
// inside it resolved (a preset may start from another and change single keys), every key checked
// against the group's schema, errors located (file:line:col, key), values with units.
// SystemC-free, for the algorithm libraries.
#include <string>

#include "platform/core/config_node.h"
#include "platform/core/param_schema.h"

namespace spatialvp {

// The preset's map, `preset:` resolved next to `directory` (empty: nowhere); ConfigError if the
// text is not YAML or not a map. `source` names the text in errors.
ConfigNode loadPresetText(const std::string& text, const std::string& source,
                          const std::string& directory);
// The same from a file (ConfigError also when it cannot be read).
ConfigNode loadPresetFile(const std::string& path);

// The schema of one parameter group read as a preset of its own (no group prefix), from the
// group's declare function.
ParamSchema presetSchema(void (*declare)(ParamSchema& schema, const std::string& group));

// Validates a preset's map against `schema`.
ParamValues presetValues(const ConfigNode& preset, const ParamSchema& schema);

// loadPreset* + presetValues.
ParamValues readPresetFile(const std::string& path, const ParamSchema& schema);
ParamValues readPresetText(const std::string& text, const std::string& source,
                           const ParamSchema& schema, const std::string& directory = "");

}  // namespace spatialvp
