#pragma once
// Helpers shared by the sweep tests: a fresh scratch folder, a file's text and its lines.
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "platform/sweep/text_file.h"

namespace sweep_test {

inline std::filesystem::path scratch(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::path(SPATIALVP_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string slurp(const std::filesystem::path& path) {
  return spatialvp::sweep::readTextFile(path);
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    result.push_back(line);
  return result;
}

}  // namespace sweep_test
