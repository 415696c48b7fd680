// The run loop and the output layer in-process: deadlock detection, clean stops, the watchdog's
// limits, and how stats of an incomplete run, tables and figures are written.
#include <tlm_utils/simple_target_socket.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "config_test_support.h"
#include "platform/output/progress_printer.h"
#include "platform/output/stats_writer.h"
#include "platform/sim/watchdog.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

// A target whose b_transport waits for an event nobody notifies: its initiator blocks forever.
class StalledTarget : public Module {
 public:
  StalledTarget(sc_core::sc_module_name name, const ModuleContext& context)
      : Module(name, context) {
    target_.register_b_transport(this, &StalledTarget::b_transport);
  }
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override {
    return port == "target" && index == 0 ? &target_ : nullptr;
  }

 private:
  void b_transport(tlm::tlm_generic_payload&, sc_core::sc_time&) { wait(never_); }
  tlm_utils::simple_target_socket<StalledTarget> target_{"target"};
  sc_core::sc_event never_;
};

void registerStalled(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "stalled_target";
  info.description = "test target that never answers";
  info.ports.push_back({"target", PortDirection::kTarget, "in", true});
  registry.add<StalledTarget>(std::move(info));
}

const char* kStalledPlatform = R"(platform: {time_limit: 1 s}
modules:
  gen: {type: traffic_generator, params: {transactions: 10, issue_gap: 5 ns}}
  stuck: {type: stalled_target}
connections:
  - {from: gen.out, to: stuck.target}
)";

const char* kFinitePlatform = R"(platform: {time_limit: 1 s}
modules:
  gen: {type: traffic_generator, params: {transactions: 200000, issue_gap: 5 ns}}
  mem: {type: memory, params: {size: 1 MiB}}
connections:
  - {from: gen.out, to: mem.target}
)";

}  // namespace

TEST_CASE("A run with no events left and work pending is a deadlock naming the blocked module",
          "[run_control]") {
  Simulation simulation(test::parsePlatform(kStalledPlatform), "test.yaml", registerStalled);
  simulation.elaborate(false, std::nullopt);
  const auto wall_start = std::chrono::steady_clock::now();
  const RunReport report = simulation.run();
  CHECK(report.end == RunEnd::kDeadlock);
  CHECK_THAT(report.message, Contains("deadlock") && Contains("gen") && Contains("gen.run"));
  // It stopped where it stuck, not at the 1 s time limit, and at once.
  CHECK(report.simulated_seconds < 1e-6);
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count() < 5);
  const auto stats = nlohmann::json::parse(statsJson(report));
  CHECK(stats["run"]["end"] == "deadlock");
  CHECK(stats["run"]["complete"] == false);
}

TEST_CASE("A stop request ends the run as interrupted with the stats so far", "[run_control]") {
  Simulation simulation(test::parsePlatform(kFinitePlatform), "test.yaml");
  simulation.elaborate(false, std::nullopt);
  int slices = 0;
  std::vector<double> simulated;
  RunControl control;
  control.stop_reason = [&] { return ++slices > 3 ? "test stop" : ""; };
  control.progress = [&](const RunProgress& progress) {
    simulated.push_back(progress.simulated_seconds);
  };
  const RunReport report = simulation.run(control);
  CHECK(report.end == RunEnd::kInterrupted);
  CHECK(report.message == "test stop");
  REQUIRE(simulated.size() == 3);
  CHECK(simulated.back() > 0.0);
  CHECK(std::is_sorted(simulated.begin(), simulated.end()));
  const auto stats = nlohmann::json::parse(statsJson(report));
  CHECK(stats["run"]["end"] == "interrupted");
  CHECK(stats["run"]["complete"] == false);
  CHECK(stats["headline"].empty());
  // The generator's counters so far are there; its headline figures are not in stats.csv.
  CHECK(stats["modules"]["gen"]["counters"].size() > 0);
  const std::string csv = statsCsv(report);
  CHECK_THAT(csv, Contains("gen.bandwidth_Bps") && Contains("interrupted"));
  CHECK_THAT(csv.substr(csv.find('\n')), Contains(",,"));
}

