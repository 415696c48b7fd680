#pragma once
// Loads the platform document a user names (or the built-in default) with includes, presets
// and --set overrides applied and the compact form (vars, for, groups) expanded. Search path:
// $SPATIALVP_CONFIG_PATH (':'-separated), then the installed configs
// (<prefix>/share/spatialvp/configs), then the source tree's platform/configs (a build tree), then
// the configs compiled into the binary.
#include <optional>
#include <string>
#include <vector>

#include "platform/core/config_node.h"

namespace spatialvp {

struct PlatformDocument {
  ConfigNode root;
  std::string source;    // what the user named, or "<embedded>/demo.yaml"
  bool compact = false;  // written with vars/for (platform/core/config_expander.h), now expanded
};

PlatformDocument loadPlatformDocument(const std::optional<std::string>& path,
                                      const std::vector<std::string>& overrides);

}  // namespace spatialvp
