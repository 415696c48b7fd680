// End-to-end tests of the spatialvp executable: exit codes, outputs, determinism, plug-ins.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "support/cli_runner.h"
#include "support/scratch_dir.h"

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

using Result = spatialvp::test::CliResult;
using spatialvp::test::runSpatialvp;
using spatialvp::test::slurp;

fs::path scratch(const std::string& name) {
  return spatialvp::test::scratchDir(name);
}

const std::string kDemo = SPATIALVP_SOURCE_DIR "/platform/configs/demo.yaml";

nlohmann::json withoutWallClock(nlohmann::json stats) {
  stats.erase("performance");
  return stats;
}

}  // namespace

TEST_CASE("run writes stats.json, stats.csv and config.yaml with the documented schema", "[cli]") {
  const fs::path dir = scratch("schema");
  const Result result = runSpatialvp("run '" + kDemo + "' --out out", dir);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("completed at"));
  const auto stats = nlohmann::json::parse(slurp(dir / "out/stats.json"));
  CHECK(stats["schema"] == "spatialvp.stats/1");
  CHECK(stats["run"]["end"] == "completed");
  CHECK(stats["run"]["simulated_time"]["unit"] == "s");
  CHECK(stats["run"]["simulated_time"]["value"].get<double>() > 0);
  CHECK(stats["run"]["transactions"] == 25000);
  CHECK(stats["totals"]["energy"]["unit"] == "J");
  CHECK(stats["totals"]["area"]["unit"] == "mm^2");
  CHECK(stats["totals"]["area"]["value"].get<double>() == Approx(1.2));
  CHECK(stats["performance"]["wall_time"]["unit"] == "s");
  CHECK(stats["performance"]["transactions_per_second"].get<double>() > 0);
  const auto& cpu = stats["modules"]["cpu"];
  CHECK(cpu["type"] == "traffic_generator");
  CHECK(cpu["counters"]["reads"]["unit"] == "transactions");
  CHECK(cpu["counters"]["reads"]["value"].get<int>() +
            cpu["counters"]["writes"]["value"].get<int>() ==
        20000);
  CHECK(cpu["histograms"]["latency"]["samples"] == 20000);
  // Energy is count x per-action energy from the YAML table.
  const auto& dram = stats["modules"]["dram"];
  const double read_bytes = dram["counters"]["read_bytes"]["value"].get<double>();
  CHECK(dram["energy"]["actions"]["read_byte"]["energy"]["value"].get<double>() ==
        Approx(read_bytes * 20e-12));
  const std::string csv = slurp(dir / "out/stats.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 2);
  CHECK_THAT(csv, Contains("simulated_time_s") && Contains("cpu.bandwidth_Bps"));
  CHECK_THAT(slurp(dir / "out/config.yaml"), Contains("read_latency: 2 ns"));
}

TEST_CASE("Same config and seed give byte-identical stats apart from wall-clock fields",
          "[cli][determinism]") {
  const fs::path dir = scratch("determinism");
  REQUIRE(runSpatialvp("run '" + kDemo + "' --out a --quiet", dir).exit_code == 0);
  REQUIRE(runSpatialvp("run '" + kDemo + "' --out b --quiet", dir).exit_code == 0);
  const auto a = withoutWallClock(nlohmann::json::parse(slurp(dir / "a/stats.json")));
  const auto b = withoutWallClock(nlohmann::json::parse(slurp(dir / "b/stats.json")));
  CHECK(a.dump() == b.dump());
  REQUIRE(
      runSpatialvp("run '" + kDemo + "' --out c --quiet --set platform.seed=2", dir).exit_code ==
      0);
  const auto c = withoutWallClock(nlohmann::json::parse(slurp(dir / "c/stats.json")));
  CHECK(a["modules"]["dram"].dump() != c["modules"]["dram"].dump());  // the seed matters
}

TEST_CASE("Exit codes: 0 success, 2 usage/config error, 3 simulation failure", "[cli][exit]") {
  const fs::path dir = scratch("exit");
  CHECK(runSpatialvp("--version", dir).exit_code == 0);
  CHECK(runSpatialvp("--help", dir).exit_code == 0);
  CHECK(runSpatialvp("", dir).exit_code == 2);
  CHECK(runSpatialvp("frobnicate", dir).exit_code == 2);
  CHECK(runSpatialvp("run no_such.yaml", dir).exit_code == 2);
  const Result bad_set = runSpatialvp("run '" + kDemo + "' --set dram.bandwidth=0GB/s", dir);
  CHECK(bad_set.exit_code == 2);
  CHECK_THAT(bad_set.err, Contains("'modules.dram.params.bandwidth': out of range"));
  const Result limit =
      runSpatialvp("run '" + kDemo + "' --quiet --set platform.time_limit=1us", dir);
  CHECK(limit.exit_code == 3);
  CHECK_THAT(limit.err, Contains("time_limit"));
  const std::string bench = SPATIALVP_SOURCE_DIR "/platform/configs/bench/tlm_throughput.yaml";
  const Result watchdog =
      runSpatialvp("run '" + bench + "' --quiet --set platform.wall_limit=20ms", dir);
  CHECK(watchdog.exit_code == 3);
  CHECK_THAT(watchdog.err, Contains("wall-clock watchdog"));
  CHECK(runSpatialvp("check '" + kDemo + "'", dir).exit_code == 0);
  CHECK(runSpatialvp("models memory", dir).exit_code == 0);
  CHECK(runSpatialvp("models no_such_type", dir).exit_code == 2);
}

