#include "platform/sweep/text_file.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace spatialvp::sweep {

namespace fs = std::filesystem;

std::string readTextFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeTextFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out)
    throw std::runtime_error("cannot write " + path.string());
}

void writeFileAtomically(const fs::path& path, const std::string& text) {
  const fs::path temporary =
      path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out)
      throw std::runtime_error("cannot write " + temporary.string());
  }
  fs::rename(temporary, path);
}

std::string fileTail(const fs::path& path, std::size_t max_lines) {
  std::string text = readTextFile(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0 && lines < max_lines;) {
    --start;
    if (text[start] == '\n' && ++lines == max_lines) {
      ++start;
      break;
    }
  }
  if (text.size() - start > 2048)
    start = text.size() - 2048;
  return text.substr(start);
}

}  // namespace spatialvp::sweep
