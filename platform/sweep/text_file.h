#pragma once
// Whole-file text reads and writes of the sweep folder. SystemC-free.
#include <filesystem>
#include <string>

namespace spatialvp::sweep {

// The file's bytes; empty when it cannot be read (a missing file is a normal state of a point).
std::string readTextFile(const std::filesystem::path& path);
// Throws std::runtime_error naming the file when it cannot be written.
void writeTextFile(const std::filesystem::path& path, const std::string& text);
// Writes `text` to a temporary file beside `path` and renames it over `path`.
void writeFileAtomically(const std::filesystem::path& path, const std::string& text);
// Last lines of a text file (at most `max_lines` lines and 2 kB).
std::string fileTail(const std::filesystem::path& path, std::size_t max_lines);

}  // namespace spatialvp::sweep
