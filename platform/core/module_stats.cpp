#include "platform/core/module_stats.h"

#include <functional>
#include <numeric>
#include <stdexcept>

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

StatTable::StatTable(std::string name, std::string description, std::vector<StatColumn> columns)
    : name_(std::move(name)), description_(std::move(description)), columns_(std::move(columns)) {}

void StatTable::addRow(std::vector<StatCell> row) {
  if (row.size() != columns_.size()) {
    throw std::logic_error("table '" + name_ + "': row of " + std::to_string(row.size()) +
                           " cells for " + std::to_string(columns_.size()) + " columns");
  }
  rows_.push_back(std::move(row));
}

StatTable& ModuleStats::table(std::string name, std::string description,
                              std::vector<StatColumn> columns) {
  tables_.emplace_back(std::move(name), std::move(description), std::move(columns));
  return tables_.back();
}

void ModuleStats::array(std::string name, std::string description, std::vector<std::size_t> shape,
                        std::vector<double> values) {
  const std::size_t elements =
      std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
  if (elements != values.size()) {
    throw std::logic_error("array '" + name + "': shape has " + std::to_string(elements) +
                           " elements but " + std::to_string(values.size()) + " values were given");
  }
  arrays_.push_back({std::move(name), std::move(description), std::move(shape), std::move(values)});
}

void ModuleStats::coverageNote(std::string note) {
  coverage_notes_.push_back(std::move(note));
}

}  // namespace spatialvp
