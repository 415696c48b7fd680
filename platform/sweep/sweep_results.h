#pragma once
// The results tables of a sweep, rebuilt from the point folders:
//  results.csv / results.jsonl: one row per point: point_id, every swept parameter, status,
//    exit_code, then the headline columns of the platform kind (fixed per kind, so a topology
//    sweep never shifts columns), then error (the stderr tail of a failed point). Only completed
//    points carry figures.
//  counters.csv: long format, one row per (point, module, counter): point_id, module, counter,
//    value, unit, for per-core and per-link figures of any platform size.
//  tables.csv: the modules' stats tables (where stats.json has them), one row per cell:
//    point_id, module, table, row, column, value, unit.
// SystemC-free.
#include <string>
#include <vector>

#include "platform/core/config_node.h"
#include "platform/sweep/sweep_store.h"

namespace spatialvp::sweep {

struct HeadlineColumn {
  std::string name;         // CSV column, unit in the name: "latency_s"
  std::string module_type;  // empty: a run-wide figure at `figure` (a JSON pointer)
  std::string figure;       // counter name of the first module of `module_type`
  std::string unit;         // the unit stats.json must report for it
};

// "star" (a star_controller), "spatial_star" (a spatial_star_orchestrator), "wafer_moe" (a
// moe_orchestrator) or "generic", from the module types of a platform document.
std::string platformKind(const ConfigNode& platform_root);

// Run-wide columns every kind has, then the kind's own.
const std::vector<HeadlineColumn>& headlineColumns(const std::string& kind);

struct SweepTally {
  std::size_t completed = 0;
  std::size_t failed = 0;
  std::size_t killed = 0;
  std::size_t pending = 0;

  void count(PointState state);
  std::size_t total() const { return completed + failed + killed + pending; }
};

SweepTally tallyPoints(const SweepStore& store, const SweepPlan& plan);

// Writes results.csv, results.jsonl, counters.csv and tables.csv atomically; returns the tally.
SweepTally writeResultTables(const SweepStore& store, const SweepPlan& plan);

}  // namespace spatialvp::sweep
