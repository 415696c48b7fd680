#pragma once
// Loads vendor model plug-ins: shared libraries listed under `plugins:` that export
//   extern "C" int  spatialvp_plugin_abi_version();            // == kPluginAbiVersion
//   extern "C" void spatialvp_register_plugin(spatialvp::ModuleRegistry&);
// Libraries stay loaded for the life of the process (their code backs live SystemC objects).
#include <string>
#include <vector>

#include "platform/core/config_error.h"
#include "platform/sim/module_registry.h"

namespace spatialvp {

constexpr int kPluginAbiVersion = 1;

class PluginLoader {
 public:
  // Throws ConfigError (at `location`) when the library is missing or not a valid plug-in.
  void load(const std::string& path, const SourceLocation& location, ModuleRegistry& registry);
  const std::vector<std::string>& loaded() const { return loaded_; }

 private:
  std::vector<std::string> loaded_;
};

}  // namespace spatialvp

#define SPATIALVP_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
