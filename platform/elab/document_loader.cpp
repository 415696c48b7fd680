#include "platform/elab/document_loader.h"

#include <filesystem>

#include "platform/core/config_expander.h"
#include "platform/core/config_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/elab/install_paths.h"

namespace spatialvp {

ConfigLoader platformConfigLoader() {
  std::vector<std::string> search_dirs = searchPathFromEnvironment("SPATIALVP_CONFIG_PATH");
  if (const auto installed = installedConfigDir())
    search_dirs.push_back(*installed);
  return ConfigLoader(search_dirs, [](const std::string& name) { return embeddedConfig(name); });
}

std::optional<ConfigLoader::FoundFile> findPresetFile(const std::string& name,
                                                      const SourceLocation& written_at) {
  const std::string& file = written_at.file;
  const bool on_disk = !file.empty() && file[0] != '<' && file.rfind("--set", 0) != 0;
  const std::string folder =
      on_disk ? std::filesystem::path(file).parent_path().lexically_normal().string() : "";
  return platformConfigLoader().findFile(name, on_disk && folder.empty() ? "." : folder);
}

PresetSource platformPresetSource() {
  return [](const std::string& file, const SourceLocation& named_at) -> std::optional<ConfigNode> {
    const auto found = findPresetFile(file, named_at);
    if (!found)
      return std::nullopt;
    // Presets named inside it are found next to it (built-in ones among the built-ins).
    const bool on_disk = found->name.rfind("<", 0) != 0;
    const std::string folder =
        on_disk ? std::filesystem::path(found->name).parent_path().lexically_normal().string() : "";
    return platformConfigLoader().loadText(found->text, found->name,
                                           on_disk && folder.empty() ? "." : folder);
  };
}

void applyOverridesAndExpand(ConfigNode& root, const std::vector<std::string>& overrides) {
  // --set first changes the compact form (vars, templates), so counts and grids can change;
  // overrides naming a module copy (c3_dlzs.x=...) or a connection apply to the expanded form.
  std::vector<std::string> after_expansion;
  for (const auto& assignment : overrides) {
    if (ConfigLoader::overrideAppliesBeforeExpansion(root, assignment))
      ConfigLoader::applyOverride(root, assignment);
    else
      after_expansion.push_back(assignment);
  }
  expandCompactForm(root);
  for (const auto& assignment : after_expansion)
    ConfigLoader::applyOverride(root, assignment);
}

PlatformDocument loadPlatformDocument(const std::optional<std::string>& path,
                                      const std::vector<std::string>& overrides) {
  const ConfigLoader loader = platformConfigLoader();

  PlatformDocument document;
  if (path) {
    document.root = loader.loadFile(*path);
    document.source = *path;
  } else {
    document.root = loader.loadText(*embeddedConfig(kDefaultConfig),
                                    std::string("<embedded>/") + kDefaultConfig, "");
    document.source = std::string("<embedded>/") + kDefaultConfig;
  }
  document.compact = usesCompactForm(document.root);
  applyOverridesAndExpand(document.root, overrides);
  return document;
}

}  // namespace spatialvp
