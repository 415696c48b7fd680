#pragma once
// Helpers for tests that validate or run a platform written inline as YAML.
#include <functional>
#include <string>

#include "platform/core/config_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/sim/simulation.h"

namespace spatialvp::test {

inline ConfigNode parsePlatform(const std::string& yaml, const std::string& name = "test.yaml") {
  ConfigLoader loader({SPATIALVP_SOURCE_DIR "/platform/configs"},
                      [](const std::string& file) { return embeddedConfig(file); });
  return loader.loadText(yaml, name, SPATIALVP_SOURCE_DIR "/platform/configs");
}

// Returns the ConfigError text raised while validating and elaborating `yaml`, or "" if none.
inline std::string configErrorOf(const std::string& yaml,
                                 const std::function<void(ModuleRegistry&)>& extra = {}) {
  try {
    Simulation simulation(parsePlatform(yaml), "test.yaml", extra);
    simulation.elaborate(false, std::nullopt);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace spatialvp::test
