#include "platform/core/module_stats.h"

namespace spatialvp {

void ModuleStats::counter(std::string name, std::uint64_t value, std::string unit,
                          std::string description) {
  values_.push_back(
      {std::move(name), static_cast<double>(value), std::move(unit), std::move(description), true});
}

void ModuleStats::value(std::string name, double value, std::string unit, std::string description) {
  values_.push_back({std::move(name), value, std::move(unit), std::move(description), false});
}

void ModuleStats::histogram(std::string name, const Histogram& histogram, std::string unit,
                            std::string description) {
  histograms_.push_back({std::move(name), std::move(unit), std::move(description), histogram});
}

void ModuleStats::action(const std::string& name, std::uint64_t count) {
  actions_.emplace_back(name, count);
}

void ModuleStats::headline(std::string name, double value, std::string unit,
                           std::string description) {
  values_.push_back({name, value, unit, description, false});
  headlines_.push_back({std::move(name), value, std::move(unit), std::move(description), false});
}

}  // namespace spatialvp
