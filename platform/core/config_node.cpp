#include "platform/core/config_node.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <unordered_set>

namespace spatialvp {

ConfigNode ConfigNode::scalar(std::string value, SourceLocation location) {
  ConfigNode node;
  node.kind_ = Kind::kScalar;
  node.scalar_ = std::move(value);
  node.location_ = std::move(location);
  return node;
}

ConfigNode ConfigNode::map(SourceLocation location) {
  ConfigNode node;
  node.kind_ = Kind::kMap;
  node.location_ = std::move(location);
  return node;
}

ConfigNode ConfigNode::sequence(SourceLocation location) {
  ConfigNode node;
  node.kind_ = Kind::kSequence;
  node.location_ = std::move(location);
  return node;
}

// Converts yaml-cpp nodes, keeping marks and rejecting duplicate keys (yaml-cpp keeps both).
// yaml-cpp shares aliased nodes, but this copy expands them: a budget on the nodes built
// stops an alias bomb (a few lines naming each other's anchors) before it expands, wherever
// it sits, so even under an unknown key it cannot take the memory before the key is checked.
class YamlTreeBuilder {
 public:
  YamlTreeBuilder(std::string source, std::size_t text_size)
      : source_(std::move(source)), node_budget_(kNodesPerByte * text_size + kBaseNodes) {}

  ConfigNode build(const YAML::Node& yaml, const std::string& path, int depth = 0) {
    ConfigNode node;
    node.location_ = locate(yaml.Mark());
    if (++nodes_built_ > node_budget_) {
      throw ConfigError(node.location_, path,
                        "YAML aliases expand to more than " + std::to_string(node_budget_) +
                            " nodes (an alias bomb?); write the values out instead");
    }
    if (depth > kMaxDepth) {
      throw ConfigError(node.location_, path,
                        "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    switch (yaml.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        node.kind_ = ConfigNode::Kind::kNull;
        break;
      case YAML::NodeType::Scalar:
        node.kind_ = ConfigNode::Kind::kScalar;
        node.scalar_ = yaml.Scalar();
        node.quoted_ = yaml.Tag() == "!";
        break;
      case YAML::NodeType::Sequence: {
        node.kind_ = ConfigNode::Kind::kSequence;
        std::size_t index = 0;
        for (const auto& item : yaml) {
          node.items_.push_back(build(item, path + "[" + std::to_string(index++) + "]", depth + 1));
        }
        break;
      }
      case YAML::NodeType::Map: {
        node.kind_ = ConfigNode::Kind::kMap;
        std::unordered_set<std::string> keys;  // a large map must not cost quadratic time
        for (const auto& pair : yaml) {
          const SourceLocation key_location = locate(pair.first.Mark());
          if (!pair.first.IsScalar()) {
            throw ConfigError(key_location, path, "map keys must be plain names");
          }
          const std::string key = pair.first.Scalar();
          const std::string child_path = path.empty() ? key : path + "." + key;
          if (!keys.insert(key).second) {
            throw ConfigError(key_location, child_path,
                              "duplicate key (first written at " +
                                  node.findEntry(key)->key_location.describe() + ")");
          }
          node.entries_.push_back({key, key_location, build(pair.second, child_path, depth + 1)});
        }
        break;
      }
    }
    return node;
  }

 private:
  SourceLocation locate(const YAML::Mark& mark) const {
    if (mark.is_null())
      return SourceLocation{source_, 0, 0};
    return SourceLocation{source_, mark.line + 1, mark.column + 1};
  }
  // Without aliases a document has fewer nodes than bytes; aliases may reuse a block a few
  // times over, never exponentially.
  static constexpr std::size_t kNodesPerByte = 4;
  static constexpr std::size_t kBaseNodes = 100000;
  static constexpr int kMaxDepth = 64;
  std::string source_;
  std::size_t node_budget_;
  std::size_t nodes_built_ = 0;
};

ConfigNode ConfigNode::parseYaml(const std::string& text, const std::string& source_name) {
  YAML::Node document;
  try {
    document = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    SourceLocation location{source_name, error.mark.is_null() ? 0 : error.mark.line + 1,
                            error.mark.is_null() ? 0 : error.mark.column + 1};
    throw ConfigError(location, "", "YAML syntax error: " + error.msg);
  }
  YamlTreeBuilder builder(source_name, text.size());
  ConfigNode root = builder.build(document, "");
  if (root.isNull())
    root = ConfigNode::map(SourceLocation{source_name, 1, 1});
  return root;
}

const ConfigNode* ConfigNode::find(const std::string& key) const {
  const Entry* entry = findEntry(key);
  return entry ? &entry->value : nullptr;
}

ConfigNode* ConfigNode::find(const std::string& key) {
  for (auto& entry : entries_) {
    if (entry.key == key)
      return &entry.value;
  }
  return nullptr;
}

const ConfigNode::Entry* ConfigNode::findEntry(const std::string& key) const {
  for (const auto& entry : entries_) {
    if (entry.key == key)
      return &entry;
  }
  return nullptr;
}

ConfigNode& ConfigNode::set(const std::string& key, ConfigNode value, SourceLocation key_location) {
  if (kind_ != Kind::kMap) {
    kind_ = Kind::kMap;
    scalar_.clear();
    items_.clear();
  }
  for (auto& entry : entries_) {
    if (entry.key == key) {
      entry.value = std::move(value);
      entry.key_location = std::move(key_location);
      return entry.value;
    }
  }
  entries_.push_back({key, std::move(key_location), std::move(value)});
  return entries_.back().value;
}

bool ConfigNode::erase(const std::string& key) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& entry) { return entry.key == key; });
  if (it == entries_.end())
    return false;
  entries_.erase(it);
  return true;
}

