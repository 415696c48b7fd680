// libFuzzer harness: `--set KEY.PATH=VALUE` parsing applied to a small valid platform in the
// compact form (a `vars:` entry used in a parameter, so overrides before and after expansion are
// both reached), then validated as `spatialvp check` does. Either it validates or throws
// ConfigError; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string>

#include "platform/core/config_loader.h"
#include "platform/elab/builtin_models.h"
#include "platform/elab/document_loader.h"
#include "platform/elab/platform_config.h"
#include "platform/sim/module_registry.h"

namespace {
const char* const kBase = R"(vars: {kib: 1}
modules:
  gen:
    type: traffic_generator
    params: {transactions: 10, size: 64 B, address_range: 1 KiB}
  bus:
    type: router
    params: {base_addresses: [0], sizes: [1 KiB], latency: 1 ns, bandwidth: 1 GB/s}
  mem:
    type: memory
    params: {size: "${kib} KiB", read_latency: 1 ns, write_latency: 1 ns, bandwidth: 1 GB/s}
connections:
  - {from: gen.out, to: bus.in}
  - {from: bus.out, to: mem.target}
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const spatialvp::ModuleRegistry registry = [] {
    spatialvp::ModuleRegistry r;
    spatialvp::registerBuiltinModels(r);
    return r;
  }();
  static const spatialvp::ConfigNode base =
      spatialvp::ConfigLoader({}, nullptr).loadText(kBase, "base.yaml", "");
  const std::string assignment(reinterpret_cast<const char*>(data), size);
  try {
    spatialvp::ConfigNode root = base;
    spatialvp::applyOverridesAndExpand(root, {assignment});
    spatialvp::PlatformConfig config = spatialvp::PlatformConfig::parseSettings(root);
    config.parseModules(root, registry);
  } catch (const spatialvp::ConfigError&) {
  }
  return 0;
}
