// Sweep definitions (files and flags), point expansion, completion rules and result tables,
// without running any simulation.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "platform/sweep/sweep_progress.h"
#include "platform/sweep/sweep_results.h"
#include "platform/sweep/sweep_spec.h"
#include "platform/sweep/sweep_store.h"

#include "support/sweep_test_support.h"

using Catch::Matchers::Contains;
using namespace spatialvp;
using namespace spatialvp::sweep;
namespace fs = std::filesystem;

using sweep_test::lines;
using sweep_test::scratch;
using sweep_test::slurp;

namespace {

std::string errorOf(const std::string& text) {
  try {
    const SweepDefinition definition = parseSweepText(text, "s.yaml", "");
    expandPoints(definition);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

std::vector<std::string> pointTexts(const std::vector<SweepPoint>& points) {
  std::vector<std::string> texts;
  for (const auto& point : points) {
    std::string text;
    for (const auto& assignment : point.assignments)
      text += (text.empty() ? "" : " ") + assignment.text();
    texts.push_back(text);
  }
  return texts;
}

void writeText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE(
    "sweep file: grid axes multiply in written order, zips advance together, explicit "
    "points follow",
    "[sweep]") {
  const SweepDefinition definition = parseSweepText(R"(
base: star.yaml
set: {ctrl.heads: 1}
grid:
  ctrl.seq_len: [256, 512]
  hbm.data_rate: [1 Gb/s, 2 Gb/s]
zip:
  ctrl.hidden_size: [128, 256]
  ctrl.query_block: [64, 128]
points:
  - {ctrl.seq_len: 4096, ctrl.keep_ratio: 0.5}
)",
                                                    "s.yaml", "");
  CHECK(definition.base == "star.yaml");
  REQUIRE(definition.fixed.size() == 1);
  CHECK(definition.fixed[0].text() == "ctrl.heads=1");
  CHECK(sweptParameters(definition) ==
        std::vector<std::string>{"ctrl.seq_len", "hbm.data_rate", "ctrl.hidden_size",
                                 "ctrl.query_block", "ctrl.keep_ratio"});
  const auto points = expandPoints(definition);
  REQUIRE(points.size() == 2 * 2 * 2 + 1);
  const auto texts = pointTexts(points);
  CHECK(texts[0] ==
        "ctrl.seq_len=256 hbm.data_rate=1 Gb/s ctrl.hidden_size=128 ctrl.query_block=64");
  CHECK(texts[1] ==
        "ctrl.seq_len=256 hbm.data_rate=1 Gb/s ctrl.hidden_size=256 ctrl.query_block=128");
  CHECK(texts[2] ==
        "ctrl.seq_len=256 hbm.data_rate=2 Gb/s ctrl.hidden_size=128 ctrl.query_block=64");
  CHECK(texts[7] ==
        "ctrl.seq_len=512 hbm.data_rate=2 Gb/s ctrl.hidden_size=256 ctrl.query_block=128");
  CHECK(texts[8] == "ctrl.seq_len=4096 ctrl.keep_ratio=0.5");
  for (std::size_t i = 0; i < points.size(); ++i)
    CHECK(points[i].id == i);
  // Values keep where they were written, for located errors later.
  CHECK(points[0].assignments[1].location.line == 6);
}

TEST_CASE("sweep file: settings are validated with defaults and units", "[sweep]") {
  const SweepDefinition definition = parseSweepText(R"(
grid: {ctrl.seq_len: [1, 2]}
workers: 3
backend: slurm
slurm: {partition: short, time: 90 s, memory: 512 MiB, points_per_task: 7, sbatch_args: [--qos=x]}
)",
                                                    "s.yaml", "");
  CHECK(definition.base.empty());
  CHECK(definition.settings.out == "sweep");
  CHECK(definition.settings.workers == 3);
  CHECK(definition.settings.backend == "slurm");
  CHECK(definition.settings.slurm.partition == "short");
  CHECK(definition.settings.slurm.time_limit_seconds == Approx(90));
  CHECK(definition.settings.slurm.memory_bytes == Approx(512.0 * 1024 * 1024));
  CHECK(definition.settings.slurm.points_per_task == 7);
  CHECK(definition.settings.slurm.sbatch_args == std::vector<std::string>{"--qos=x"});
  // List values reach `--set` as flow YAML; quoted strings stay strings.
  const auto points =
      expandPoints(parseSweepText("points: [{a.b: [1, 2]}, {a.b: \"12\"}]", "s.yaml", ""));
  CHECK(points[0].assignments[0].value == "[1, 2]");
  CHECK(points[1].assignments[0].value == "\"12\"");
}

TEST_CASE("sweep file: a grid past a million points is refused before expansion", "[sweep]") {
  std::string hundred = "[0";
  for (int i = 1; i < 100; ++i)
    hundred += ", " + std::to_string(i);
  hundred += "]";
  // 100^3 points fit exactly; a fourth aliased axis multiplies to 10^8 in a few hundred bytes.
  const std::string three = "grid: {a.x: &v " + hundred + ", b.x: *v, c.x: *v}\n";
  CHECK(countPoints(parseSweepText(three, "s.yaml", "")) == kMaxPoints);
  const std::string four = "grid: {a.x: &v " + hundred + ", b.x: *v, c.x: *v, d.x: *v}\n";
  CHECK_THAT(errorOf(four),
             Contains("s.yaml:1:") && Contains("'d.x'") && Contains("more than 1000000 points"));
  CHECK_THAT(errorOf(three + "points: [{e.x: 1}]\n"), Contains("'points'"));
}

TEST_CASE("sweep file: mistakes are located errors", "[sweep]") {
  CHECK_THAT(errorOf("grid: {a.b: [1]}\nworkrs: 2\n"),
             Contains("s.yaml:2:1: 'workrs': unknown key; expected one of:"));
  CHECK_THAT(
      errorOf("grid: {a.b: [1]}\nslurm: {partion: x}\n"),
      Contains("s.yaml:2:9: 'slurm.partion': unknown key (did you mean 'slurm.partition'?)"));
  CHECK_THAT(errorOf("grid: {a.b: [1]}\nslurm: {time: 10}\n"), Contains("s.yaml:2:15"));
  CHECK_THAT(errorOf("grid: {a.b: 1}\n"), Contains("s.yaml:1:13: 'grid.a.b': expected a list"));
  CHECK_THAT(errorOf("grid: {a.b: []}\n"), Contains("expected at least one value"));
  CHECK_THAT(errorOf("zip: {a.b: [1, 2], c.d: [1, 2, 3]}\n"),
             Contains("s.yaml:1:25: 'zip.c.d': zipped lists must have the same length: 3 values "
                      "here, 2 for 'a.b'"));
  CHECK_THAT(errorOf("grid: {a.b: [1]}\nzip: {a.b: [2]}\n"),
             Contains("s.yaml:2:13: 'a.b': swept twice"));
  CHECK_THAT(errorOf("grid: {a.b: [1]}\nset: {a.b: 2}\n"), Contains("swept and also fixed"));
  CHECK_THAT(errorOf("base: star.yaml\n"), Contains("s.yaml: the sweep names no points"));
  CHECK_THAT(errorOf("points: [{a.b: 1, a.b: 2}]\n"),
             Contains("s.yaml:1:19") && Contains("duplicate key"));
  CHECK_THAT(errorOf("grid: {'a b': [1]}\n"), Contains("expected a `--set` key path"));
  CHECK_THAT(errorOf("- 1\n"), Contains("a sweep file is a map"));
}

TEST_CASE("sweep flags: --grid, --zip and --point", "[sweep]") {
  SweepDefinition definition;
  definition.axes.push_back(gridAxisFromFlag("ctrl.seq_len=256, 512"));
  Axis zip;
  addZipFlag(zip, "a.x=1,2,3");
  addZipFlag(zip, "a.y=4 GB/s,5 GB/s,6 GB/s");
  definition.axes.push_back(zip);
  definition.explicit_points.push_back(pointFromFlag("ctrl.seq_len=9;a.z=[1, 2]"));
  const auto texts = pointTexts(expandPoints(definition));
  REQUIRE(texts.size() == 7);
  CHECK(texts[0] == "ctrl.seq_len=256 a.x=1 a.y=4 GB/s");
  CHECK(texts[5] == "ctrl.seq_len=512 a.x=3 a.y=6 GB/s");
  CHECK(texts[6] == "ctrl.seq_len=9 a.z=[1, 2]");
  Axis bad = zip;
  CHECK_THROWS_WITH(addZipFlag(bad, "a.w=1,2"), Contains("--zip a.w=1,2"));
  CHECK_THROWS_WITH(gridAxisFromFlag("a.b=1,,2"), Contains("empty value"));
  CHECK_THROWS_WITH(pointFromFlag("a.b"), Contains("expected KEY.PATH=VALUE"));
}

TEST_CASE("a point is done only when its stats say the run completed", "[sweep]") {
  CHECK(statsSayComplete(R"({"run": {"end": "completed"}})"));
  CHECK(statsSayComplete(R"({"run": {"end": "completed", "complete": true}})"));
  CHECK_FALSE(statsSayComplete(R"({"run": {"end": "completed", "complete": false}})"));
  CHECK_FALSE(statsSayComplete(R"({"run": {"end": "time_limit"}})"));
  CHECK_FALSE(statsSayComplete(R"({"run": {"end": "interrupted", "complete": false}})"));
  CHECK_FALSE(statsSayComplete(R"({"run": {"end": "compl)"));  // cut short by a kill
  CHECK_FALSE(statsSayComplete(""));
}

TEST_CASE(
    "results tables: fixed headline columns per kind, figures only for completed points, "
    "per-module counters in long format",
    "[sweep]") {
  const fs::path dir = scratch("sweep-results");
  SweepPlan plan;
  plan.base = "star.yaml";
  plan.parameters = {"ctrl.seq_len", "ctrl.keep_ratio"};
  plan.kind = "star";
  for (std::size_t id = 0; id < 4; ++id)
    plan.points.push_back({id, {{"ctrl.seq_len", std::to_string(256 << id), {}}}});
  plan.points[3].assignments.push_back({"ctrl.keep_ratio", "0.5", {}});
  const SweepStore store(dir);
  store.open(plan);
  auto stats = [](const std::string& end, double latency) {
    nlohmann::json document = {
        {"run",
         {{"end", end},
          {"simulated_time", {{"value", latency}, {"unit", "s"}}},
          {"transactions", 52}}},
        {"totals",
         {{"energy", {{"value", 1e-5}, {"unit", "J"}}},
          {"average_power", {{"value", 1.5}, {"unit", "W"}}},
          {"area", {{"value", 5.694}, {"unit", "mm^2"}}}}},
        {"modules",
         {{"ctrl",
           {{"type", "star_controller"},
            {"counters",
             {{"latency", {{"value", latency}, {"unit", "s"}}},
              {"tiles", {{"value", 8}, {"unit", "tiles"}}},
              {"effective_throughput", {{"value", 4e12}, {"unit", "GOPS"}}}}},
            {"tables",
             {{"per_core",
               {{"description", "busy time per core"},
                {"columns", {{{"name", "core"}, {"unit", ""}}, {{"name", "busy"}, {"unit", "s"}}}},
                {"rows", {{0, 1.5e-6}, {1, "E"}}}}}}}}}}}};
    return document.dump();
  };
  // 0 completed; 1 ran out of simulated time (exit 3) with plausible figures; 2 killed; 3 never
  // ran.
  for (std::size_t id : {0, 1, 2})
    store.clearPoint(id);
  writeText(store.runDir(0) / "stats.json", stats("completed", 2e-5));
  store.recordExit(0, 0, 0, 0.1);
  writeText(store.runDir(1) / "stats.json", stats("time_limit", 3e-5));
  writeText(store.stderrPath(1), "line 1\nspatialvp: error: time_limit: work remains\n");
  store.recordExit(1, 3, 0, 0.1);
  store.recordExit(2, -1, 9, 0.1);

  const SweepTally tally = writeResultTables(store, plan);
  CHECK(tally.completed == 1);
  CHECK(tally.failed == 1);
  CHECK(tally.killed == 1);
  CHECK(tally.pending == 1);
  const auto rows = lines(slurp(dir / "results.csv"));
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] ==
        "point_id,ctrl.seq_len,ctrl.keep_ratio,status,exit_code,simulated_time_s,energy_J,"
        "average_power_W,area_mm2,transactions,latency_s,effective_throughput_opps,"
        "dram_bandwidth_Bps,speedup_vs_a100_pytorch,speedup_vs_a100_flash_attention2,error");
  // A figure reported in another unit than the column's is left empty, not mislabelled.
  CHECK(rows[1] == "0,256,,completed,0,2e-05,1e-05,1.5,5.694,52,2e-05,,,,,");
  CHECK(rows[2] == "1,512,,failed,3,,,,,,,,,,,line 1 | spatialvp: error: time_limit: work remains");
  CHECK(rows[3] == "2,1024,,killed,,,,,,,,,,,,killed by signal 9");
  CHECK(rows[4] == "3,2048,0.5,pending,,,,,,,,,,,,");
  const auto jsonl = lines(slurp(dir / "results.jsonl"));
  REQUIRE(jsonl.size() == 4);
  const auto first = nlohmann::json::parse(jsonl[0]);
  CHECK(first["latency_s"] == 2e-5);
  CHECK(first["ctrl.keep_ratio"].is_null());
  CHECK(nlohmann::json::parse(jsonl[1])["latency_s"].is_null());
  const auto counters = lines(slurp(dir / "counters.csv"));
  REQUIRE(counters.size() == 4);
  CHECK(counters[0] == "point_id,module,counter,value,unit");
  CHECK(std::count(counters.begin(), counters.end(), "0,ctrl,tiles,8,tiles") == 1);
  CHECK(lines(slurp(dir / "tables.csv")) ==
        std::vector<std::string>{"point_id,module,table,row,column,value,unit",
                                 "0,ctrl,per_core,0,core,0,", "0,ctrl,per_core,0,busy,1.5e-06,s",
                                 "0,ctrl,per_core,1,core,1,", "0,ctrl,per_core,1,busy,E,s"});

