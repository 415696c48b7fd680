#pragma once
// A YAML document as a tree that remembers where every key and value was written, so that
// errors found after includes, presets and --set overrides still point at the right line.
#include <string>
#include <vector>

#include "platform/core/config_error.h"

namespace spatialvp {

class ConfigNode {
 public:
  enum class Kind { kNull, kScalar, kMap, kSequence };

  struct Entry;

  ConfigNode() = default;
  static ConfigNode scalar(std::string value, SourceLocation location);
  static ConfigNode map(SourceLocation location);
  static ConfigNode sequence(SourceLocation location);

  // Parses YAML text; `source_name` is used in locations and errors.
  static ConfigNode parseYaml(const std::string& text, const std::string& source_name);

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::kNull; }
  bool isScalar() const { return kind_ == Kind::kScalar; }
  bool isMap() const { return kind_ == Kind::kMap; }
  bool isSequence() const { return kind_ == Kind::kSequence; }
  const SourceLocation& location() const { return location_; }
  void setLocation(SourceLocation location) { location_ = std::move(location); }

  const std::string& scalarValue() const { return scalar_; }
  // True when the scalar was written in quotes; a quoted "12" is a string, not a number.
  bool quoted() const { return quoted_; }

  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& entries() { return entries_; }
  const ConfigNode* find(const std::string& key) const;
  ConfigNode* find(const std::string& key);
  const Entry* findEntry(const std::string& key) const;
  // Inserts or replaces; keeps first-insertion order.
  ConfigNode& set(const std::string& key, ConfigNode value, SourceLocation key_location);
  bool erase(const std::string& key);

  const std::vector<ConfigNode>& items() const { return items_; }
  std::vector<ConfigNode>& items() { return items_; }
  void append(ConfigNode item) { items_.push_back(std::move(item)); }

  // Deep merge: maps merge key by key, anything else in `overlay` replaces what is here.
  void mergeFrom(const ConfigNode& overlay);

  // A map that `preset:` completed (the loader merged what was written over the preset file):
  // the preset file's name, else empty. A preset group (ParamSchema::presetGroup) written this
  // way is whole; a map without it changes single keys of the group's default preset.
  const std::string& presetFile() const { return preset_file_; }
  void setPresetFile(std::string name) { preset_file_ = std::move(name); }

  // Emits YAML (block style, insertion order).
  std::string toYaml() const;

  // A short description of the node kind for error messages ("a map", "a list", ...).
  std::string kindName() const;

 private:
  Kind kind_ = Kind::kNull;
  std::string scalar_;
  bool quoted_ = false;
  std::vector<Entry> entries_;
  std::vector<ConfigNode> items_;
  SourceLocation location_;
  std::string preset_file_;

  friend class YamlTreeBuilder;
};

struct ConfigNode::Entry {
  std::string key;
  SourceLocation key_location;
  ConfigNode value;
};

}  // namespace spatialvp
