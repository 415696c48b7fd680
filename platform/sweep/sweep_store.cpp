#include "platform/sweep/sweep_store.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace spatialvp::sweep {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kPlanSchema = "spatialvp.sweep/1";

Json assignmentsJson(const std::vector<Assignment>& assignments) {
  Json list = Json::array();
  for (const auto& a : assignments)
    list.push_back(a.text());
  return list;
}

std::vector<Assignment> assignmentsFrom(const Json& list) {
  std::vector<Assignment> assignments;
  for (const auto& item : list) {
    const std::string text = item.get<std::string>();
    const auto equals = text.find('=');
    assignments.push_back({text.substr(0, equals), text.substr(equals + 1), {}});
  }
  return assignments;
}

Json planJson(const SweepPlan& plan) {
  Json points = Json::array();
  for (const auto& point : plan.points)
    points.push_back(assignmentsJson(point.assignments));
  return Json{
      {"schema", kPlanSchema},         {"base", plan.base}, {"set", assignmentsJson(plan.fixed)},
      {"parameters", plan.parameters}, {"kind", plan.kind}, {"points", points}};
}

}  // namespace

const char* pointStateName(PointState state) {
  switch (state) {
    case PointState::kPending:
      return "pending";
    case PointState::kCompleted:
      return "completed";
    case PointState::kFailed:
      return "failed";
    case PointState::kKilled:
      return "killed";
  }
  return "pending";
}

bool statsSayComplete(const std::string& stats_json_text) {
  // Only the top-level "run" object matters: skip building the rest (stats of a large platform
  // run to megabytes, and the driver checks every point).
  const nlohmann::json::parser_callback_t only_run =
      [](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        return !(depth == 1 && event == nlohmann::json::parse_event_t::key && parsed != "run");
      };
  const nlohmann::json stats = nlohmann::json::parse(stats_json_text, only_run, false);
  if (stats.is_discarded() || !stats.is_object() || !stats.contains("run") ||
      !stats["run"].is_object())
    return false;
  const nlohmann::json& run = stats["run"];
  if (run.contains("complete"))
    return run["complete"].is_boolean() && run["complete"].get<bool>();
  return run.contains("end") && run["end"] == "completed";
}

bool SweepStore::hasPlan() const {
  return fs::exists(root_ / "sweep.json");
}

void SweepStore::open(const SweepPlan& plan) const {
  const Json wanted = planJson(plan);
  if (hasPlan()) {
    const Json existing = Json::parse(readTextFile(root_ / "sweep.json"), nullptr, false);
    const SourceLocation where{(root_ / "sweep.json").string(), 0, 0};
    if (existing.is_discarded())
      throw ConfigError(where, "", "unreadable; remove the folder or choose another --out");
    for (const char* key : {"base", "set", "parameters", "points"}) {
      if (existing.value(key, Json()) != wanted[key]) {
        throw ConfigError(where, key,
                          "this folder holds a different sweep (its '" + std::string(key) +
                              "' differs); choose another --out or remove the folder");
      }
    }
    return;
  }
  fs::create_directories(root_ / "points");
  writeFileAtomically(root_ / "sweep.json", wanted.dump(1) + "\n");
}

SweepPlan SweepStore::loadPlan() const {
  const SourceLocation where{(root_ / "sweep.json").string(), 0, 0};
  if (!hasPlan())
    throw ConfigError(where, "", "no sweep here (sweep.json is missing)");
  const Json json = Json::parse(readTextFile(root_ / "sweep.json"), nullptr, false);
  if (json.is_discarded() || json.value("schema", "") != kPlanSchema)
    throw ConfigError(where, "schema", std::string("expected a ") + kPlanSchema + " document");
  SweepPlan plan;
  plan.base = json["base"].get<std::string>();
  plan.fixed = assignmentsFrom(json["set"]);
  plan.parameters = json["parameters"].get<std::vector<std::string>>();
  plan.kind = json["kind"].get<std::string>();
  for (const auto& point : json["points"])
    plan.points.push_back({plan.points.size(), assignmentsFrom(point)});
  return plan;
}

fs::path SweepStore::pointDir(std::size_t id) const {
  char name[32];
  std::snprintf(name, sizeof(name), "%06zu", id);
  return root_ / "points" / name;
}

PointStatus SweepStore::status(std::size_t id) const {
  PointStatus status;
  const fs::path stats = runDir(id) / "stats.json";
  if (fs::exists(stats) && statsSayComplete(readTextFile(stats))) {
    status.state = PointState::kCompleted;
    status.exit_code = 0;
  }
  const Json recorded = fs::exists(statusPath(id))
                            ? Json::parse(readTextFile(statusPath(id)), nullptr, false)
                            : Json(nullptr);
  if (recorded.is_object()) {
    status.wall_seconds = recorded.value("wall_time_s", 0.0);
    status.stderr_tail = recorded.value("stderr_tail", "");
    if (status.state != PointState::kCompleted) {
      status.exit_code = recorded.value("exit_code", -1);
      status.signal = recorded.value("signal", 0);
      if (status.signal != 0)
        status.state = PointState::kKilled;
      else if (status.exit_code >= 0)
        status.state = PointState::kFailed;
      if (status.exit_code == 0) {
        // Exit 0 without complete stats: never report it as a success.
        status.exit_code = -1;
        status.stderr_tail += "\n(spatialvp: exit 0 but stats.json does not say completed)";
      }
    }
  }
  return status;
}

void SweepStore::clearPoint(std::size_t id) const {
  fs::remove_all(pointDir(id));
  fs::create_directories(pointDir(id));
}

void SweepStore::recordExit(std::size_t id, int exit_code, int signal, double wall_seconds) const {
  Json status{{"point_id", id},
              {"exit_code", signal ? Json(nullptr) : Json(exit_code)},
              {"signal", signal},
              {"wall_time_s", wall_seconds},
              {"stderr_tail", fileTail(stderrPath(id), 20)}};
  if (signal)
    status.erase("exit_code");
  writeFileAtomically(statusPath(id), status.dump(1) + "\n");
}

std::vector<std::string> pointCommand(const std::string& executable, const SweepPlan& plan,
                                      const SweepPoint& point, const std::string& out_dir) {
  std::vector<std::string> argv = {executable, "run"};
  if (!plan.base.empty())
    argv.push_back(plan.base);
  for (const auto& list : {plan.fixed, point.assignments}) {
    for (const auto& assignment : list) {
      argv.push_back("--set");
      argv.push_back(assignment.text());
    }
  }
  argv.insert(argv.end(), {"--out", out_dir, "--quiet"});
  return argv;
}

}  // namespace spatialvp::sweep
