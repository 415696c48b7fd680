#pragma once
// Validated parameters of one module instance (or config section), with where each came from.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "platform/core/config_error.h"
#include "platform/core/config_node.h"
#include "platform/core/units.h"

namespace spatialvp {

enum class ParamKind {
  kInteger,
  kReal,
  kBoolean,
  kString,
  kEnum,
  kQuantity,
  kIntegerList,
  kRealList,
  kQuantityList,
  kStringList
};

struct ParamValue {
  ParamKind kind = ParamKind::kString;
  Dimension dimension;
  std::int64_t integer = 0;
  double number = 0.0;  // reals and quantities (SI base units)
  bool boolean = false;
  std::string text;  // strings and enums
  std::vector<std::int64_t> integers;
  std::vector<double> numbers;
  std::vector<std::string> texts;
  ConfigNode written;  // the value as written (or the default), for the effective config
  SourceLocation location;
  bool is_default = false;
};

class ParamValues {
 public:
  ParamValues() = default;
  explicit ParamValues(std::string owner_path) : owner_path_(std::move(owner_path)) {}

  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  bool boolean(const std::string& name) const;
  const std::string& string(const std::string& name) const;
  double quantity(const std::string& name) const;  // SI base units
  const std::vector<std::int64_t>& integers(const std::string& name) const;
  const std::vector<double>& numbers(const std::string& name) const;
  const std::vector<std::string>& strings(const std::string& name) const;

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  bool isDefault(const std::string& name) const;
  const ParamValue& value(const std::string& name) const;

  // Throws a ConfigError pointing at where `name` was written (or the owner if defaulted).
  [[noreturn]] void fail(const std::string& name, const std::string& message) const;
  // "modules.x.params.name (file:line:col)", or "... (default)": for an error that another
  // module reports about this module's parameter.
  std::string whereWritten(const std::string& name) const;

  // The effective parameters as a YAML tree (dotted names become nested maps).
  ConfigNode effective() const;

  const std::string& ownerPath() const { return owner_path_; }
  void setOwnerLocation(SourceLocation location) { owner_location_ = std::move(location); }
  void put(const std::string& name, ParamValue value);
  const std::vector<std::string>& order() const { return order_; }

 private:
  std::string owner_path_;
  SourceLocation owner_location_;
  std::map<std::string, ParamValue> values_;
  std::vector<std::string> order_;
};

}  // namespace spatialvp
