// libFuzzer harness: YAML platform loading and validation as `spatialvp check` does it: includes
// and presets (the built-in configs only; nothing is read from disk), the compact form (vars,
// for, groups) expanded, sections, module parameters of every built-in type, connections.
// Plug-ins are only recorded, never loaded. A config either validates or throws ConfigError;
// nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string>

#include "platform/core/config_loader.h"
#include "platform/elab/builtin_models.h"
#include "platform/elab/document_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/elab/platform_config.h"
#include "platform/sim/module_registry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const spatialvp::ModuleRegistry registry = [] {
    spatialvp::ModuleRegistry r;
    spatialvp::registerBuiltinModels(r);
    return r;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  // No search path: includes and presets resolve only among the built-in configs.
  const spatialvp::ConfigLoader loader(
      {}, [](const std::string& name) { return spatialvp::embeddedConfig(name); });
  try {
    spatialvp::ConfigNode root = loader.loadText(text, "fuzz.yaml", "");
    spatialvp::applyOverridesAndExpand(root, {});
    spatialvp::PlatformConfig config = spatialvp::PlatformConfig::parseSettings(root);
    config.parseModules(root, registry);
    (void)config.effective().toYaml();
  } catch (const spatialvp::ConfigError&) {
  }
  return 0;
}
