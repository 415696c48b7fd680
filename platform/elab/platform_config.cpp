#include "platform/elab/platform_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "platform/core/config_loader.h"
#include "platform/elab/document_loader.h"
#include "platform/elab/plugin_loader.h"

namespace spatialvp {

namespace {

bool isIdentifier(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

const ConfigNode& emptyNode() {
  static const ConfigNode empty;
  return empty;
}

SourceLocation locationOf(const ConfigNode& root, const std::string& key) {
  const ConfigNode::Entry* entry = root.findEntry(key);
  return entry ? entry->key_location : root.location();
}

// "gen.out" or "router.out[2]".
PortRef parsePortRef(const ConfigNode& node, const std::string& key) {
  if (!node.isScalar()) {
    throw ConfigError(node.location(), key, "expected MODULE.PORT or MODULE.PORT[INDEX]");
  }
  const std::string& text = node.scalarValue();
  PortRef ref;
  ref.text = text;
  const auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) {
    throw ConfigError(node.location(), key,
                      "expected MODULE.PORT or MODULE.PORT[INDEX], found '" + text + "'");
  }
  ref.module = text.substr(0, dot);
  std::string port = text.substr(dot + 1);
  if (const auto bracket = port.find('['); bracket != std::string::npos) {
    if (port.back() != ']') {
      throw ConfigError(node.location(), key, "unterminated index in '" + text + "'");
    }
    const std::string digits = port.substr(bracket + 1, port.size() - bracket - 2);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      throw ConfigError(node.location(), key, "port index must be a number in '" + text + "'");
    }
    if (digits.size() > 6) {  // no module has a million sockets; keeps stoul in range
      throw ConfigError(node.location(), key, "port index out of range in '" + text + "'");
    }
    ref.index = std::stoul(digits);
    port = port.substr(0, bracket);
  }
  ref.port = port;
  return ref;
}

}  // namespace

const ParamSchema& PlatformConfig::settingsSchema() {
  static const ParamSchema schema = [] {
    ParamSchema s;
    s.string("name", "Platform name shown in reports").byDefault("spatialvp");
    s.string("description", "One line about this platform").byDefault("\"\"");
    s.integer("seed", "Seed of every random stream in the run").byDefault("1").atLeast(0);
    s.quantity("quantum", dims::time(), "Temporal-decoupling quantum of loosely-timed initiators")
        .byDefault("1 us")
        .above(0);
    s.quantity("time_limit", dims::time(),
               "Simulated-time limit; reaching it with work left fails the run (exit 3)")
        .byDefault("10 s")
        .above(0);
    s.quantity("wall_limit", dims::time(),
               "Wall-clock watchdog; a run still going after it is stopped (exit 3)")
        .byDefault("3600 s")
        .above(0);
    s.boolean("protocol_checks", "Insert a base-protocol checker on every connection")
        .byDefault("false");
    return s;
  }();
  return schema;
}

const ParamSchema& PlatformConfig::traceSchema() {
  static const ParamSchema schema = [] {
    ParamSchema s;
    s.quantity("window_start", dims::time(), "Keep trace events ending after this time")
        .byDefault("0 s")
        .atLeast(0);
    s.quantity("window_end", dims::time(), "Keep trace events starting before this time")
        .byDefault("1000 s")
        .atLeast(0);
    s.integer("max_events", "Cap on recorded events; the rest are counted as dropped")
        .byDefault("1000000")
        .atLeast(1);
    s.quantity("counter_interval", dims::time(),
               "Time bin of the counter tracks (bandwidth, occupancy): one sample per bin")
        .byDefault("1 us")
        .above(0)
        .atMost(1000);
    return s;
  }();
  return schema;
}