  // The plan is the sweep's identity: a different sweep into the same folder is refused.
  SweepPlan other = plan;
  other.points.pop_back();
  CHECK_THROWS_WITH(store.open(other), Contains("holds a different sweep"));
  CHECK_NOTHROW(store.open(plan));
  CHECK(store.loadPlan().points[3].assignments[1].text() == "ctrl.keep_ratio=0.5");
}

TEST_CASE("platform kind and its headline columns", "[sweep]") {
  auto kindOf = [](const std::string& yaml) {
    return platformKind(ConfigNode::parseYaml(yaml, "p.yaml"));
  };
  CHECK(kindOf("modules: {ctrl: {type: star_controller}, hbm: {type: hbm}}") == "star");
  CHECK(kindOf("modules: {o: {type: spatial_star_orchestrator}, c0: {type: star_controller}}") ==
        "spatial_star");
  CHECK(kindOf("modules: {o: {type: moe_orchestrator}, noc: {type: mesh}}") == "wafer_moe");
  CHECK(kindOf("modules: {g: {type: traffic_generator}}") == "generic");
  CHECK(headlineColumns("generic").size() == 5);
  CHECK(headlineColumns("wafer_moe").at(5).name == "iteration_time_s");
  CHECK(headlineColumns("spatial_star").at(5).name == "latency_s");
}

TEST_CASE("sweep progress: counts and ETA from the points finished so far", "[sweep]") {
  std::ostringstream out;
  SweepProgress progress(10, 2, 0, out, false, false, 1e9);
  CHECK_THAT(progress.line(), Contains("2/10 done, 0 running, 0 failed, ETA --"));
  progress.started();
  progress.started();
  progress.finished(true, "");
  progress.finished(false, "point 3 failed (exit 3)");
  CHECK_THAT(out.str(), Contains("sweep: point 3 failed (exit 3)\n"));
  CHECK_THAT(progress.line(), Contains("3/10 done, 0 running, 1 failed, ETA "));
  CHECK(SweepProgress::duration(65) == "1m05s");
  CHECK(SweepProgress::duration(7200) == "2h00m");
  std::ostringstream bar;
  SweepProgress terminal(4, 0, 0, bar, true, false);
  terminal.started();
  terminal.finished(true, "");
  terminal.close();
  CHECK_THAT(bar.str(), Contains("\r\033[Ksweep [#######.......................] 1/4 done"));
}
