#include "platform/core/config_error.h"

namespace spatialvp {

std::string SourceLocation::describe() const {
  std::string text = file.empty() ? "<unknown>" : file;
  if (line > 0) {
    text += ":" + std::to_string(line);
    if (column > 0)
      text += ":" + std::to_string(column);
  }
  return text;
}

namespace {
std::string compose(const SourceLocation& location, const std::string& key,
                    const std::string& message) {
  std::string text = location.describe() + ": ";
  if (!key.empty())
    text += "'" + key + "': ";
  return text + message;
}
}  // namespace

ConfigError::ConfigError(SourceLocation location, std::string key, std::string message)
    : std::runtime_error(compose(location, key, message)),
      location_(std::move(location)),
      key_(std::move(key)),
      message_(std::move(message)) {}

}  // namespace spatialvp