PlatformConfig PlatformConfig::parseSettings(const ConfigNode& root) {
  if (!root.isMap()) {
    throw ConfigError(root.location(), "", "a platform document must be a map");
  }
  const auto& sections = ConfigLoader::sections();
  for (const auto& entry : root.entries()) {
    if (std::find(sections.begin(), sections.end(), entry.key) == sections.end()) {
      std::string list;
      for (const auto& name : sections) {
        if (name != "include")
          list += (list.empty() ? "" : ", ") + name;
      }
      throw ConfigError(entry.key_location, entry.key, "unknown section; expected one of: " + list);
    }
  }
  PlatformConfig config;
  const ConfigNode* platform = root.find("platform");
  config.settings_ = settingsSchema().validate(platform ? *platform : emptyNode(), "platform",
                                               locationOf(root, "platform"));
  const ConfigNode* trace = root.find("trace");
  config.trace_ =
      traceSchema().validate(trace ? *trace : emptyNode(), "trace", locationOf(root, "trace"));
  if (!(config.trace_.quantity("window_start") < config.trace_.quantity("window_end"))) {
    config.trace_.fail("window_end",
                       "must be after trace.window_start (an empty or inverted "
                       "window keeps no event)");
  }
  if (const ConfigNode* plugins = root.find("plugins")) {
    if (!plugins->isSequence() && !plugins->isNull()) {
      throw ConfigError(plugins->location(), "plugins",
                        "expected a list of shared-library paths, found " + plugins->kindName());
    }
    for (const auto& item : plugins->items()) {
      if (!item.isScalar()) {
        throw ConfigError(item.location(), "plugins", "expected a shared-library path");
      }
      // Relative paths resolve next to the YAML naming them (then SPATIALVP_PLUGIN_PATH).
      const std::string& file = item.location().file;
      const bool from_file = !file.empty() && file.rfind("--set", 0) != 0 && file[0] != '<';
      const std::filesystem::path base =
          from_file ? std::filesystem::path(file).parent_path() : std::filesystem::path();
      config.plugins_.push_back(
          {resolvePluginPath(item.scalarValue(), base, item.location()), item.location()});
    }
  }
  return config;
}

