// `spatialvp models [TYPE]`: the self-describing registry.
#include <CLI/CLI.hpp>
#include <algorithm>
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
  auto row = [&](const std::string& name, const std::string& kind, const std::string& unit,
                 const std::string& by_default, const std::string& range,
                 const std::string& description) {
    out << "    " << std::left << std::setw(22) << name << " " << std::setw(16) << kind << " "
        << std::setw(6) << unit << " " << std::setw(12) << by_default << " " << std::setw(10)
        << range << " " << description << "\n";
  };
  std::vector<const PresetGroupSpec*> shown;
  for (const auto& spec : info.params.specs()) {
    // A preset group: one line for the group, then its keys, defaulted by its preset.
    const PresetGroupSpec* group = info.params.groupOf(spec.name);
    if (group && std::find(shown.begin(), shown.end(), group) == shown.end()) {
      shown.push_back(group);
      row(group->name, "preset group", "-",
          group->default_preset.empty() ? "(required)" : group->default_preset, "-",
          group->description + "; written as a preset name (" + group->folder +
              "/<name>.yaml, or a .yaml file), {preset: NAME under presets/, KEY: VALUE...}, or "
              "{KEY: VALUE...} changing the default");
    }
    std::string by_default = "(required)";
    if (spec.default_text)
      by_default = spec.default_text->empty() ? "\"\"" : *spec.default_text;
    else if (group && !group->default_preset.empty())
      by_default = "(preset)";
    row(spec.name, spec.kindName(), spec.unitSymbol().empty() ? "-" : spec.unitSymbol(), by_default,
        spec.rangeText().empty() ? "-" : spec.rangeText(), spec.description);
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
