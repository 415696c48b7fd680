#pragma once
// What one module reports at the end of a run: counters and derived values with units,
// histograms, energy-action counts and headline figures (which go to stats.csv).
#include <cstdint>
#include <string>
#include <vector>

#include "platform/core/histogram.h"

namespace spatialvp {

struct StatValue {
  std::string name;
  double value = 0.0;
  std::string unit;
  std::string description;
  bool integral = false;
};

struct StatHistogram {
  std::string name;
  std::string unit;
  std::string description;
  Histogram histogram;
};

class ModuleStats {
 public:
  void counter(std::string name, std::uint64_t value, std::string unit, std::string description);
  void value(std::string name, double value, std::string unit, std::string description);
  void histogram(std::string name, const Histogram& histogram, std::string unit,
                 std::string description);
  // Count of an energy action declared by the module type (energy = count x energy.<action>).
  void action(const std::string& name, std::uint64_t count);
  // A figure summarising the whole run (e.g. latency, throughput); also listed under values.
  void headline(std::string name, double value, std::string unit, std::string description);

  const std::vector<StatValue>& values() const { return values_; }
  const std::vector<StatHistogram>& histograms() const { return histograms_; }
  const std::vector<std::pair<std::string, std::uint64_t>>& actions() const { return actions_; }
  const std::vector<StatValue>& headlines() const { return headlines_; }

 private:
  std::vector<StatValue> values_;
  std::vector<StatHistogram> histograms_;
  std::vector<std::pair<std::string, std::uint64_t>> actions_;
  std::vector<StatValue> headlines_;
};

}  // namespace spatialvp
