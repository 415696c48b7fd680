#pragma once
// Looks up modules and their counters in a RunReport, for tests that check figures.
#include <stdexcept>
#include <string>

#include "platform/sim/run_report.h"

namespace spatialvp::test {

inline const ModuleReport& moduleNamed(const RunReport& report, const std::string& name) {
  for (const auto& module : report.modules) {
    if (module.name == name)
      return module;
  }
  throw std::logic_error("no module " + name);
}

inline double counter(const ModuleReport& module, const std::string& name) {
  for (const auto& value : module.stats.values()) {
    if (value.name == name)
      return value.value;
  }
  throw std::logic_error("no counter " + name + " in " + module.name);
}

}  // namespace spatialvp::test
