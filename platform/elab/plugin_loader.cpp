#include "platform/elab/plugin_loader.h"

#include <dlfcn.h>

namespace spatialvp {

void PluginLoader::load(const std::string& path, const SourceLocation& location,
                        ModuleRegistry& registry) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* reason = dlerror();
    throw ConfigError(location, "plugins",
                      "cannot load plug-in: " + std::string(reason ? reason : path));
  }
  using AbiFunction = int (*)();
  using RegisterFunction = void (*)(ModuleRegistry&);
  auto abi = reinterpret_cast<AbiFunction>(dlsym(handle, "spatialvp_plugin_abi_version"));
  auto registration =
      reinterpret_cast<RegisterFunction>(dlsym(handle, "spatialvp_register_plugin"));
  if (!abi || !registration) {
    throw ConfigError(location, "plugins",
                      path +
                          " is not a spatialvp plug-in (it must export "
                          "spatialvp_plugin_abi_version and spatialvp_register_plugin)");
  }
  if (abi() != kPluginAbiVersion) {
    throw ConfigError(location, "plugins",
                      path + " was built for plug-in ABI " + std::to_string(abi()) +
                          ", this spatialvp expects " + std::to_string(kPluginAbiVersion));
  }
  registry.setOrigin(path);
  try {
    registration(registry);
  } catch (const std::exception& error) {
    registry.setOrigin("built-in");
    throw ConfigError(location, "plugins", path + " failed to register: " + error.what());
  }
  registry.setOrigin("built-in");
  loaded_.push_back(path);
}

}  // namespace spatialvp
