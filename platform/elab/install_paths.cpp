#include "platform/elab/install_paths.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

namespace spatialvp {

namespace {

// The folder holding the libspatialvp this code runs in.
std::optional<std::filesystem::path> libraryDir() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&installedConfigDir), &info) == 0 || !info.dli_fname)
    return std::nullopt;
  std::error_code error;
  const auto path = std::filesystem::weakly_canonical(info.dli_fname, error);
  if (error)
    return std::nullopt;
  return path.parent_path();
}

std::optional<std::string> existingUnderLibraryDir(const char* relative) {
  const auto lib = libraryDir();
  if (!lib)
    return std::nullopt;
  std::error_code error;
  const auto dir = (*lib / relative).lexically_normal();
  if (!std::filesystem::is_directory(dir, error))
    return std::nullopt;
  return dir.string();
}

}  // namespace

std::vector<std::string> searchPathFromEnvironment(const char* variable) {
  std::vector<std::string> dirs;
  const char* env = std::getenv(variable);
  if (env == nullptr)
    return dirs;
  const std::string list(env);
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t colon = list.find(':', start);
    const std::string dir =
        list.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty())
      dirs.push_back(dir);
    if (colon == std::string::npos)
      break;
    start = colon + 1;
  }
  return dirs;
}

// SPATIALVP_LIB_TO_CONFIGS / SPATIALVP_LIB_TO_PLUGINS: the install layout relative to the
// library folder, set by CMake from GNUInstallDirs.
std::optional<std::string> installedConfigDir() {
  return existingUnderLibraryDir(SPATIALVP_LIB_TO_CONFIGS);
}

std::optional<std::string> installedPluginDir() {
  return existingUnderLibraryDir(SPATIALVP_LIB_TO_PLUGINS);
}

std::optional<std::string> scriptDir() {
  if (auto installed = existingUnderLibraryDir(SPATIALVP_LIB_TO_SCRIPTS))
    return installed;
  return existingUnderLibraryDir("scripts");
}

}  // namespace spatialvp
