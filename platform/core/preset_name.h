#pragma once

#include <string>

namespace spatialvp {

// The file a preset name names: the name as written if it ends in .yaml, else <folder>/<name>.yaml.
// Header-only so that SystemC-free tools (the sweep fuzzer) resolve names without the loader.
inline std::string presetFileIn(const std::string& folder, const std::string& name) {
  const std::string suffix = ".yaml";
  const bool is_file = name.size() > suffix.size() &&
                       name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  return is_file ? name : folder + "/" + name + suffix;
}

}  // namespace spatialvp
