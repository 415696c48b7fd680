#pragma once
// A fresh, empty folder under the build tree for a test's files (removed first if present).
#include <filesystem>
#include <string>

namespace spatialvp::test {

inline std::filesystem::path scratchDir(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::path(SPATIALVP_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace spatialvp::test
