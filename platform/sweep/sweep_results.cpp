#include "platform/sweep/sweep_results.h"

#include "platform/output/csv_field.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace spatialvp::sweep {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

std::string oneLine(std::string text) {
  std::string line;
  for (char c : text) {
    if (c == '\n')
      line += " | ";
    else if (c != '\r')
      line += c;
  }
  return line;
}

// The figure of one column in a completed run's stats, or null when the run lacks it or reports
// it in another unit (a model change must not pass silently as the old figure).
Json columnValue(const Json& stats, const HeadlineColumn& column) {
  const Json* figure = nullptr;
  if (column.module_type.empty()) {
    const auto pointer = Json::json_pointer(column.figure);
    if (stats.contains(pointer))
      figure = &stats[pointer];
  } else if (stats.contains("modules")) {
    for (const auto& [name, module] : stats["modules"].items()) {
      if (module.value("type", "") != column.module_type)
        continue;
      const Json& counters = module["counters"];
      if (counters.contains(column.figure))
        figure = &counters[column.figure];
      break;
    }
  }
  if (!figure)
    return nullptr;
  if (figure->is_number())
    return column.unit.empty() ? *figure : Json(nullptr);
  if (!figure->is_object() || !figure->contains("value") || !(*figure)["value"].is_number() ||
      figure->value("unit", "") != column.unit)
    return nullptr;
  return (*figure)["value"];
}

// Integers exactly; reals to 12 significant digits (results.jsonl keeps every digit).
std::string numberText(const Json& value) {
  if (value.is_null())
    return "";
  if (!value.is_number_float())
    return value.dump();
  char text[40];
  std::snprintf(text, sizeof(text), "%.12g", value.get<double>());
  return text;
}

// A module's stats tables (per-core, per-link, per-iteration rows) in long format: one line per
// cell, so tables of any size and shape share one file.
std::string tableRows(std::size_t point_id, const std::string& module, const Json& tables) {
  std::string text;
  for (const auto& [name, table] : tables.items()) {
    if (!table.contains("columns") || !table.contains("rows"))
      continue;
    const Json& columns = table["columns"];
    std::size_t row_index = 0;
    for (const auto& row : table["rows"]) {
      for (std::size_t c = 0; c < row.size() && c < columns.size(); ++c) {
        const Json& cell = row[c];
        text += std::to_string(point_id) + "," + csvField(module) + "," + csvField(name) + "," +
                std::to_string(row_index) + "," + csvField(columns[c].value("name", "")) + "," +
                (cell.is_string() ? csvField(cell.get<std::string>()) : numberText(cell)) + "," +
                csvField(columns[c].value("unit", "")) + "\n";
      }
      ++row_index;
    }
  }
  return text;
}

}  // namespace

std::string platformKind(const ConfigNode& platform_root) {
  const ConfigNode* modules = platform_root.find("modules");
  std::map<std::string, bool> types;
  if (modules && modules->isMap()) {
    for (const auto& entry : modules->entries()) {
      if (const ConfigNode* type = entry.value.find("type"); type && type->isScalar())
        types[type->scalarValue()] = true;
    }
  }
  if (types.count("moe_orchestrator"))
    return "wafer_moe";
  if (types.count("spatial_star_orchestrator"))
    return "spatial_star";
  if (types.count("star_controller"))
    return "star";
  return "generic";
}

const std::vector<HeadlineColumn>& headlineColumns(const std::string& kind) {
  static const std::vector<HeadlineColumn> common = {
      {"simulated_time_s", "", "/run/simulated_time", "s"},
      {"energy_J", "", "/totals/energy", "J"},
      {"average_power_W", "", "/totals/average_power", "W"},
      {"area_mm2", "", "/totals/area", "mm^2"},
      {"transactions", "", "/run/transactions", ""},
  };
  auto with = [](std::vector<HeadlineColumn> own) {
    std::vector<HeadlineColumn> columns = common;
    columns.insert(columns.end(), own.begin(), own.end());
    return columns;
  };
  static const std::map<std::string, std::vector<HeadlineColumn>> by_kind = {
      {"generic", common},
      {"star", with({
                   {"latency_s", "star_controller", "latency", "s"},
                   {"effective_throughput_opps", "star_controller", "effective_throughput", "op/s"},
                   {"dram_bandwidth_Bps", "star_controller", "dram_bandwidth", "B/s"},
                   {"speedup_vs_a100_pytorch", "star_controller", "speedup_vs_a100_pytorch", "x"},
                   {"speedup_vs_a100_flash_attention2", "star_controller",
                    "speedup_vs_a100_flash_attention2", "x"},
               })},
      {"spatial_star",
       with({
           {"latency_s", "spatial_star_orchestrator", "latency", "s"},
           {"tokens_per_second", "spatial_star_orchestrator", "tokens_per_second", "tokens/s"},
           {"effective_throughput_opps", "spatial_star_orchestrator", "effective_throughput",
            "op/s"},
           {"hbm_bandwidth_Bps", "spatial_star_orchestrator", "hbm_bandwidth", "B/s"},
           {"mean_core_utilisation", "spatial_star_orchestrator", "mean_core_utilisation", "ratio"},
           {"max_link_utilisation", "mesh", "max_link_utilisation", ""},
           {"mean_network_latency_ns", "mesh", "mean_network_latency", "ns"},
       })},
      {"wafer_moe",
       with({
           {"iteration_time_s", "moe_orchestrator", "iteration_time", "s"},
           {"moe_tokens_per_second_per_device", "moe_orchestrator",
            "moe_tokens_per_second_per_device", "tokens/s"},
           {"moe_time_s", "moe_orchestrator", "time.moe", "s"},
           {"imbalance", "moe_orchestrator", "imbalance", ""},
           {"migrations_completed", "moe_orchestrator", "migrations_completed", "migrations"},
       })},
  };
  const auto found = by_kind.find(kind);
  return found == by_kind.end() ? by_kind.at("generic") : found->second;
}

