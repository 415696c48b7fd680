#include "platform/sim/run_report.h"

namespace spatialvp {

std::vector<std::string> ModuleReport::unpricedActions() const {
  std::vector<std::string> actions;
  for (const EnergyItem& item : energy_items) {
    if (item.count > 0 && item.energy_per_action == 0.0)
      actions.push_back(item.action);
  }
  return actions;
}

double RunReport::dynamicEnergy() const {
  double total = 0.0;
  for (const auto& module : modules)
    total += module.dynamic_energy;
  return total;
}

double RunReport::staticEnergy() const {
  double total = 0.0;
  for (const auto& module : modules)
    total += module.static_energy;
  return total;
}

double RunReport::area() const {
  double total = 0.0;
  for (const auto& module : modules)
    total += module.area;
  return total;
}

std::string RunReport::endName() const {
  switch (end) {
    case RunEnd::kCompleted:
      return "completed";
    case RunEnd::kTimeLimit:
      return "time_limit";
    case RunEnd::kDeadlock:
      return "deadlock";
    case RunEnd::kError:
      return "error";
    case RunEnd::kInterrupted:
      return "interrupted";
  }
  return "unknown";
}

}  // namespace spatialvp