void ConfigNode::mergeFrom(const ConfigNode& overlay) {
  if (overlay.isMap() && isMap()) {
    for (const auto& entry : overlay.entries_) {
      if (ConfigNode* existing = find(entry.key)) {
        existing->mergeFrom(entry.value);
        for (auto& mine : entries_) {
          if (mine.key == entry.key)
            mine.key_location = entry.key_location;
        }
      } else {
        entries_.push_back(entry);
      }
    }
    location_ = overlay.location_;
    if (!overlay.preset_file_.empty())
      preset_file_ = overlay.preset_file_;
    return;
  }
  *this = overlay;
}

namespace {
void emit(YAML::Emitter& out, const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::kNull:
      out << YAML::Null;
      break;
    case ConfigNode::Kind::kScalar:
      if (node.quoted()) {
        out << YAML::DoubleQuoted << node.scalarValue();
      } else {
        out << node.scalarValue();
      }
      break;
    case ConfigNode::Kind::kSequence: {
      const bool flat = std::all_of(node.items().begin(), node.items().end(),
                                    [](const ConfigNode& item) { return item.isScalar(); });
      if (flat)
        out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : node.items())
        emit(out, item);
      out << YAML::EndSeq;
      break;
    }
    case ConfigNode::Kind::kMap:
      out << YAML::BeginMap;
      for (const auto& entry : node.entries()) {
        out << YAML::Key << entry.key << YAML::Value;
        emit(out, entry.value);
      }
      out << YAML::EndMap;
      break;
  }
}
}  // namespace

std::string ConfigNode::toYaml() const {
  YAML::Emitter out;
  emit(out, *this);
  return std::string(out.c_str()) + "\n";
}

std::string ConfigNode::kindName() const {
  switch (kind_) {
    case Kind::kNull:
      return "an empty value";
    case Kind::kScalar:
      return "a single value";
    case Kind::kMap:
      return "a map";
    case Kind::kSequence:
      return "a list";
  }
  return "a value";
}

}  // namespace spatialvp
