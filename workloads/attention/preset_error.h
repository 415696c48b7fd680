#pragma once
// A problem in a workload, operating-point or baseline preset. what() reads
// "file:line:col: 'key': message" (line/col omitted when unknown) so users can jump to it.
#include <stdexcept>
#include <string>

namespace spatialvp::workloads {

class PresetError : public std::runtime_error {
 public:
  // line and column are 1-based; 0 means unknown.
  PresetError(std::string file, int line, int column, std::string key, std::string message);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  std::string key_;
  std::string message_;
};

}  // namespace spatialvp::workloads
