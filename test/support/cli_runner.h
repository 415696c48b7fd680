#pragma once
// Runs the built spatialvp executable in a folder, as a user would, for end-to-end tests.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace spatialvp::test {

struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `spatialvp ARGS` run in `dir` (ARGS as a shell would split them); its exit code and output.
inline CliResult runSpatialvp(const std::string& args, const std::filesystem::path& dir) {
  const std::string command = "cd '" + dir.string() + "' && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 '" +
                              SPATIALVP_BINARY_DIR "/spatialvp' " + args +
                              " > stdout.txt 2> stderr.txt";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "stdout.txt"),
          slurp(dir / "stderr.txt")};
}

}  // namespace spatialvp::test