void PlatformConfig::parseModules(const ConfigNode& root, const ModuleRegistry& registry) {
  const ConfigNode* modules = root.find("modules");
  if (modules && !modules->isMap() && !modules->isNull()) {
    throw ConfigError(
        modules->location(), "modules",
        "expected a map of instance name -> {type, params}, found " + modules->kindName());
  }
  // A platform without modules would run nothing and report success.
  if (!modules || modules->entries().empty()) {
    const ConfigNode::Entry* key = root.findEntry("modules");
    throw ConfigError(key != nullptr ? key->key_location : root.location(), "modules",
                      "expected at least one module (a map of instance name -> {type, params})");
  }
  for (const auto& entry : modules->entries()) {
    const std::string key = "modules." + entry.key;
    if (!isIdentifier(entry.key)) {
      throw ConfigError(entry.key_location, key,
                        "instance names are identifiers (letters, digits, '_')");
    }
    const ConfigNode& body = entry.value;
    if (!body.isMap()) {
      throw ConfigError(body.location(), key, "expected a map with 'type' and 'params'");
    }
    for (const auto& field : body.entries()) {
      if (field.key != "type" && field.key != "params") {
        throw ConfigError(field.key_location, key + "." + field.key,
                          "unknown key; a module has 'type', 'params' (and 'preset')");
      }
    }
    const ConfigNode* type = body.find("type");
    if (!type || !type->isScalar()) {
      throw ConfigError(entry.key_location, key + ".type",
                        "missing module type (see `spatialvp models`)");
    }
    const ModuleTypeInfo* info = registry.find(type->scalarValue());
    if (!info) {
      std::string known;
      for (const auto* t : registry.types())
        known += (known.empty() ? "" : ", ") + t->name;
      throw ConfigError(type->location(), key + ".type",
                        "unknown module type '" + type->scalarValue() + "'; registered: " + known);
    }
    const ConfigNode* params = body.find("params");
    ModuleInstanceConfig instance;
    instance.name = entry.key;
    instance.type = info->name;
    instance.location = entry.key_location;
    instance.params = info->params.validate(params ? *params : emptyNode(), key + ".params",
                                            entry.key_location, platformPresetSource());
    modules_.push_back(std::move(instance));
  }

  const ConfigNode* connections = root.find("connections");
  if (connections && !connections->isSequence() && !connections->isNull()) {
    throw ConfigError(connections->location(), "connections",
                      "expected a list of {from, to} maps, found " + connections->kindName());
  }
  if (!connections)
    return;
  for (std::size_t i = 0; i < connections->items().size(); ++i) {
    const ConfigNode& item = connections->items()[i];
    const std::string key = "connections[" + std::to_string(i) + "]";
    if (!item.isMap())
      throw ConfigError(item.location(), key, "expected {from: A.port, to: B.port}");
    for (const auto& field : item.entries()) {
      if (field.key != "from" && field.key != "to" && field.key != "check") {
        throw ConfigError(field.key_location, key + "." + field.key,
                          "unknown key; a connection has 'from', 'to' and optional 'check'");
      }
    }
    const ConfigNode* from = item.find("from");
    const ConfigNode* to = item.find("to");
    if (!from)
      throw ConfigError(item.location(), key + ".from", "missing initiator port");
    if (!to)
      throw ConfigError(item.location(), key + ".to", "missing target port");
    ConnectionConfig connection;
    connection.from = parsePortRef(*from, key + ".from");
    connection.to = parsePortRef(*to, key + ".to");
    connection.location = item.location();
    if (const ConfigNode* check = item.find("check")) {
      ParamSchema schema;
      schema.boolean("check", "insert a protocol checker");
      ConfigNode wrapper = ConfigNode::map(item.location());
      wrapper.set("check", *check, check->location());
      connection.check = schema.validate(wrapper, key, item.location()).boolean("check");
    }
    auto validateEnd = [&](const PortRef& ref, const ConfigNode& node, PortDirection direction,
                           const std::string& field) {
      auto instance =
          std::find_if(modules_.begin(), modules_.end(),
                       [&](const ModuleInstanceConfig& m) { return m.name == ref.module; });
      if (instance == modules_.end()) {
        throw ConfigError(node.location(), key + "." + field,
                          "no module named '" + ref.module + "'");
      }
      const ModuleTypeInfo* info = registry.find(instance->type);
      const PortSpec* port = info->findPort(ref.port);
      if (!port) {
        std::string ports;
        for (const auto& p : info->ports)
          ports += (ports.empty() ? "" : ", ") + p.name;
        throw ConfigError(node.location(), key + "." + field,
                          "module '" + ref.module + "' (" + info->name + ") has no port '" +
                              ref.port + "'; its ports: " + (ports.empty() ? "none" : ports));
      }
      if (port->direction != direction) {
        throw ConfigError(
            node.location(), key + "." + field,
            "'" + ref.text + "' is " +
                (port->direction == PortDirection::kInitiator ? "an initiator" : "a target") +
                " port; '" + field + "' needs " +
                (direction == PortDirection::kInitiator ? "an initiator" : "a target") + " port");
      }
    };
    validateEnd(connection.from, *from, PortDirection::kInitiator, "from");
    validateEnd(connection.to, *to, PortDirection::kTarget, "to");
    connections_.push_back(std::move(connection));
  }
}

ConfigNode PlatformConfig::effective() const {
  SourceLocation here{"<effective>", 0, 0};
  ConfigNode root = ConfigNode::map(here);
  root.set("platform", settings_.effective(), here);
  if (!plugins_.empty()) {
    ConfigNode list = ConfigNode::sequence(here);
    for (const auto& plugin : plugins_)
      list.append(ConfigNode::scalar(plugin.path, here));
    root.set("plugins", list, here);
  }
  ConfigNode modules = ConfigNode::map(here);
  for (const auto& module : modules_) {
    ConfigNode body = ConfigNode::map(here);
    body.set("type", ConfigNode::scalar(module.type, here), here);
    body.set("params", module.params.effective(), here);
    modules.set(module.name, body, here);
  }
  root.set("modules", modules, here);
  ConfigNode connections = ConfigNode::sequence(here);
  for (const auto& connection : connections_) {
    ConfigNode item = ConfigNode::map(here);
    item.set("from", ConfigNode::scalar(connection.from.text, here), here);
    item.set("to", ConfigNode::scalar(connection.to.text, here), here);
    if (connection.check)
      item.set("check", ConfigNode::scalar("true", here), here);
    connections.append(item);
  }
  root.set("connections", connections, here);
  root.set("trace", trace_.effective(), here);
  return root;
}

}  // namespace spatialvp
