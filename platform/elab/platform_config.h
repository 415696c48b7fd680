#pragma once
// The validated form of a platform document: run settings, plug-ins, module instances with
// typed parameters, connections, and trace settings. Validation needs the registry (for the
// module types' schemas), so plug-ins are loaded in between (see Simulation).
#include <string>
#include <vector>

#include "platform/core/config_node.h"
#include "platform/core/param_schema.h"
#include "platform/sim/module_registry.h"

namespace spatialvp {

struct ModuleInstanceConfig {
  std::string name;
  std::string type;
  ParamValues params;
  SourceLocation location;
};

struct PortRef {
  std::string module;
  std::string port;
  std::size_t index = 0;
  std::string text;  // as written
};

struct ConnectionConfig {
  PortRef from;  // an initiator port
  PortRef to;    // a target port
  bool check = false;
  SourceLocation location;
};

struct PluginConfig {
  std::string path;  // resolved against the including file's directory
  SourceLocation location;
};

class PlatformConfig {
 public:
  // First stage: settings and the plug-in list, which must be loaded before stage two.
  static PlatformConfig parseSettings(const ConfigNode& root);
  // Second stage: modules and connections against the (plug-in extended) registry.
  void parseModules(const ConfigNode& root, const ModuleRegistry& registry);

  static const ParamSchema& settingsSchema();
  static const ParamSchema& traceSchema();

  const ParamValues& settings() const { return settings_; }
  const ParamValues& trace() const { return trace_; }
  const std::vector<PluginConfig>& plugins() const { return plugins_; }
  const std::vector<ModuleInstanceConfig>& modules() const { return modules_; }
  const std::vector<ConnectionConfig>& connections() const { return connections_; }

  // The fully resolved configuration with every default filled in (config.yaml, `check`).
  ConfigNode effective() const;

 private:
  ParamValues settings_;
  ParamValues trace_;
  std::vector<PluginConfig> plugins_;
  std::vector<ModuleInstanceConfig> modules_;
  std::vector<ConnectionConfig> connections_;
};

}  // namespace spatialvp
