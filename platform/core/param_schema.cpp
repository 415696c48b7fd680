#include "platform/core/param_schema.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "platform/core/preset_name.h"

namespace spatialvp {

namespace {

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i)
    text += (i ? separator : "") + items[i];
  return text;
}

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool isListKind(ParamKind kind) {
  return kind == ParamKind::kIntegerList || kind == ParamKind::kRealList ||
         kind == ParamKind::kQuantityList || kind == ParamKind::kStringList;
}

ParamKind elementKind(ParamKind kind) {
  switch (kind) {
    case ParamKind::kIntegerList:
      return ParamKind::kInteger;
    case ParamKind::kRealList:
      return ParamKind::kReal;
    case ParamKind::kQuantityList:
      return ParamKind::kQuantity;
    case ParamKind::kStringList:
      return ParamKind::kString;
    default:
      return kind;
  }
}

std::string formatNumber(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

// Parses one scalar of `kind`; returns an error message or empty on success.
std::string parseScalar(const ParamSpec& spec, ParamKind kind, const ConfigNode& node,
                        ParamValue& out, std::int64_t& integer, double& number) {
  if (!node.isScalar()) {
    return "expected " + std::string(kind == ParamKind::kString ? "a string" : "a single value") +
           ", found " + node.kindName();
  }
  const std::string& text = node.scalarValue();
  switch (kind) {
    case ParamKind::kInteger: {
      std::string digits;
      for (char c : text) {
        if (c != '_')
          digits += c;
      }
      errno = 0;
      char* end = nullptr;
      const bool hex =
          digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
      const long long value = std::strtoll(digits.c_str(), &end, hex ? 16 : 10);
      if (!digits.empty() && *end == '\0' && errno == ERANGE && !node.quoted()) {
        return "expected an integer, found '" + text +
               "', which lies outside the 64-bit range [-2^63, 2^63 - 1]";
      }
      if (digits.empty() || *end != '\0' || errno == ERANGE || node.quoted()) {
        return "expected an integer, found '" + text + "'";
      }
      integer = value;
      number = static_cast<double>(value);
      return "";
    }
    case ParamKind::kReal: {
      char* end = nullptr;
      double value = std::strtod(text.c_str(), &end);
      std::string rest(end);
      if (rest == "%") {
        value /= 100.0;
        rest.clear();
      }
      if (end == text.c_str() || !rest.empty() || !std::isfinite(value) || node.quoted()) {
        if (end != text.c_str() && !rest.empty() && rest != "%") {
          return "expected a plain number, found '" + text + "' (this parameter has no unit)";
        }
        return "expected a number, found '" + text + "'";
      }
      number = value;
      return "";
    }
    case ParamKind::kBoolean: {
      static const std::vector<std::string> truthy = {"true", "yes", "on", "True", "TRUE"};
      static const std::vector<std::string> falsy = {"false", "no", "off", "False", "FALSE"};
      if (std::find(truthy.begin(), truthy.end(), text) != truthy.end()) {
        out.boolean = true;
      } else if (std::find(falsy.begin(), falsy.end(), text) != falsy.end()) {
        out.boolean = false;
      } else {
        return "expected true or false, found '" + text + "'";
      }
      return "";
    }
    case ParamKind::kString:
      out.texts.push_back(text);
      out.text = text;
      return "";
    case ParamKind::kEnum:
      if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
        return "expected one of " + join(spec.choices, ", ") + "; found '" + text + "'";
      }
      out.text = text;
      return "";
    case ParamKind::kQuantity:
      try {
        number = parseQuantityAs(text, spec.dimension);
      } catch (const UnitError& error) {
        return error.what();
      }
      return "";
    default:
      return "unsupported parameter kind";
  }
}

std::string checkRange(const ParamSpec& spec, double value, const std::string& written) {
  const bool below =
      spec.minimum && (spec.minimum_exclusive ? !(value > *spec.minimum) : value < *spec.minimum);
  const bool over = spec.maximum && value > *spec.maximum;
  if (below || over) {
    return "out of range: must be " + spec.rangeText() + ", found '" + written + "'";
  }
  if (spec.kind == ParamKind::kQuantity || spec.kind == ParamKind::kQuantityList) {
    const PhysicalRange physical = physicalRange(spec.dimension);
    if (value < physical.minimum || value > physical.maximum) {
      return "out of the physical range of a " + dimensionName(spec.dimension) + ": must be " +
             formatQuantity(physical.minimum, spec.dimension) + " .. " +
             formatQuantity(physical.maximum, spec.dimension) + ", found '" + written + "'";
    }
  }
  if (spec.kind == ParamKind::kReal || spec.kind == ParamKind::kRealList) {
    // Plain numbers are ratios and factors; beyond 1e15 they only serve to overflow.
    constexpr double kLargestPlainNumber = 1e15;
    if (std::fabs(value) > kLargestPlainNumber) {
      return "out of range: a plain number must be within +-1e15, found '" + written + "'";
    }
  }
  return "";
}

}  // namespace

