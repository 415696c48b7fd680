#include "workloads/attention/preset_error.h"

#include <utility>

namespace spatialvp::workloads {
namespace {

std::string describe(const std::string& file, int line, int column, const std::string& key,
                     const std::string& message) {
  std::string text = file;
  if (line > 0) {
    text += ":" + std::to_string(line);
    if (column > 0)
      text += ":" + std::to_string(column);
  }
  text += ": ";
  if (!key.empty())
    text += "'" + key + "': ";
  return text + message;
}

}  // namespace

PresetError::PresetError(std::string file, int line, int column, std::string key,
                         std::string message)
    : std::runtime_error(describe(file, line, column, key, message)),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)),
      message_(std::move(message)) {}

}  // namespace spatialvp::workloads
