#include "platform/core/config_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace spatialvp {

namespace fs = std::filesystem;

namespace {
constexpr const char* kEmbeddedPrefix = "<embedded>/";

std::optional<std::string> readFile(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error))
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The folder relative names in a file resolve against: "." for a bare "cfg.yaml", whose
// parent_path() is empty (which would otherwise mean "no folder", as for a built-in config).
std::string directoryOf(const fs::path& file) {
  const fs::path parent = file.parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// One name per file whatever path reached it ("cfg.yaml", "./cfg.yaml", "a/../cfg.yaml").
std::string identityOf(const std::string& source_name) {
  if (source_name.rfind(kEmbeddedPrefix, 0) == 0)
    return source_name;
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(fs::path(source_name), error);
  return error ? fs::path(source_name).lexically_normal().string() : canonical.string();
}

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  return parts;
}
}  // namespace

ConfigLoader::ConfigLoader(std::vector<std::string> search_dirs, EmbeddedLookup embedded)
    : search_dirs_(std::move(search_dirs)), embedded_(std::move(embedded)) {}

const std::vector<std::string>& ConfigLoader::sections() {
  static const std::vector<std::string> names = {"include", "vars",        "platform", "plugins",
                                                 "modules", "connections", "trace"};
  return names;
}

std::optional<ConfigLoader::Source> ConfigLoader::find(const std::string& name,
                                                       const std::string& relative_to) const {
  std::vector<fs::path> candidates;
  const fs::path given(name);
  if (given.is_absolute()) {
    candidates.push_back(given);
  } else {
    if (!relative_to.empty())
      candidates.push_back(fs::path(relative_to) / given);
    for (const auto& dir : search_dirs_)
      candidates.push_back(fs::path(dir) / given);
  }
  for (const auto& candidate : candidates) {
    if (auto text = readFile(candidate)) {
      return Source{candidate.lexically_normal().string(), *text, directoryOf(candidate)};
    }
  }
  if (embedded_ && !given.is_absolute()) {
    const std::string key = given.lexically_normal().generic_string();
    if (auto text = embedded_(key))
      return Source{kEmbeddedPrefix + key, *text, ""};
  }
  return std::nullopt;
}

std::optional<ConfigLoader::FoundFile> ConfigLoader::findFile(
    const std::string& name, const std::string& relative_to) const {
  auto source = find(name, relative_to);
  if (!source)
    return std::nullopt;
  return FoundFile{source->name, source->text};
}

ConfigNode ConfigLoader::loadFile(const std::string& path) const {
  std::optional<Source> source;
  const fs::path given(path);
  if (auto text = readFile(given)) {
    source = Source{path, *text, directoryOf(given)};
  } else if (embedded_) {
    const std::string key = given.lexically_normal().generic_string();
    if (auto embedded_text = embedded_(key)) {
      source = Source{kEmbeddedPrefix + key, *embedded_text, ""};
    }
  }
  if (!source) {
    throw ConfigError(SourceLocation{path, 0, 0}, "",
                      "cannot read configuration file (no such file, and no built-in config "
                      "of that name)");
  }
  std::vector<std::string> stack;
  ConfigNode root = parse(*source, stack);
  // An empty or comment-only file would otherwise run nothing and report success.
  if (root.entries().empty()) {
    throw ConfigError(SourceLocation{source->name, 1, 1}, "",
                      "the configuration is empty (no sections; expected at least 'modules')");
  }
  return root;
}

ConfigNode ConfigLoader::loadText(const std::string& text, const std::string& source_name,
                                  const std::string& directory) const {
  std::vector<std::string> stack;
  return parse(Source{source_name, text, directory}, stack);
}

ConfigNode ConfigLoader::parse(const Source& source, std::vector<std::string>& stack) const {
  stack.push_back(identityOf(source.name));
  ConfigNode document = ConfigNode::parseYaml(source.text, source.name);
  if (!document.isMap()) {
    throw ConfigError(
        document.location(), "",
        "a configuration file must be a map of sections, found " + document.kindName());
  }

  ConfigNode merged = ConfigNode::map(document.location());
  if (const ConfigNode::Entry* include = document.findEntry("include")) {
    std::vector<const ConfigNode*> names;
    if (include->value.isScalar()) {
      names.push_back(&include->value);
    } else if (include->value.isSequence()) {
      for (const auto& item : include->value.items())
        names.push_back(&item);
    } else {
      throw ConfigError(
          include->value.location(), "include",
          "expected a file name or a list of file names, found " + include->value.kindName());
    }
    for (const ConfigNode* name : names) {
      if (!name->isScalar()) {
        throw ConfigError(name->location(), "include", "expected a file name");
      }
      auto included = find(name->scalarValue(), source.directory);
      if (!included) {
        throw ConfigError(name->location(), "include",
                          "cannot find '" + name->scalarValue() + "' (looked next to " +
                              source.name + ", in the config search path and built-ins)");
      }
      if (std::find(stack.begin(), stack.end(), identityOf(included->name)) != stack.end()) {
        throw ConfigError(name->location(), "include",
                          "include cycle: " + included->name + " is already being included (" +
                              source.name + " includes it again)");
      }
      merged.mergeFrom(parse(*included, stack));
    }
    document.erase("include");
  }
  resolvePresets(document, source.directory, stack, "");
  merged.mergeFrom(document);
  stack.pop_back();
  return merged;
}