ParamSpec& ParamSpec::byDefault(std::string text) {
  default_text = std::move(text);
  return *this;
}
ParamSpec& ParamSpec::atLeast(double value) {
  minimum = value;
  minimum_exclusive = false;
  return *this;
}
ParamSpec& ParamSpec::above(double value) {
  minimum = value;
  minimum_exclusive = true;
  return *this;
}
ParamSpec& ParamSpec::atMost(double value) {
  maximum = value;
  return *this;
}

ParamSpec& ParamSpec::orOneValue() {
  one_value_is_list = true;
  return *this;
}

std::string ParamSpec::kindName() const {
  switch (kind) {
    case ParamKind::kInteger:
      return "integer";
    case ParamKind::kReal:
      return "number";
    case ParamKind::kBoolean:
      return "boolean";
    case ParamKind::kString:
      return "string";
    case ParamKind::kEnum:
      return "one of {" + join(choices, ", ") + "}";
    case ParamKind::kQuantity:
      return dimensionName(dimension);
    case ParamKind::kIntegerList:
      return "list of integer";
    case ParamKind::kRealList:
      return "list of number";
    case ParamKind::kQuantityList:
      return "list of " + dimensionName(dimension);
    case ParamKind::kStringList:
      return "list of string";
  }
  return "value";
}

std::string ParamSpec::unitSymbol() const {
  if (kind == ParamKind::kQuantity || kind == ParamKind::kQuantityList) {
    return baseUnitSymbol(dimension);
  }
  return "";
}

std::string ParamSpec::rangeText() const {
  auto show = [this](double v) {
    if (kind == ParamKind::kQuantity || kind == ParamKind::kQuantityList) {
      return formatQuantity(v, dimension);
    }
    return formatNumber(v);
  };
  if (minimum && maximum) {
    return minimum_exclusive ? "> " + show(*minimum) + " and <= " + show(*maximum)
                             : show(*minimum) + " .. " + show(*maximum);
  }
  if (minimum)
    return (minimum_exclusive ? "> " : ">= ") + show(*minimum);
  if (maximum)
    return "<= " + show(*maximum);
  return "";
}

ParamSpec& ParamSchema::add(std::string name, ParamKind kind, std::string description) {
  if (find(name))
    throw std::logic_error("parameter '" + name + "' declared twice");
  ParamSpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.description = std::move(description);
  specs_.push_back(std::move(spec));
  return specs_.back();
}

ParamSpec& ParamSchema::integer(std::string name, std::string description) {
  return add(std::move(name), ParamKind::kInteger, std::move(description));
}
ParamSpec& ParamSchema::real(std::string name, std::string description) {
  return add(std::move(name), ParamKind::kReal, std::move(description));
}
ParamSpec& ParamSchema::boolean(std::string name, std::string description) {
  return add(std::move(name), ParamKind::kBoolean, std::move(description));
}
ParamSpec& ParamSchema::string(std::string name, std::string description) {
  return add(std::move(name), ParamKind::kString, std::move(description));
}
ParamSpec& ParamSchema::enumeration(std::string name, std::vector<std::string> choices,
                                    std::string description) {
  ParamSpec& spec = add(std::move(name), ParamKind::kEnum, std::move(description));
  spec.choices = std::move(choices);
  return spec;
}
ParamSpec& ParamSchema::quantity(std::string name, const Dimension& dimension,
                                 std::string description) {
  ParamSpec& spec = add(std::move(name), ParamKind::kQuantity, std::move(description));
  spec.dimension = dimension;
  return spec;
}
ParamSpec& ParamSchema::integerList(std::string name, std::string description) {
  return add(std::move(name), ParamKind::kIntegerList, std::move(description));
}
ParamSpec& ParamSchema::realList(std::string name, std::string description) {
  return add(std::move(name), ParamKind::kRealList, std::move(description));
}
ParamSpec& ParamSchema::quantityList(std::string name, const Dimension& dimension,
                                     std::string description) {
  ParamSpec& spec = add(std::move(name), ParamKind::kQuantityList, std::move(description));
  spec.dimension = dimension;
  return spec;
}
ParamSpec& ParamSchema::stringList(std::string name, std::string description) {
  return add(std::move(name), ParamKind::kStringList, std::move(description));
}

