#pragma once
// Folders of an installed spatialvp, found relative to the loaded platform library (so an
// installed tree can be moved), and ':'-separated search-path variables.
#include <optional>
#include <string>
#include <vector>

namespace spatialvp {

// Non-empty entries of a ':'-separated environment variable (none when it is unset).
std::vector<std::string> searchPathFromEnvironment(const char* variable);

// <prefix>/share/spatialvp/configs and <libdir>/spatialvp/plugins of the installation the
// running libspatialvp belongs to; nullopt when the folder does not exist (e.g. a build tree).
std::optional<std::string> installedConfigDir();
std::optional<std::string> installedPluginDir();
// <prefix>/share/spatialvp/scripts (scripts/plot) of the installation, or in a build tree the
// scripts/ link CMake puts beside the library; nullopt when neither exists.
std::optional<std::string> scriptDir();

}  // namespace spatialvp
