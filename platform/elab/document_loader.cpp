#include "platform/elab/document_loader.h"

#include <cstdlib>

#include "platform/core/config_loader.h"
#include "platform/elab/embedded_configs.h"

namespace spatialvp {

PlatformDocument loadPlatformDocument(const std::optional<std::string>& path,
                                      const std::vector<std::string>& overrides) {
  std::vector<std::string> search_dirs;
  if (const char* env = std::getenv("SPATIALVP_CONFIG_PATH")) {
    std::string list(env);
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t colon = list.find(':', start);
      const std::string dir =
          list.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!dir.empty())
        search_dirs.push_back(dir);
      if (colon == std::string::npos)
        break;
      start = colon + 1;
    }
  }
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
  for (const auto& assignment : overrides)
    ConfigLoader::applyOverride(document.root, assignment);
  return document;
}

}  // namespace spatialvp