void SweepTally::count(PointState state) {
  switch (state) {
    case PointState::kCompleted:
      ++completed;
      break;
    case PointState::kFailed:
      ++failed;
      break;
    case PointState::kKilled:
      ++killed;
      break;
    case PointState::kPending:
      ++pending;
      break;
  }
}

SweepTally tallyPoints(const SweepStore& store, const SweepPlan& plan) {
  SweepTally tally;
  for (const auto& point : plan.points)
    tally.count(store.status(point.id).state);
  return tally;
}

SweepTally writeResultTables(const SweepStore& store, const SweepPlan& plan) {
  const auto& columns = headlineColumns(plan.kind);
  std::string csv = "point_id";
  for (const auto& parameter : plan.parameters)
    csv += "," + csvField(parameter);
  csv += ",status,exit_code";
  for (const auto& column : columns)
    csv += "," + column.name;
  csv += ",error\n";
  std::string jsonl;
  std::string counters = "point_id,module,counter,value,unit\n";
  std::string tables = "point_id,module,table,row,column,value,unit\n";
  SweepTally tally;

  for (const auto& point : plan.points) {
    const PointStatus status = store.status(point.id);
    std::map<std::string, std::string> values;
    for (const auto& assignment : point.assignments)
      values[assignment.path] = assignment.value;
    Json row{{"point_id", point.id}};
    csv += std::to_string(point.id);
    for (const auto& parameter : plan.parameters) {
      const auto found = values.find(parameter);
      csv += "," + (found == values.end() ? std::string() : csvField(found->second));
      row[parameter] = found == values.end() ? Json(nullptr) : Json(found->second);
    }
    const bool completed = status.state == PointState::kCompleted;
    csv += std::string(",") + pointStateName(status.state) + "," +
           (status.exit_code >= 0 ? std::to_string(status.exit_code) : "");
    row["status"] = pointStateName(status.state);
    row["exit_code"] = status.exit_code >= 0 ? Json(status.exit_code) : Json(nullptr);
    if (status.signal)
      row["signal"] = status.signal;
    Json stats;
    if (completed)
      stats = Json::parse(readTextFile(store.runDir(point.id) / "stats.json"), nullptr, false);
    for (const auto& column : columns) {
      const Json value = completed ? columnValue(stats, column) : Json(nullptr);
      csv += "," + numberText(value);
      row[column.name] = value;
    }
    const std::string error =
        completed ? std::string()
                  : (status.signal ? "killed by signal " + std::to_string(status.signal) +
                                         (status.stderr_tail.empty() ? "" : "; ")
                                   : std::string()) +
                        status.stderr_tail;
    csv += "," + csvField(oneLine(error)) + "\n";
    row["error"] = error;
    jsonl += row.dump() + "\n";

    tally.count(status.state);
    if (!completed || !stats.contains("modules"))
      continue;
    for (const auto& [module, report] : stats["modules"].items()) {
      for (const auto& [name, counter] : report["counters"].items()) {
        counters += std::to_string(point.id) + "," + csvField(module) + "," + csvField(name) + "," +
                    numberText(counter["value"]) + "," + csvField(counter.value("unit", "")) + "\n";
      }
      if (report.contains("tables"))
        tables += tableRows(point.id, module, report["tables"]);
    }
  }
  writeFileAtomically(store.root() / "results.csv", csv);
  writeFileAtomically(store.root() / "results.jsonl", jsonl);
  writeFileAtomically(store.root() / "counters.csv", counters);
  writeFileAtomically(store.root() / "tables.csv", tables);
  return tally;
}

}  // namespace spatialvp::sweep