std::string PresetGroupSpec::fileOf(const std::string& preset) const {
  return presetFileIn(folder, preset);
}

PresetGroupSpec& ParamSchema::presetGroup(std::string name, std::string folder,
                                          std::string default_preset, std::string description) {
  groups_.push_back(PresetGroupSpec{std::move(name), std::move(folder), std::move(default_preset),
                                    std::move(description)});
  return groups_.back();
}

const PresetGroupSpec* ParamSchema::groupOf(const std::string& name) const {
  for (const auto& group : groups_) {
    if (name == group.name || name.compare(0, group.name.size() + 1, group.name + ".") == 0)
      return &group;
  }
  return nullptr;
}

const ParamSpec* ParamSchema::find(const std::string& name) const {
  for (const auto& spec : specs_) {
    if (spec.name == name)
      return &spec;
  }
  return nullptr;
}

ParamValues ParamSchema::validate(const ConfigNode& node, const std::string& owner_path,
                                  const SourceLocation& owner_location,
                                  const PresetSource& presets) const {
  ParamValues values(owner_path);
  values.setOwnerLocation(owner_location);
  auto keyOf = [&](const std::string& name) {
    return owner_path.empty() ? name : owner_path + "." + name;
  };

  auto convert = [&](const ParamSpec& spec, const ConfigNode& written,
                     const SourceLocation& location, bool is_default) {
    ParamValue value;
    value.kind = spec.kind;
    value.dimension = spec.dimension;
    value.written = written;
    value.location = location;
    value.is_default = is_default;
    auto fail = [&](const std::string& message) {
      if (is_default) {
        throw std::logic_error("default of " + keyOf(spec.name) + " is invalid: " + message);
      }
      throw ConfigError(written.location(), keyOf(spec.name), message);
    };
    if (isListKind(spec.kind)) {
      const bool one_value = spec.one_value_is_list && written.isScalar();
      if (!written.isSequence() && !one_value)
        fail("expected a list" + std::string(spec.one_value_is_list ? " or one value" : "") +
             ", found " + written.kindName());
      const std::vector<ConfigNode> single =
          one_value ? std::vector<ConfigNode>{written} : std::vector<ConfigNode>{};
      for (const auto& item : one_value ? single : written.items()) {
        std::int64_t integer = 0;
        double number = 0.0;
        ParamValue scratch;
        std::string error =
            parseScalar(spec, elementKind(spec.kind), item, scratch, integer, number);
        if (error.empty() && spec.kind != ParamKind::kStringList) {
          error = checkRange(spec, number, item.scalarValue());
        }
        if (!error.empty()) {
          throw ConfigError(item.location(), keyOf(spec.name), "list element: " + error);
        }
        value.integers.push_back(integer);
        value.numbers.push_back(number);
        if (spec.kind == ParamKind::kStringList)
          value.texts.push_back(item.scalarValue());
      }
    } else {
      std::string error = parseScalar(spec, spec.kind, written, value, value.integer, value.number);
      if (error.empty() && (spec.kind == ParamKind::kInteger || spec.kind == ParamKind::kReal ||
                            spec.kind == ParamKind::kQuantity)) {
        error = checkRange(spec, value.number, written.scalarValue());
      }
      if (!error.empty())
        fail(error);
    }
    values.put(spec.name, std::move(value));
  };

  // The map of the preset file `file`, named by `name` (a scalar, located where it was named).
  auto presetOf = [&](const PresetGroupSpec& group, const ConfigNode& name,
                      const std::string& file) {
    // Found next to the file that named it; a name given on the command line (--set), next to
    // the config that declares the module.
    const bool named_in_file = name.location().file.rfind("--set", 0) != 0;
    std::optional<ConfigNode> found =
        presets ? presets(file, named_in_file ? name.location() : owner_location) : std::nullopt;
    if (!found) {
      throw ConfigError(name.location(), keyOf(group.name),
                        "unknown preset '" + name.scalarValue() + "' (no file " + file +
                            "); expected " + group.description);
    }
    if (!found->isMap()) {
      throw ConfigError(found->location(), keyOf(group.name),
                        "a preset is a map of parameter -> value, found " + found->kindName());
    }
    return *std::move(found);
  };
  // What a preset group stands for, as one map of its keys (see presetGroup()).
  auto groupMap = [&](const PresetGroupSpec& group, const ConfigNode& written) {
    const std::string expected =
        "expected a preset name or a map of parameters (" + group.description + ")";
    if (written.isScalar())
      return presetOf(group, written, group.fileOf(written.scalarValue()));
    if (!written.isMap())
      throw ConfigError(written.location(), keyOf(group.name),
                        expected + ", found " + written.kindName());
    if (!written.presetFile().empty())
      return written;  // the loader resolved its `preset:`: whole
    ConfigNode base;
    ConfigNode changes = written;
    if (const ConfigNode::Entry* named = written.findEntry("preset")) {
      // `preset:` set after loading (--set): resolved here, as the loader would have.
      if (!named->value.isScalar()) {
        throw ConfigError(named->value.location(), keyOf(group.name + ".preset"),
                          "expected a preset name, found " + named->value.kindName());
      }
      base = presetOf(group, named->value, presetFileIn("presets", named->value.scalarValue()));
      changes.erase("preset");
    } else if (!group.default_preset.empty()) {
      base = presetOf(group, ConfigNode::scalar(group.default_preset, written.location()),
                      group.fileOf(group.default_preset));
    } else {
      return written;
    }
    base.mergeFrom(changes);
    return base;
  };

  // Walk the written map; nested maps are groups whose leaves are dotted parameter names.
  std::vector<std::string> seen;
  std::vector<const PresetGroupSpec*> groups_written;
  std::function<void(const ConfigNode&, const std::string&)> walk = [&](const ConfigNode& map,
                                                                        const std::string& prefix) {
    for (const auto& entry : map.entries()) {
      const std::string name = prefix.empty() ? entry.key : prefix + "." + entry.key;
      if (const ParamSpec* spec = find(name)) {
        seen.push_back(name);
        convert(*spec, entry.value, entry.value.location(), false);
        continue;
      }
      if (const PresetGroupSpec* group = groupOf(name); group && group->name == name) {
        groups_written.push_back(group);
        walk(groupMap(*group, entry.value), name);
        continue;
      }
      const bool is_group = std::any_of(specs_.begin(), specs_.end(), [&](const ParamSpec& s) {
        return s.name.compare(0, name.size() + 1, name + ".") == 0;
      });
      if (is_group) {
        if (!entry.value.isMap()) {
          throw ConfigError(entry.value.location(), keyOf(name),
                            "expected a map of parameters, found " + entry.value.kindName());
        }
        walk(entry.value, name);
        continue;
      }
      std::string hint;
      std::size_t best = 4;
      for (const auto& spec : specs_) {
        const std::size_t distance = editDistance(name, spec.name);
        if (distance < best) {
          best = distance;
          hint = spec.name;
        }
      }
      std::vector<std::string> names;
      for (const auto& spec : specs_)
        names.push_back(spec.name);
      throw ConfigError(entry.key_location, keyOf(name),
                        "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                            "; expected one of: " +
                            (names.empty() ? std::string("(no parameters)") : join(names, ", ")));
    }
  };
  if (node.isMap()) {
    walk(node, "");
  } else if (!node.isNull()) {
    throw ConfigError(node.location(), owner_path,
                      "expected a map of parameters, found " + node.kindName());
  }

  for (const auto& group : groups_) {
    const bool written =
        std::find(groups_written.begin(), groups_written.end(), &group) != groups_written.end();
    if (written || group.default_preset.empty())
      continue;
    ConfigNode preset = presetOf(group, ConfigNode::scalar(group.default_preset, owner_location),
                                 group.fileOf(group.default_preset));
    // A member written as a dotted key (`model.top_k: 4`) wins over the default preset's.
    for (const auto& name : seen) {
      if (groupOf(name) == &group)
        preset.erase(name.substr(group.name.size() + 1));
    }
    walk(preset, group.name);
  }
  for (const auto& spec : specs_) {
    if (std::find(seen.begin(), seen.end(), spec.name) != seen.end())
      continue;
    if (!spec.default_text) {
      throw ConfigError(
          owner_location, keyOf(spec.name),
          "missing required parameter (" + spec.kindName() +
              (spec.unitSymbol().empty() ? "" : ", e.g. '" + exampleLiteral(spec.dimension) + "'") +
              "): " + spec.description +
              (groupOf(spec.name) ? " (a preset of this group must give every key)" : ""));
    }
    ConfigNode written =
        ConfigNode::parseYaml(*spec.default_text, "<default of " + keyOf(spec.name) + ">");
    if (written.isMap() && written.entries().empty() && spec.default_text->empty()) {
      written = ConfigNode::scalar("", SourceLocation{});
    }
    convert(spec, written, owner_location, true);
  }
  // Keep declaration order in the effective config regardless of the order written.
  ParamValues ordered(owner_path);
  ordered.setOwnerLocation(owner_location);
  for (const auto& spec : specs_)
    ordered.put(spec.name, values.value(spec.name));
  return ordered;
}

}  // namespace spatialvp
