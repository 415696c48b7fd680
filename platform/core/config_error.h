#pragma once
#include <stdexcept>
#include <string>

namespace spatialvp {

// Where a configuration value came from: a file position, or a command-line override.
struct SourceLocation {
  std::string file;  // path, "<embedded>/name.yaml" or "--set"
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown

  std::string describe() const;
};

// A configuration problem. what() reads "file:line:col: key: message" so users can jump to it.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(SourceLocation location, std::string key, std::string message);

  const SourceLocation& location() const { return location_; }
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation location_;
  std::string key_;
  std::string message_;
};

}  // namespace spatialvp
