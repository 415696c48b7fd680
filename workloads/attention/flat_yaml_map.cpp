#include "workloads/attention/flat_yaml_map.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "workloads/attention/preset_error.h"

namespace spatialvp::workloads {
namespace {

// yaml-cpp marks are 0-based; errors are 1-based.
int lineOf(const YAML::Mark& mark) {
  return mark.is_null() ? 0 : mark.line + 1;
}
int columnOf(const YAML::Mark& mark) {
  return mark.is_null() ? 0 : mark.column + 1;
}

std::string knownKeyList(const std::vector<std::string>& known_keys) {
  std::string list;
  for (const std::string& key : known_keys)
    list += (list.empty() ? "" : ", ") + key;
  return list;
}

}  // namespace

FlatYamlMap::FlatYamlMap(const std::string& text, std::string source,
                         const std::vector<std::string>& known_keys)
    : source_(std::move(source)) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw PresetError(source_, lineOf(error.mark), columnOf(error.mark), "", error.msg);
  }
  if (!root.IsMap()) {
    throw PresetError(source_, lineOf(root.Mark()), columnOf(root.Mark()), "",
                      "expected a map of parameter: value");
  }
  map_line_ = lineOf(root.Mark());
  map_column_ = columnOf(root.Mark());
  for (const auto& item : root) {
    const YAML::Node& key_node = item.first;
    const YAML::Node& value = item.second;
    const std::string key = key_node.Scalar();
    const int key_line = lineOf(key_node.Mark());
    const int key_column = columnOf(key_node.Mark());
    if (std::find(known_keys.begin(), known_keys.end(), key) == known_keys.end()) {
      throw PresetError(source_, key_line, key_column, key,
                        "unknown key; expected one of: " + knownKeyList(known_keys));
    }
    if (entries_.count(key) != 0) {
      throw PresetError(source_, key_line, key_column, key, "key given twice");
    }
    Entry entry;
    entry.line = key_line;
    entry.column = key_column;
    if (value.IsScalar()) {
      entry.values.push_back({value.Scalar(), lineOf(value.Mark()), columnOf(value.Mark())});
    } else if (value.IsSequence()) {
      entry.is_list = true;
      for (const YAML::Node& element : value) {
        if (!element.IsScalar()) {
          throw PresetError(source_, lineOf(element.Mark()), columnOf(element.Mark()), key,
                            "list elements must be plain values");
        }
        entry.values.push_back(
            {element.Scalar(), lineOf(element.Mark()), columnOf(element.Mark())});
      }
      if (entry.values.empty()) {
        throw PresetError(source_, key_line, key_column, key, "empty list");
      }
    } else {
      throw PresetError(source_, key_line, key_column, key,
                        "expected a value or a list of values, not a map or nothing");
    }
    entries_.emplace(key, std::move(entry));
  }
}

FlatYamlMap FlatYamlMap::fromFile(const std::string& path,
                                  const std::vector<std::string>& known_keys) {
  std::ifstream file(path);
  if (!file)
    throw PresetError(path, 0, 0, "", "cannot open file");
  std::ostringstream text;
  text << file.rdbuf();
  return FlatYamlMap(text.str(), path, known_keys);
}

const FlatYamlMap::Entry& FlatYamlMap::entry(const std::string& key) const {
  const auto found = entries_.find(key);
  if (found == entries_.end()) {
    throw PresetError(source_, map_line_, map_column_, key, "required value missing");
  }
  return found->second;
}

const FlatYamlMap::Scalar& FlatYamlMap::single(const std::string& key) const {
  const Entry& found = entry(key);
  if (found.is_list) {
    throw PresetError(source_, found.line, found.column, key, "expected one value, not a list");
  }
  return found.values.front();
}

void FlatYamlMap::fail(const std::string& key, const std::string& message) const {
  const auto found = entries_.find(key);
  if (found == entries_.end())
    throw PresetError(source_, map_line_, map_column_, key, message);
  const Scalar& first = found->second.values.front();
  throw PresetError(source_, first.line, first.column, key, message);
}

std::uint64_t FlatYamlMap::parseCount(const std::string& key, const Scalar& scalar) const {
  const std::string& text = scalar.text;
  const bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  errno = 0;
  const unsigned long long value = digits_only ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (!digits_only || errno == ERANGE) {
    throw PresetError(source_, scalar.line, scalar.column, key,
                      "expected a plain non-negative integer, got '" + text + "'");
  }
  return static_cast<std::uint64_t>(value);
}

double FlatYamlMap::parseNumber(const std::string& key, const Scalar& scalar) const {
  const std::string& text = scalar.text;
  char* end = nullptr;
  errno = 0;
  const double value = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE ||
      !std::isfinite(value)) {
    throw PresetError(source_, scalar.line, scalar.column, key,
                      "expected a finite number, got '" + text + "'");
  }
  return value;
}

std::string FlatYamlMap::requireString(const std::string& key) const {
  return single(key).text;
}

std::uint64_t FlatYamlMap::requireCount(const std::string& key) const {
  return parseCount(key, single(key));
}

std::optional<std::uint64_t> FlatYamlMap::optionalCount(const std::string& key) const {
  if (!has(key))
    return std::nullopt;
  return requireCount(key);
}

double FlatYamlMap::requireNumber(const std::string& key) const {
  return parseNumber(key, single(key));
}

std::optional<double> FlatYamlMap::optionalNumber(const std::string& key) const {
  if (!has(key))
    return std::nullopt;
  return requireNumber(key);
}

std::vector<std::uint64_t> FlatYamlMap::countList(const std::string& key) const {
  std::vector<std::uint64_t> values;
  if (!has(key))
    return values;
  for (const Scalar& scalar : entry(key).values)
    values.push_back(parseCount(key, scalar));
  return values;
}

std::vector<double> FlatYamlMap::numberList(const std::string& key) const {
  std::vector<double> values;
  if (!has(key))
    return values;
  for (const Scalar& scalar : entry(key).values)
    values.push_back(parseNumber(key, scalar));
  return values;
}

}  // namespace spatialvp::workloads