void ConfigLoader::resolvePresets(ConfigNode& node, const std::string& directory,
                                  std::vector<std::string>& stack, const std::string& path) const {
  if (node.isSequence()) {
    for (std::size_t i = 0; i < node.items().size(); ++i) {
      resolvePresets(node.items()[i], directory, stack, path + "[" + std::to_string(i) + "]");
    }
    return;
  }
  if (!node.isMap())
    return;
  for (auto& entry : node.entries()) {
    resolvePresets(entry.value, directory, stack,
                   path.empty() ? entry.key : path + "." + entry.key);
  }
  const ConfigNode::Entry* preset_entry = node.findEntry("preset");
  if (!preset_entry)
    return;
  const std::string key = path.empty() ? "preset" : path + ".preset";
  if (!preset_entry->value.isScalar()) {
    throw ConfigError(preset_entry->value.location(), key, "expected a preset name");
  }
  const std::string name = preset_entry->value.scalarValue();
  const std::string file = presetFile(name);
  auto source = find(file, directory);
  if (!source) {
    throw ConfigError(preset_entry->value.location(), key,
                      "unknown preset '" + name + "' (no file " + file + ")");
  }
  if (std::find(stack.begin(), stack.end(), identityOf(source->name)) != stack.end()) {
    throw ConfigError(preset_entry->value.location(), key, "preset cycle through " + source->name);
  }
  stack.push_back(identityOf(source->name));
  ConfigNode preset = ConfigNode::parseYaml(source->text, source->name);
  if (!preset.isMap()) {
    throw ConfigError(preset.location(), "", "a preset file must contain a map");
  }
  resolvePresets(preset, source->directory, stack, "");
  stack.pop_back();
  node.erase("preset");
  preset.mergeFrom(node);
  node = std::move(preset);
  node.setPresetFile(source->name);
}

bool ConfigLoader::overrideAppliesBeforeExpansion(const ConfigNode& root,
                                                  const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0)
    return true;  // applyOverride reports the error
  const std::vector<std::string> path = splitPath(assignment.substr(0, equals));
  const std::string& first = path.front();
  // Connection indices and modules that exist only as copies name the expanded form.
  if (first == "connections")
    return false;
  if (first == "modules" && path.size() >= 2) {
    const ConfigNode* modules = root.find("modules");
    return modules && modules->find(path[1]);
  }
  const auto& known = sections();
  if (std::find(known.begin(), known.end(), first) != known.end())
    return true;
  const ConfigNode* vars = root.find("vars");
  const ConfigNode* modules = root.find("modules");
  return (vars && vars->find(first)) || (modules && modules->find(first));
}

void ConfigLoader::applyOverride(ConfigNode& root, const std::string& assignment) {
  const SourceLocation location{"--set " + assignment, 0, 0};
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError(location, "", "expected KEY.PATH=VALUE");
  }
  std::vector<std::string> path = splitPath(assignment.substr(0, equals));
  if (std::any_of(path.begin(), path.end(), [](const std::string& s) { return s.empty(); })) {
    throw ConfigError(location, assignment.substr(0, equals), "empty segment in key path");
  }
  const auto& known = sections();
  if (std::find(known.begin(), known.end(), path.front()) == known.end()) {
    const ConfigNode* vars = root.find("vars");
    if (path.size() == 1 && vars && vars->find(path.front()))
      path.insert(path.begin(), "vars");
    const ConfigNode* modules = root.find("modules");
    if (modules && modules->find(path.front()) && path.size() >= 2) {
      path.insert(path.begin(), "modules");
      path.insert(path.begin() + 2, "params");
    }
  }
  if (path.front() == "vars" && path.size() >= 2) {
    // A misspelt variable would be added beside the real one and change nothing.
    const ConfigNode* vars = root.find("vars");
    if (vars == nullptr || !vars->isMap() || vars->find(path[1]) == nullptr) {
      std::string defined;
      if (vars != nullptr && vars->isMap()) {
        for (const auto& entry : vars->entries())
          defined += (defined.empty() ? "" : ", ") + entry.key;
      }
      throw ConfigError(location, "vars." + path[1],
                        "the configuration has no variable '" + path[1] +
                            "'; defined: " + (defined.empty() ? "none" : defined));
    }
  }
  if (equals + 1 == assignment.size()) {
    throw ConfigError(location, assignment.substr(0, equals),
                      "no value after '=' (KEY.PATH=VALUE; write '\"\"' for an empty string)");
  }
  ConfigNode value = ConfigNode::parseYaml(assignment.substr(equals + 1), location.file);
  value.setLocation(location);
  if (value.isNull() && assignment.size() > equals + 1) {
    value = ConfigNode::scalar(assignment.substr(equals + 1), location);
  }

  std::string joined;
  ConfigNode* node = &root;
  for (std::size_t i = 0; i < path.size(); ++i) {
    joined += (i ? "." : "") + path[i];
    const bool last = i + 1 == path.size();
    if (node->isSequence()) {
      char* end = nullptr;
      const unsigned long index = std::strtoul(path[i].c_str(), &end, 10);
      if (*end != '\0' || index >= node->items().size()) {
        throw ConfigError(location, joined,
                          "no list element " + path[i] + " (the list has " +
                              std::to_string(node->items().size()) + " elements)");
      }
      if (last) {
        node->items()[index] = value;
        return;
      }
      node = &node->items()[index];
      continue;
    }
    if (!node->isMap() && !node->isNull()) {
      const std::string written =
          node->isScalar() ? " ('" + node->scalarValue() + "' at " + node->location().describe() +
                                 "); to change single keys of a preset named there, set it "
                                 "whole: {preset: NAME, KEY: VALUE}"
                           : "";
      throw ConfigError(location, joined, "cannot descend into " + node->kindName() + written);
    }
    ConfigNode* child = node->find(path[i]);
    if (last) {
      if (child) {
        *child = value;
      } else {
        node->set(path[i], value, location);
      }
      return;
    }
    if (!child)
      child = &node->set(path[i], ConfigNode::map(location), location);
    node = child;
  }
}

}  // namespace spatialvp
