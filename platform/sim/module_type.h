#pragma once
// A registered module type: its name, self-description, parameter schema, ports, energy
// actions and factory. This is what `spatialvp models TYPE` prints.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/core/param_schema.h"

namespace spatialvp {

class Module;
struct ModuleContext;

enum class PortDirection { kInitiator, kTarget };

struct PortSpec {
  std::string name;
  PortDirection direction = PortDirection::kTarget;
  std::string description;
  bool required = true;  // every index must be bound before the run starts
};

struct EnergyActionSpec {
  std::string name;         // parameter energy.<name>
  std::string description;  // what one action is ("one byte read")
  std::string default_energy = "0 J";
};

struct ModuleTypeInfo {
  std::string name;
  std::string description;
  std::string origin = "built-in";  // or the plug-in path
  ParamSchema params;
  std::vector<PortSpec> ports;
  std::vector<EnergyActionSpec> energy_actions;
  std::function<std::unique_ptr<Module>(const ModuleContext&)> create;

  const PortSpec* findPort(const std::string& port) const;
};

}  // namespace spatialvp
