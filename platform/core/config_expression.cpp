#include "platform/core/config_expression.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <vector>

namespace spatialvp {

namespace {

bool parseInteger(const std::string& text, std::int64_t& value) {
  if (text.empty())
    return false;
  std::size_t pos = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    pos = 1;
  }
  int base = 10;
  if (text.size() > pos + 2 && text[pos] == '0' && (text[pos + 1] == 'x' || text[pos + 1] == 'X')) {
    base = 16;
    pos += 2;
  }
  if (pos >= text.size())
    return false;
  std::uint64_t magnitude = 0;
  for (; pos < text.size(); ++pos) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[pos])));
    int digit = -1;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    if (digit < 0)
      return false;
    if (magnitude > (static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) -
                     static_cast<std::uint64_t>(digit)) /
                        static_cast<std::uint64_t>(base))
      return false;
    magnitude = magnitude * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(digit);
  }
  value = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
  return true;
}

// Recursive descent over one expression; every failure is a ConfigError at the scalar.
class ExpressionParser {
 public:
  ExpressionParser(const std::string& text, const ExpressionScope& scope,
                   const SourceLocation& where, const std::string& key)
      : text_(text), scope_(scope), where_(where), key_(key) {}

  ExpressionValue parse() {
    ExpressionValue value = sum();
    skipSpace();
    if (pos_ != text_.size())
      fail("unexpected '" + text_.substr(pos_, 1) + "'");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ConfigError(where_, key_, "in expression '" + text_ + "': " + what);
  }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  bool accept(char c) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::int64_t integer(const ExpressionValue& value, const std::string& role) const {
    if (value.is_text)
      fail(role + " '" + value.text + "' is not an integer");
    return value.number;
  }
  std::int64_t checked(long double exact, std::int64_t result) const {
    if (exact > static_cast<long double>(std::numeric_limits<std::int64_t>::max()) ||
        exact < static_cast<long double>(std::numeric_limits<std::int64_t>::min()))
      fail("the result overflows a 64-bit integer");
    return result;
  }

  ExpressionValue sum() {
    ExpressionValue left = product();
    for (;;) {
      const bool plus = accept('+');
      if (!plus && !accept('-'))
        return left;
      const ExpressionValue right = product();
      const std::int64_t a = integer(left, "operand"), b = integer(right, "operand");
      const long double exact = plus ? static_cast<long double>(a) + static_cast<long double>(b)
                                     : static_cast<long double>(a) - static_cast<long double>(b);
      left = ExpressionValue{};
      left.number = checked(exact, static_cast<std::int64_t>(exact));
    }
  }

  ExpressionValue product() {
    ExpressionValue left = unary();
    for (;;) {
      char op = 0;
      if (accept('*'))
        op = '*';
      else if (accept('/'))
        op = '/';
      else if (accept('%'))
        op = '%';
      else
        return left;
      const ExpressionValue right = unary();
      const std::int64_t a = integer(left, "operand"), b = integer(right, "operand");
      left = ExpressionValue{};
      if (op == '*') {
        const long double exact = static_cast<long double>(a) * static_cast<long double>(b);
        left.number = checked(exact, static_cast<std::int64_t>(exact));
      } else {
        if (b == 0)
          fail(std::string("division by zero (") + op + " 0)");
        left.number = op == '/' ? a / b : a % b;
      }
    }
  }

  ExpressionValue unary() {
    if (accept('-')) {
      ExpressionValue value = unary();
      const std::int64_t a = integer(value, "operand");
      if (a == std::numeric_limits<std::int64_t>::min())
        fail("the result overflows a 64-bit integer");
      ExpressionValue result;
      result.number = -a;
      return result;
    }
    return primary();
  }