TEST_CASE("check prints the effective config with defaults filled in", "[cli]") {
  const fs::path dir = scratch("check");
  const Result result = runSpatialvp("check '" + kDemo + "' --set cpu.size=128B", dir);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("size: 128B") && Contains("quantum: 1 us") &&
                             Contains("issue_gap: 0 ns") && Contains("read_latency: 2 ns"));
}

TEST_CASE("models lists the registry and describes one type", "[cli][registry]") {
  const fs::path dir = scratch("models");
  const Result list = runSpatialvp("models", dir);
  CHECK_THAT(list.out, Contains("traffic_generator") && Contains("protocol_checker"));
  const Result one = runSpatialvp("models memory", dir);
  CHECK_THAT(one.out, Contains("bandwidth") && Contains("B/s") && Contains("64 GB/s") &&
                          Contains("(required)") && Contains("energy.read_byte"));
}

TEST_CASE("A plug-in listed in the YAML adds a module type", "[cli][plugin]") {
  const fs::path dir = scratch("plugin");
  const std::string plugin = SPATIALVP_BINARY_DIR "/plugins/libspatialvp_example_plugin.so";
  std::ofstream(dir / "vendor.yaml") << "plugins: ['" << plugin << "']\n"
                                     << R"(modules:
  gen: {type: traffic_generator, params: {transactions: 100, size: 128 B}}
  spad: {type: vendor_scratchpad, params: {line_time: 3 ns}}
connections:
  - {from: gen.out, to: spad.target, check: true}
)";
  const Result run = runSpatialvp("run vendor.yaml --quiet", dir);
  REQUIRE(run.exit_code == 0);
  const auto stats = nlohmann::json::parse(slurp(dir / "out/stats.json"));
  CHECK(stats["modules"]["spad"]["counters"]["lines"]["value"] == 200);
  CHECK(stats["run"]["simulated_time"]["value"].get<double>() == Approx(100 * 2 * 3e-9));
  const Result models = runSpatialvp("models --plugin '" + plugin + "' vendor_scratchpad", dir);
  CHECK_THAT(models.out, Contains("line_time") && Contains(plugin));
  const Result missing = runSpatialvp("models --plugin /nonexistent/lib.so", dir);
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Contains("does not exist"));
}

TEST_CASE("Trace option writes a Chrome trace-event file limited to the window", "[cli][trace]") {
  const fs::path dir = scratch("trace");
  REQUIRE(runSpatialvp("run '" + kDemo + "' --quiet --trace --trace-window '0 us:2 us'", dir)
              .exit_code == 0);
  const auto trace = nlohmann::json::parse(slurp(dir / "out/trace.json"));
  REQUIRE(trace["traceEvents"].is_array());
  std::size_t spans = 0;
  for (const auto& event : trace["traceEvents"]) {
    if (event["ph"] != "X")
      continue;
    ++spans;
    CHECK(event["ts"].get<double>() <= 2.0);
  }
  CHECK(spans > 10);
  CHECK(spans < 25000);  // the window keeps the file small
  CHECK(runSpatialvp("run '" + kDemo + "' --quiet --trace --trace-window 'soon:later'", dir)
            .exit_code == 2);
}

// Checks the trace-event format: every complete event names its track, carries a category and
// non-negative times; every track has a thread_name record.
void checkTraceEvents(const nlohmann::json& trace) {
  std::set<int> named;
  for (const auto& event : trace["traceEvents"]) {
    if (event["ph"] == "M" && event["name"] == "thread_name")
      named.insert(event["tid"].get<int>());
  }
  for (const auto& event : trace["traceEvents"]) {
    if (event["ph"] != "X")
      continue;
    REQUIRE(event.contains("cat"));
    CHECK(!event["cat"].get<std::string>().empty());
    CHECK(event["ts"].get<double>() >= 0.0);
    CHECK(event["dur"].get<double>() >= 0.0);
    CHECK(named.count(event["tid"].get<int>()) == 1);
  }
}

TEST_CASE("MoE --trace has phase events with categories, and a window that drops events warns",
          "[cli][trace]") {
  const fs::path dir = scratch("moe_trace");
  const std::string config = SPATIALVP_SOURCE_DIR "/platform/configs/wafer_moe.yaml";
  const Result full =
      runSpatialvp("run '" + config + "' --quiet --trace --out t --set orch.sample_layers=2", dir);
  REQUIRE(full.exit_code == 0);
  const auto trace = nlohmann::json::parse(slurp(dir / "t/trace.json"));
  checkTraceEvents(trace);
  std::size_t phases = 0;
  for (const auto& event : trace["traceEvents"])
    phases +=
        event["ph"] == "X" && event["cat"] == "moe_orchestrator" && event["name"] == "dispatch";
  CHECK(phases == 2);  // one dispatch window per simulated layer
  CHECK(full.err.find("warning") == std::string::npos);

  const Result narrow = runSpatialvp("run '" + config +
                                         "' --quiet --trace --out n --set orch.sample_layers=2 "
                                         "--trace-window '0 us:1 ps'",
                                     dir);
  REQUIRE(narrow.exit_code == 0);
  CHECK_THAT(narrow.err, Contains("fell outside the trace window"));
  const Result capped =
      runSpatialvp("run '" + kDemo + "' --quiet --trace --out c --set trace.max_events=10", dir);
  REQUIRE(capped.exit_code == 0);
  CHECK_THAT(capped.err, Contains("beyond platform.trace.max_events"));
  checkTraceEvents(nlohmann::json::parse(slurp(dir / "c/trace.json")));
}