TEST_CASE("The sliced run gives the same stats as one completed run", "[run_control]") {
  Simulation simulation(test::parsePlatform(kFinitePlatform), "test.yaml");
  simulation.elaborate(false, std::nullopt);
  const RunReport report = simulation.run();
  REQUIRE(report.end == RunEnd::kCompleted);
  // 200000 transactions at a 5 ns issue gap: the run ends where the work ends, not at 1 s.
  CHECK(report.simulated_seconds >= 200000 * 5e-9);
  CHECK(report.simulated_seconds < 1e-2);
  const auto stats = nlohmann::json::parse(statsJson(report));
  CHECK(stats["run"]["complete"] == true);
  CHECK(stats["headline"].contains("gen.bandwidth"));
}

TEST_CASE("The watchdog takes huge and non-finite limits without overflow", "[run_control]") {
  for (double limit : {1e10, 1e300, std::numeric_limits<double>::infinity(),
                       std::numeric_limits<double>::quiet_NaN()}) {
    Watchdog watchdog(limit);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK_FALSE(watchdog.expired());
  }
  Watchdog short_limit(0.01);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(short_limit.expired());
}

TEST_CASE("Stats tables go to CSV and compactly into stats.json; arrays are listed by file",
          "[run_control][output]") {
  RunReport report;
  report.platform_name = "t";
  ModuleReport module;
  module.name = "orch";
  module.type = "x";
  StatTable& table = module.stats.table("link_heatmap_dispatch", "bytes per link",
                                        {{"x", ""}, {"port", ""}, {"bytes", "B"}});
  table.addRow({std::int64_t{1}, std::string("E"), 2.5});
  table.addRow({std::int64_t{2}, std::string("a,b"), 1e20});
  CHECK_THROWS_AS(table.addRow({std::int64_t{1}}), std::logic_error);
  module.stats.array("O", "output", {2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK_THROWS_AS(module.stats.array("bad", "", {2, 2}, {1.0}), std::logic_error);
  module.stats.coverageNote("simulated 2 of 8 rounds");
  report.modules.push_back(module);

  CHECK(tableFileName("orch", report.modules[0].stats.tables()[0]) ==
        "orch.link_heatmap_dispatch.csv");
  CHECK(tableCsv(report.modules[0].stats.tables()[0]) ==
        "x,port,bytes\n1,E,2.5\n2,\"a,b\",1e+20\n");
  const std::string text = statsJson(report);
  CHECK_THAT(text, Contains("[1,\"E\",2.5]"));  // one row per line, not one cell per line
  const auto stats = nlohmann::json::parse(text);
  const auto& entry = stats["modules"]["orch"];
  CHECK(entry["tables"]["link_heatmap_dispatch"]["file"] == "orch.link_heatmap_dispatch.csv");
  CHECK(entry["tables"]["link_heatmap_dispatch"]["columns"][2]["unit"] == "B");
  CHECK(entry["tables"]["link_heatmap_dispatch"]["rows"][1][1] == "a,b");
  CHECK(entry["arrays"]["O"]["file"] == "orch.O.npy");
  CHECK(entry["arrays"]["O"]["shape"] == nlohmann::json::array({2, 3}));
  CHECK(entry["coverage_notes"][0] == "simulated 2 of 8 rounds");
  std::ostringstream summary;
  printSummary(report, summary);
  CHECK_THAT(summary.str(), Contains("sampled (orch): simulated 2 of 8 rounds"));
}

TEST_CASE("Work done with no energy per action is named, not printed as 0 J measured", "[output]") {
  RunReport report;
  report.platform_name = "t";
  for (const char* name : {"hbm0", "hbm1"}) {
    ModuleReport memory;
    memory.name = name;
    memory.type = "memory";
    memory.energy_items = {{"read_byte", 4096, 0.0, 0.0}, {"write_byte", 0, 0.0, 0.0}};
    report.modules.push_back(memory);
  }
  ModuleReport priced;
  priced.name = "compute0";
  priced.type = "die_compute_engine";
  priced.energy_items = {{"bf16_flop", 10, 5e-13, 5e-12}};
  report.modules.push_back(priced);

  CHECK(report.modules[0].unpricedActions() == std::vector<std::string>{"read_byte"});
  CHECK(report.modules[2].unpricedActions().empty());
  const auto stats = nlohmann::json::parse(statsJson(report));
  CHECK(stats["modules"]["hbm0"]["energy"]["unpriced_actions"] ==
        nlohmann::json::array({"read_byte"}));
  CHECK_FALSE(stats["modules"]["compute0"]["energy"].contains("unpriced_actions"));
  CHECK(stats["totals"]["energy_leaves_out"] ==
        nlohmann::json({{"memory read_byte", {"hbm0", "hbm1"}}}));
  std::ostringstream summary;
  printSummary(report, summary);
  CHECK_THAT(summary.str(), Contains("energy leaves out memory read_byte of 2 modules (hbm0, "
                                     "...): no energy per action set"));
}

TEST_CASE("The summary shows a transaction rate only when transactions were counted", "[output]") {
  // Initiators count their transactions when they finish, so a run stopped before has none:
  // no "0 transactions/s" then.
  RunReport report;
  report.platform_name = "t";
  report.wall_seconds = 2.0;
  report.end = RunEnd::kInterrupted;
  std::ostringstream stopped;
  printSummary(report, stopped);
  CHECK_THAT(stopped.str(), Contains("simulator: 2 s wall\n"));
  CHECK_THAT(stopped.str(), !Contains("transactions/s"));
  report.end = RunEnd::kCompleted;
  report.transactions = 4000;
  std::ostringstream completed;
  printSummary(report, completed);
  CHECK_THAT(completed.str(), Contains("simulator: 2 s wall, 2 k transactions/s"));
}

TEST_CASE(
    "stats.json keeps counters in order, a repeated name in its first place with the later "
    "value, and writes 200 000 of one module",
    "[output]") {
  // A 128 x 128 mesh reports about 325 000 counters; written through the ordered object's
  // operator[] (a search of every key so far per key) that took minutes.
  RunReport report;
  report.platform_name = "t";
  ModuleReport module;
  module.name = "noc";
  module.type = "mesh";
  module.stats.counter("b", 1, "B", "first");
  module.stats.counter("a", 2, "B", "second");
  module.stats.counter("b", 3, "B", "again");
  constexpr std::uint64_t kLinks = 200000;
  for (std::uint64_t i = 0; i < kLinks; ++i)
    module.stats.counter("link" + std::to_string(i), i, "B", "");
  report.modules.push_back(module);
  const std::string text = statsJson(report);
  // (Parsed into a sorted object: an ordered one would search its keys as it reads them.)
  const auto stats = nlohmann::json::parse(text);
  const auto& counters = stats["modules"]["noc"]["counters"];
  REQUIRE(counters.size() == kLinks + 2);
  CHECK(counters["b"]["value"] == 3);
  CHECK(counters["b"]["description"] == "again");
  CHECK(counters["link199999"]["value"] == 199999);
  const auto first_b = text.find("\"b\": {");
  CHECK(text.find("\"b\": {", first_b + 1) == std::string::npos);
  CHECK(first_b < text.find("\"a\": {"));
  CHECK(text.find("\"a\": {") < text.find("\"link0\": {"));
  CHECK(text.find("\"link0\": {") < text.find("\"link199999\": {"));
}

TEST_CASE("Figures print in engineering units with three significant figures", "[output]") {
  CHECK(engineering(0.0012345, "s") == "1.23 ms");
  CHECK(engineering(45.64e9, "B/s") == "45.6 GB/s");
  CHECK(engineering(7.891e6, "tokens/s") == "7.89 M tokens/s");
  CHECK(engineering(0.99996, "s") == "1 s");
  CHECK(engineering(1.234e15, "op/s") == "1.23 Pop/s");
  CHECK(engineering(12.345, "mm^2") == "12.3 mm^2");
  CHECK(engineering(0.5, "") == "0.5");
  CHECK(engineering(0.0, "J") == "0 J");
  CHECK(engineering(2400.0, "ns") == "2.4 us");  // was 2.4 kns
  CHECK(engineering(57.2, "ns") == "57.2 ns");
  CHECK(engineering(0.456, "x") == "0.456 x");  // was 456 mx
  CHECK(engineering(0.964, "ratio") == "0.964 ratio");
}

TEST_CASE("The progress line shows simulated time, work done of total and an ETA", "[output]") {
  RunProgress progress;
  progress.simulated_seconds = 2e-3;
  progress.wall_seconds = 10.0;
  progress.work.push_back({25.0, 100.0, "layers"});
  CHECK(progressLine(progress) == "simulated 2 ms, 25/100 layers (25.0%), 10 s wall, ETA 30 s");
  std::ostringstream plain;
  ProgressPrinter printer(plain, false);
  progress.wall_seconds = 1.0;
  printer.update(progress);  // too early: short runs print nothing
  CHECK(plain.str().empty());
  progress.wall_seconds = 4.0;
  printer.update(progress);
  progress.wall_seconds = 5.0;
  printer.update(progress);  // within the interval of plain lines
  const std::string lines = plain.str();
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 1);
}
