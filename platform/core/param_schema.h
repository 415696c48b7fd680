#pragma once
// Declares the typed parameters of a module type (or config section) and validates a YAML map
// against them: unknown keys, wrong types, missing values and out-of-range values are errors
// that name the file, line, column and key.
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "platform/core/param_values.h"

namespace spatialvp {

struct ParamSpec {
  std::string name;  // dotted for nested groups, e.g. "energy.read"
  ParamKind kind = ParamKind::kString;
  Dimension dimension;
  std::string description;
  std::optional<std::string> default_text;  // as it would be written in YAML; none = required
  std::optional<double> minimum;
  bool minimum_exclusive = false;
  std::optional<double> maximum;
  std::vector<std::string> choices;  // enums

  ParamSpec& byDefault(std::string text);
  ParamSpec& atLeast(double value);
  ParamSpec& above(double value);  // exclusive lower bound
  ParamSpec& atMost(double value);

  std::string kindName() const;  // "integer", "bandwidth", "list of time", ...
  std::string unitSymbol() const;
  std::string rangeText() const;  // "> 0", "1 .. 64", "" when unbounded
};

class ParamSchema {
 public:
  ParamSpec& integer(std::string name, std::string description);
  ParamSpec& real(std::string name, std::string description);
  ParamSpec& boolean(std::string name, std::string description);
  ParamSpec& string(std::string name, std::string description);
  ParamSpec& enumeration(std::string name, std::vector<std::string> choices,
                         std::string description);
  ParamSpec& quantity(std::string name, const Dimension& dimension, std::string description);
  ParamSpec& integerList(std::string name, std::string description);
  ParamSpec& realList(std::string name, std::string description);
  ParamSpec& quantityList(std::string name, const Dimension& dimension, std::string description);
  ParamSpec& stringList(std::string name, std::string description);

  const std::deque<ParamSpec>& specs() const { return specs_; }
  const ParamSpec* find(const std::string& name) const;

  // Validates `node` (a map, or empty) found at `owner_path`; defaults fill missing values.
  ParamValues validate(const ConfigNode& node, const std::string& owner_path,
                       const SourceLocation& owner_location) const;

 private:
  ParamSpec& add(std::string name, ParamKind kind, std::string description);
  std::deque<ParamSpec> specs_;  // deque: references handed out stay valid
};

}  // namespace spatialvp
