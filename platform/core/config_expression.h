#pragma once
// The small expression language of compact configurations: `${...}` inside a YAML scalar is
// replaced by its value. Values are 64-bit integers or text; integers combine with + - * / %
// and parentheses (/ and % round towards zero), `min(a, b)`, `max(a, b)`, `hex(a)` (the
// value written as 0x...), `len(list)`, `join(list)` (elements separated by spaces) and `list[i]`.
// A name stands for a variable of the enclosing scope: a `vars:` entry or a `for:` index; an
// integer written in hex stays hex. Free of SystemC; errors are ConfigErrors located at the scalar.
#include <cstdint>
#include <map>
#include <string>

#include "platform/core/config_node.h"

namespace spatialvp {

// Variables visible to an expression; later scopes shadow earlier ones.
class ExpressionScope {
 public:
  ExpressionScope() = default;
  explicit ExpressionScope(const ExpressionScope* parent) : parent_(parent) {}

  void set(const std::string& name, ConfigNode value) { values_[name] = std::move(value); }
  void setInteger(const std::string& name, std::int64_t value);
  const ConfigNode* find(const std::string& name) const;

 private:
  const ExpressionScope* parent_ = nullptr;
  std::map<std::string, ConfigNode> values_;
};

struct ExpressionValue {
  bool is_text = false;
  std::string text;         // when is_text
  std::int64_t number = 0;  // otherwise
  bool hex = false;         // written as 0x... when interpolated
  std::string toText() const;
};

// Evaluates `expression` (no `${}`); `where`/`key` locate errors.
ExpressionValue evaluateExpression(const std::string& expression, const ExpressionScope& scope,
                                   const SourceLocation& where, const std::string& key);
std::int64_t evaluateInteger(const std::string& expression, const ExpressionScope& scope,
                             const SourceLocation& where, const std::string& key);

// A variable name: a letter or '_', then letters, digits or '_'.
bool isExpressionName(const std::string& text);
// `text` without leading and trailing blanks and tabs.
std::string trimBlanks(const std::string& text);

// True when the scalar holds a `${`.
bool hasInterpolation(const std::string& text);

// Replaces every `${...}` in a scalar. A scalar that is exactly `${name}` of a list or map
// variable becomes that node. The result is an unquoted scalar (so "${i}" is a number).
ConfigNode interpolateScalar(const ConfigNode& scalar, const ExpressionScope& scope,
                             const std::string& key);

}  // namespace spatialvp
