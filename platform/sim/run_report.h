#pragma once
// Everything a finished run reports: how it ended, simulated and wall time, and per-module
// stats with energy and area. Written out as stats.json / stats.csv and the stdout summary.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/core/module_stats.h"

namespace spatialvp {

struct EnergyItem {
  std::string action;
  std::uint64_t count = 0;
  double energy_per_action = 0.0;  // J
  double energy = 0.0;             // J
};

struct ModuleReport {
  std::string name;
  std::string type;
  ModuleStats stats;
  std::vector<EnergyItem> energy_items;
  double dynamic_energy = 0.0;  // J
  double static_energy = 0.0;   // J
  double static_power = 0.0;    // W
  double area = 0.0;            // m^2

  // Actions the module performed (count > 0) with no energy per action set: work that the energy
  // figures leave out, which stats and the summary name instead of printing 0 J as measured.
  std::vector<std::string> unpricedActions() const;
};

// A headline figure of another run of the platform, keyed "<module>.<headline>" as in stats.json.
struct ReferenceFigure {
  std::string name;
  double value = 0.0;
  std::string unit;
};

// The same platform run without its faults (`spatialvp run --fault-reference`), for the figures
// the faults cost.
struct FaultReference {
  std::string folder;                  // its outputs, relative to the run's output folder
  std::vector<std::string> overrides;  // the --set overrides that cleared the faults
  std::vector<ReferenceFigure> headline;
};

// How a run ended; only kCompleted runs have headline figures. kInterrupted: SIGINT/SIGTERM or
// the wall-clock watchdog stopped it, and the stats are what was gathered so far.
enum class RunEnd { kCompleted, kTimeLimit, kDeadlock, kError, kInterrupted };

struct RunReport {
  std::string platform_name;
  std::string config_source;
  std::uint64_t seed = 0;
  RunEnd end = RunEnd::kCompleted;
  std::string message;  // why a run did not complete
  double simulated_seconds = 0.0;
  double wall_seconds = 0.0;
  std::uint64_t transactions = 0;
  std::vector<ModuleReport> modules;
  std::uint64_t trace_events = 0;
  std::uint64_t trace_dropped = 0;         // beyond the max_events cap
  std::uint64_t trace_outside_window = 0;  // outside the trace window
  std::optional<FaultReference> fault_reference;

  bool complete() const { return end == RunEnd::kCompleted; }
  double dynamicEnergy() const;
  double staticEnergy() const;
  double area() const;
  std::string endName() const;
};

}  // namespace spatialvp
