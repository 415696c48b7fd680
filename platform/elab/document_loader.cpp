#include "platform/elab/document_loader.h"

#include <filesystem>

#include "platform/core/config_expander.h"
#include "platform/core/config_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/elab/install_paths.h"

namespace spatialvp {

PlatformDocument loadPlatformDocument(const std::optional<std::string>& path,
                                      const std::vector<std::string>& overrides) {
  // Installed configs come before the source tree's, which exists only in a build tree.
  std::vector<std::string> search_dirs = searchPathFromEnvironment("SPATIALVP_CONFIG_PATH");
  if (const auto installed = installedConfigDir())
    search_dirs.push_back(*installed);
  if (std::filesystem::is_directory(SPATIALVP_CONFIG_DIR))
    search_dirs.push_back(SPATIALVP_CONFIG_DIR);
  ConfigLoader loader(search_dirs, [](const std::string& name) { return embeddedConfig(name); });

  PlatformDocument document;
  if (path) {
    document.root = loader.loadFile(*path);
    document.source = *path;
  } else {
    document.root = loader.loadText(*embeddedConfig(kDefaultConfig),
                                    std::string("<embedded>/") + kDefaultConfig, "");
    document.source = std::string("<embedded>/") + kDefaultConfig;
  }
  // --set first changes the compact form (vars, templates), so counts and grids can change;
  // overrides naming a module copy (c3_dlzs.x=...) apply to the expanded form.
  std::vector<std::string> after_expansion;
  for (const auto& assignment : overrides) {
    if (ConfigLoader::overrideAppliesBeforeExpansion(document.root, assignment))
      ConfigLoader::applyOverride(document.root, assignment);
    else
      after_expansion.push_back(assignment);
  }
  document.compact = usesCompactForm(document.root);
  expandCompactForm(document.root);
  for (const auto& assignment : after_expansion)
    ConfigLoader::applyOverride(document.root, assignment);
  return document;
}

}  // namespace spatialvp
