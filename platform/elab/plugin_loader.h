#pragma once
// Loads vendor model plug-ins: shared libraries listed under `plugins:` (or given to
// `spatialvp models --plugin`) that define their registration with SPATIALVP_PLUGIN_REGISTER
// (platform/sim/plugin_abi.h). Before dlopen the loader reads the library's ABI record and
// refuses a plug-in built for another SDK version, C++ standard or SystemC version.
// Libraries stay loaded for the life of the process (their code backs live SystemC objects).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "platform/core/config_error.h"
#include "platform/sim/module_registry.h"
#include "platform/sim/plugin_abi.h"

namespace spatialvp {

// What a plug-in was built against (or what this host is).
struct PluginAbi {
  std::string sdk_version;
  std::string cplusplus;  // __cplusplus, e.g. "201703L"
  std::string systemc_version;
};

// This build of spatialvp.
PluginAbi hostPluginAbi();
// The ABI record inside a library's bytes; nullopt when there is none. Throws
// std::runtime_error when a record is malformed (missing field).
std::optional<PluginAbi> findPluginAbiRecord(const std::string& library_bytes);
// One sentence per field that differs, naming the plug-in's and the host's value.
std::vector<std::string> pluginAbiMismatches(const PluginAbi& plugin, const PluginAbi& host);

// Where a plug-in named `name` is: an absolute path as is; a relative one next to `base_dir`
// (the folder of the YAML naming it, or the working directory for --plugin), then in each
// folder of $SPATIALVP_PLUGIN_PATH (':'-separated), then in the installed plug-in folder
// (<libdir>/spatialvp/plugins). Throws ConfigError at `location` listing every place tried.
std::string resolvePluginPath(const std::string& name, const std::filesystem::path& base_dir,
                              const SourceLocation& location);

class PluginLoader {
 public:
  // Throws ConfigError (at `location`) when the library is missing, was built for another
  // ABI, or is not a valid plug-in.
  void load(const std::string& path, const SourceLocation& location, ModuleRegistry& registry);
  const std::vector<std::string>& loaded() const { return loaded_; }

 private:
  std::vector<std::string> loaded_;
};

}  // namespace spatialvp
