#pragma once
// A struct field with a bad value; field() lets loaders point at the preset key behind it.
#include <stdexcept>
#include <string>
#include <utility>

namespace spatialvp::workloads {

class InvalidFieldError : public std::invalid_argument {
 public:
  InvalidFieldError(const std::string& what_struct, std::string field, std::string reason)
      : std::invalid_argument(what_struct + ": '" + field + "' " + reason),
        field_(std::move(field)),
        reason_(std::move(reason)) {}

  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string field_;
  std::string reason_;
};

}  // namespace spatialvp::workloads
