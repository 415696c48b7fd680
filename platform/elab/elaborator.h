#pragma once
// Creates module instances from a validated PlatformConfig and binds their TLM sockets,
// inserting protocol checkers where asked. Every elaboration problem is a ConfigError.
#include <memory>
#include <vector>

#include "platform/elab/platform_config.h"
#include "platform/sim/module.h"

namespace spatialvp {

class Elaborator {
 public:
  Elaborator(const PlatformConfig& config, const ModuleRegistry& registry,
             SimulationServices& services);

  // Builds and binds everything; call once, before sc_start.
  void elaborate();

  const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }

 private:
  Module& create(const std::string& name, const ModuleTypeInfo& type, const ParamValues& params);
  Module& findModule(const std::string& name);

  const PlatformConfig& config_;
  const ModuleRegistry& registry_;
  SimulationServices& services_;
  std::vector<std::unique_ptr<Module>> modules_;
  std::vector<ParamValues> checker_params_;
  PlatformView view_;
};

}  // namespace spatialvp
