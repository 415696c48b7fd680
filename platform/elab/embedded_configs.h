#pragma once
// The shipped platform configs and presets, compiled into the library (see
// cmake/EmbedFiles.cmake); names are paths relative to platform/configs/.
#include <optional>
#include <string>
#include <vector>

namespace spatialvp {

std::optional<std::string> embeddedConfig(const std::string& name);
std::vector<std::string> embeddedConfigNames();

// The config `spatialvp run` uses when given none.
constexpr const char* kDefaultConfig = "star.yaml";

}  // namespace spatialvp
