#include "platform/sim/module_registry.h"

#include <stdexcept>

namespace spatialvp {

ModuleTypeInfo& ModuleRegistry::addType(ModuleTypeInfo info) {
  if (info.name.empty())
    throw std::invalid_argument("module type without a name");
  if (types_.count(info.name)) {
    throw std::invalid_argument("module type '" + info.name + "' is registered twice (" +
                                types_.at(info.name).origin + " and " + origin_ + ")");
  }
  info.origin = origin_;
  // Every type carries area, static power and per-action energies, so energy and area reports
  // are uniform across built-in and vendor models.
  info.params.quantity("area", dims::area(), "Silicon area of this instance")
      .byDefault("0 mm^2")
      .atLeast(0);
  info.params
      .quantity("static_power", dims::power(),
                "Leakage/static power, charged for the simulated time")
      .byDefault("0 W")
      .atLeast(0);
  for (const auto& action : info.energy_actions) {
    info.params
        .quantity("energy." + action.name, dims::energy(),
                  "Energy per action: " + action.description)
        .byDefault(action.default_energy)
        .atLeast(0);
  }
  const std::string name = info.name;
  return types_.emplace(name, std::move(info)).first->second;
}

const ModuleTypeInfo* ModuleRegistry::find(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

std::vector<const ModuleTypeInfo*> ModuleRegistry::types() const {
  std::vector<const ModuleTypeInfo*> list;
  for (const auto& [name, info] : types_)
    list.push_back(&info);
  return list;
}

}  // namespace spatialvp
