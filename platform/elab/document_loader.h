#pragma once
// Loads the platform document a user names (or the built-in default) with includes, presets
// and --set overrides applied and the compact form (vars, for, groups) expanded. Search path:
// $SPATIALVP_CONFIG_PATH (':'-separated), then the installed configs
// (<prefix>/share/spatialvp/configs), then the configs compiled into the binary; names in a file
// are first looked up next to that file.
#include <optional>
#include <string>
#include <vector>

#include "platform/core/config_loader.h"
#include "platform/core/config_node.h"
#include "platform/core/param_schema.h"

namespace spatialvp {

struct PlatformDocument {
  ConfigNode root;
  std::string source;    // what the user named, or "<embedded>/demo.yaml"
  bool compact = false;  // written with vars/for (platform/core/config_expander.h), now expanded
};

PlatformDocument loadPlatformDocument(const std::optional<std::string>& path,
                                      const std::vector<std::string>& overrides);

// Applies --set overrides and expands the compact form: overrides of the compact form first,
// then expansion, then overrides naming copies or connections of the expanded form.
void applyOverridesAndExpand(ConfigNode& root, const std::vector<std::string>& overrides);

// The loader behind every configuration and preset file (search path as above).
ConfigLoader platformConfigLoader();

// A preset file a module names in a parameter (e.g. "presets/a100.yaml"), found as `preset:`
// finds its file: next to the config the parameter was written in (`written_at`), then on the
// search path, then built in. Never through a source-tree path compiled into the binary.
std::optional<ConfigLoader::FoundFile> findPresetFile(const std::string& name,
                                                      const SourceLocation& written_at);

// The presets of module parameter groups (ParamSchema::presetGroup, e.g. the STAR controller's
// `a100`): found as findPresetFile finds them, read by the platform loader (`preset:` inside
// resolved).
PresetSource platformPresetSource();

}  // namespace spatialvp