  ExpressionValue primary() {
    skipSpace();
    if (accept('(')) {
      ExpressionValue value = sum();
      if (!accept(')'))
        fail("missing ')'");
      return value;
    }
    if (pos_ >= text_.size())
      fail("a value is missing at the end");
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && std::isalnum(static_cast<unsigned char>(text_[pos_])))
        ++pos_;
      ExpressionValue value;
      if (!parseInteger(text_.substr(start, pos_ - start), value.number))
        fail("'" + text_.substr(start, pos_ - start) + "' is not an integer");
      return value;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const std::size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
        ++pos_;
      const std::string name = text_.substr(start, pos_ - start);
      if ((name == "len" || name == "join") && accept('('))
        return listFunction(name);
      if (accept('('))
        return call(name);
      if (accept('['))
        return element(name);
      return variable(name);
    }
    fail("unexpected '" + std::string(1, c) + "'");
  }

  ExpressionValue call(const std::string& name) {
    std::vector<std::int64_t> args;
    if (!accept(')')) {
      do {
        args.push_back(integer(sum(), "argument"));
      } while (accept(','));
      if (!accept(')'))
        fail("missing ')' after the arguments of " + name);
    }
    ExpressionValue value;
    if (name == "hex" && args.size() == 1) {
      if (args[0] < 0)
        fail("hex() of a negative value");
      value.number = args[0];
      value.hex = true;
    } else if ((name == "min" || name == "max") && args.size() == 2) {
      value.number = name == "min" ? std::min(args[0], args[1]) : std::max(args[0], args[1]);
    } else {
      fail("unknown function " + name + "/" + std::to_string(args.size()) +
           " (known: hex(a), min(a, b), max(a, b), len(list), join(list))");
    }
    return value;
  }

  const ConfigNode& lookup(const std::string& name) const {
    const ConfigNode* node = scope_.find(name);
    if (!node)
      fail("unknown variable '" + name + "' (define it under vars: or as a for: index)");
    return *node;
  }

  // A scalar as a value: an integer (kept in hex when written so), else text.
  static ExpressionValue valueOf(const ConfigNode& node) {
    ExpressionValue value;
    const std::string& text = node.scalarValue();
    if (parseInteger(text, value.number)) {
      value.hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    } else {
      value.is_text = true;
      value.text = text;
    }
    return value;
  }

  ExpressionValue variable(const std::string& name) const {
    const ConfigNode& node = lookup(name);
    if (!node.isScalar())
      fail("'" + name + "' is " + node.kindName() + "; index it as " + name + "[i]");
    return valueOf(node);
  }

  // name[index] of a list variable.
  ExpressionValue element(const std::string& name) {
    const ConfigNode& node = lookup(name);
    const std::int64_t index = integer(sum(), "index");
    if (!accept(']'))
      fail("missing ']' after the index of " + name);
    if (!node.isSequence())
      fail("'" + name + "' is " + node.kindName() + ", not a list");
    if (index < 0 || static_cast<std::size_t>(index) >= node.items().size()) {
      fail("index " + std::to_string(index) + " is outside " + name + " (" +
           std::to_string(node.items().size()) + " elements)");
    }
    const ConfigNode& item = node.items()[static_cast<std::size_t>(index)];
    if (!item.isScalar())
      fail(name + "[" + std::to_string(index) + "] is " + item.kindName() + ", not a value");
    return valueOf(item);
  }

  // len(list): its length; join(list): its elements separated by spaces.
  ExpressionValue listFunction(const std::string& function) {
    skipSpace();
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    const ConfigNode& node = lookup(text_.substr(start, pos_ - start));
    if (!accept(')'))
      fail(function + "() takes the name of a list variable");
    if (!node.isSequence())
      fail(function + "() of " + node.kindName() + "; it takes a list");
    ExpressionValue value;
    if (function == "len") {
      value.number = static_cast<std::int64_t>(node.items().size());
      return value;
    }
    value.is_text = true;
    for (const auto& item : node.items()) {
      if (!item.isScalar())
        fail("join() of a list holding " + item.kindName());
      value.text += (value.text.empty() ? "" : " ") + item.scalarValue();
    }
    return value;
  }

  const std::string& text_;
  const ExpressionScope& scope_;
  const SourceLocation& where_;
  const std::string& key_;
  std::size_t pos_ = 0;
};

}  // namespace

bool isExpressionName(const std::string& text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_'))
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string trimBlanks(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos)
    return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

void ExpressionScope::setInteger(const std::string& name, std::int64_t value) {
  values_[name] = ConfigNode::scalar(std::to_string(value), SourceLocation{});
}

const ConfigNode* ExpressionScope::find(const std::string& name) const {
  for (const ExpressionScope* scope = this; scope; scope = scope->parent_) {
    const auto it = scope->values_.find(name);
    if (it != scope->values_.end())
      return &it->second;
  }
  return nullptr;
}

std::string ExpressionValue::toText() const {
  if (is_text)
    return text;
  if (!hex)
    return std::to_string(number);
  static const char* digits = "0123456789abcdef";
  std::string out;
  auto rest = static_cast<std::uint64_t>(number);
  do {
    out.insert(out.begin(), digits[rest % 16]);
    rest /= 16;
  } while (rest != 0);
  return "0x" + out;
}

ExpressionValue evaluateExpression(const std::string& expression, const ExpressionScope& scope,
                                   const SourceLocation& where, const std::string& key) {
  return ExpressionParser(expression, scope, where, key).parse();
}

std::int64_t evaluateInteger(const std::string& expression, const ExpressionScope& scope,
                             const SourceLocation& where, const std::string& key) {
  const ExpressionValue value = evaluateExpression(expression, scope, where, key);
  if (value.is_text) {
    throw ConfigError(
        where, key,
        "expression '" + expression + "' is the text '" + value.text + "', expected an integer");
  }
  return value.number;
}

bool hasInterpolation(const std::string& text) {
  return text.find("${") != std::string::npos;
}

ConfigNode interpolateScalar(const ConfigNode& scalar, const ExpressionScope& scope,
                             const std::string& key) {
  const std::string& text = scalar.scalarValue();
  if (!hasInterpolation(text))
    return scalar;
  const SourceLocation& where = scalar.location();
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("${", pos);
    if (open == std::string::npos) {
      out += text.substr(pos);
      break;
    }
    out += text.substr(pos, open - pos);
    const std::size_t close = text.find('}', open + 2);
    if (close == std::string::npos)
      throw ConfigError(where, key, "unterminated '${' in '" + text + "'");
    const std::string expression = trimBlanks(text.substr(open + 2, close - open - 2));
    if (expression.empty())
      throw ConfigError(where, key, "empty '${}' in '" + text + "'");
    // "${list_var}" alone: the variable's list or map itself.
    if (open == 0 && close + 1 == text.size() && isExpressionName(expression)) {
      if (const ConfigNode* node = scope.find(expression); node && !node->isScalar()) {
        ConfigNode copy = *node;
        copy.setLocation(where);
        return copy;
      }
    }
    out += evaluateExpression(expression, scope, where, key).toText();
    pos = close + 1;
  }
  return ConfigNode::scalar(out, where);
}

}  // namespace spatialvp
