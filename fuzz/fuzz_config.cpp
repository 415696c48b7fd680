// libFuzzer harness: YAML platform loading and validation (sections, module parameters of
// every built-in type, connections). Plug-ins are only recorded, never loaded. A config either
// validates or throws ConfigError; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string>

#include "platform/core/config_loader.h"
#include "platform/elab/builtin_models.h"
#include "platform/elab/platform_config.h"
#include "platform/sim/module_registry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const spatialvp::ModuleRegistry registry = [] {
    spatialvp::ModuleRegistry r;
    spatialvp::registerBuiltinModels(r);
    return r;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  // No search path and no built-ins: includes and presets resolve only next to the input.
  const spatialvp::ConfigLoader loader({}, nullptr);
  try {
    spatialvp::ConfigNode root = loader.loadText(text, "fuzz.yaml", "");
    spatialvp::PlatformConfig config = spatialvp::PlatformConfig::parseSettings(root);
    config.parseModules(root, registry);
    (void)config.effective().toYaml();
  } catch (const spatialvp::ConfigError&) {
  }
  return 0;
}
