#pragma once
// What one module reports at the end of a run: counters and derived values with units,
// histograms, energy-action counts, headline figures (which go to stats.csv), tables and
// arrays. Modules never open files: the output layer writes tables as CSV and arrays as .npy
// into the run's output folder (see platform/output).
#include <cstdint>
#include <string>
#include <variant>
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

struct StatColumn {
  std::string name;
  std::string unit;  // "" for labels and plain numbers
};

// One cell: an integer, a real or a label.
using StatCell = std::variant<std::int64_t, double, std::string>;

// A table (per-link heat map, per-iteration series, per-core figures): stats.json holds it
// under the module's "tables", and the run's folder gets <module>.<table>.csv.
class StatTable {
 public:
  StatTable(std::string name, std::string description, std::vector<StatColumn> columns);

  // Throws std::logic_error if the row does not have one cell per column.
  void addRow(std::vector<StatCell> row);

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::vector<StatColumn>& columns() const { return columns_; }
  const std::vector<std::vector<StatCell>>& rows() const { return rows_; }

 private:
  std::string name_;
  std::string description_;
  std::vector<StatColumn> columns_;
  std::vector<std::vector<StatCell>> rows_;
};

// A dense float64 array (e.g. a functional result): written as <module>.<name>.npy; stats.json
// lists its file and shape, not its values.
struct StatArray {
  std::string name;
  std::string description;
  std::vector<std::size_t> shape;
  std::vector<double> values;  // row-major, product of shape elements
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

  // Adds an empty table and returns it for filling (valid until the next table is added).
  StatTable& table(std::string name, std::string description, std::vector<StatColumn> columns);
  void array(std::string name, std::string description, std::vector<std::size_t> shape,
             std::vector<double> values);
  // Says which figures cover only part of the work (sampled layers, simulated rounds), so the
  // summary and stats.json can say so next to them.
  void coverageNote(std::string note);

  const std::vector<StatValue>& values() const { return values_; }
  const std::vector<StatHistogram>& histograms() const { return histograms_; }
  const std::vector<std::pair<std::string, std::uint64_t>>& actions() const { return actions_; }
  const std::vector<StatValue>& headlines() const { return headlines_; }
  const std::vector<StatTable>& tables() const { return tables_; }
  const std::vector<StatArray>& arrays() const { return arrays_; }
  const std::vector<std::string>& coverageNotes() const { return coverage_notes_; }

 private:
  std::vector<StatValue> values_;
  std::vector<StatHistogram> histograms_;
  std::vector<std::pair<std::string, std::uint64_t>> actions_;
  std::vector<StatValue> headlines_;
  std::vector<StatTable> tables_;
  std::vector<StatArray> arrays_;
  std::vector<std::string> coverage_notes_;
};

}  // namespace spatialvp
