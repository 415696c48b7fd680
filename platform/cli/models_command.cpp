// `spatialvp models [TYPE]`: the self-describing registry.
#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>

#include "platform/cli/command.h"
#include "platform/elab/builtin_models.h"
#include "platform/elab/plugin_loader.h"

namespace spatialvp::cli {

namespace {

struct ModelsOptions {
  std::string type;
  std::vector<std::string> plugins;
};

void describe(const ModuleTypeInfo& info, std::ostream& out) {
  out << info.name << ": " << info.description << "\n  origin: " << info.origin << "\n";
  out << "  ports:\n";
  for (const auto& port : info.ports) {
    out << "    " << std::left << std::setw(20) << port.name
        << (port.direction == PortDirection::kInitiator ? "initiator" : "target   ") << "  "
        << port.description << "\n";
  }
  out << "  parameters (name, type, unit, default, range, description):\n";
  for (const auto& spec : info.params.specs()) {
    out << "    " << std::left << std::setw(22) << spec.name << " " << std::setw(16)
        << spec.kindName() << " " << std::setw(6)
        << (spec.unitSymbol().empty() ? "-" : spec.unitSymbol()) << " " << std::setw(12)
        << (spec.default_text ? (spec.default_text->empty() ? "\"\"" : *spec.default_text)
                              : "(required)")
        << " " << std::setw(10) << (spec.rangeText().empty() ? "-" : spec.rangeText()) << " "
        << spec.description << "\n";
  }
}

int execute(const ModelsOptions& options) {
  ModuleRegistry registry;
  registerBuiltinModels(registry);
  PluginLoader loader;
  try {
    for (const auto& path : options.plugins) {
      const SourceLocation location{"--plugin", 0, 0};
      loader.load(resolvePluginPath(path, {}, location), location, registry);
    }
  } catch (const ConfigError& error) {
    std::cerr << "spatialvp: error: " << error.what() << "\n";
    return kExitUsage;
  }
  if (options.type.empty()) {
    for (const auto* info : registry.types()) {
      std::cout << std::left << std::setw(22) << info->name << " " << info->description
                << (info->origin == "built-in" ? "" : "  [" + info->origin + "]") << "\n";
    }
    return kExitSuccess;
  }
  const ModuleTypeInfo* info = registry.find(options.type);
  if (!info) {
    std::cerr << "spatialvp: error: no module type '" << options.type
              << "' (run `spatialvp models` for the list)\n";
    return kExitUsage;
  }
  describe(*info, std::cout);
  return kExitSuccess;
}

}  // namespace

CommandAction addModelsCommand(CLI::App& app) {
  auto options = std::make_shared<ModelsOptions>();
  CLI::App* models = app.add_subcommand("models", "List module types, or describe one");
  models->add_option("type", options->type, "Type to describe");
  models->add_option("--plugin", options->plugins, "Also load this plug-in library (repeatable)")
      ->allow_extra_args(false);
  return [options] { return execute(*options); };
}

}  // namespace spatialvp::cli
