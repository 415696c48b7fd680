// The wafer MoE platform on a faulty wafer (models/wafer_moe/README.md "Faults"): the mesh owns
// the fault map, the orchestrator adopts it once bound. One case per fault kind, bad fault
// specs as located errors (exit 2), and the fault-free run untouched.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/wafer_moe/wafer_moe_test_support.h"

// After the project headers: <sys/wait.h> defines macros (si_value) that clash with units.h.
#include <sys/wait.h>

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

const std::vector<std::string> kCommon = {"orch.sample_layers=2", "orch.balancer=none"};

nlohmann::json run(const std::string& name, const std::string& fault) {
  std::vector<std::string> settings = kCommon;
  if (!fault.empty())
    settings.push_back("'" + fault + "'");
  return test::cliCounters("faults_" + name, settings);
}

double value(const nlohmann::json& counters, const std::string& key) {
  return test::jsonCounter(counters, key);
}

// Bytes on the directed link leaving die (x, y) by `port` over every dispatch of the run;
// -1 when the heat map has no such link (dead or absent).
double dispatchBytes(const std::string& name, int x, int y, char port) {
  std::ifstream file(SPATIALVP_BINARY_DIR "/wafer_moe_faults_" + name +
                     "/orch.link_heatmap_dispatch.csv");
  std::string line;
  std::getline(file, line);  // header
  const std::string prefix =
      std::to_string(x) + "," + std::to_string(y) + "," + std::string(1, port) + ",";
  while (std::getline(file, line)) {
    if (line.rfind(prefix, 0) == 0)
      return std::stod(line.substr(line.rfind(',') + 1));
  }
  return -1.0;
}

}  // namespace

TEST_CASE("Wafer MoE faults: a dead die hosts nothing, serves no tokens and carries nothing",
          "[wafer_moe][faults]") {
  const auto healthy = run("healthy", "");
  const auto faulty = run("dead_die", "net.faults.dead_dies=[x3y3]");
  CHECK(value(faulty, "faults.dead_dies") == 1);
  CHECK(value(faulty, "faults.dead_links") == 4);
  CHECK(value(faulty, "faults.groups") == 16);
  CHECK(value(faulty, "faults.live_groups") == 15);  // its TP group gets no tokens
  CHECK(value(faulty, "faults.expert_dies") == 63);
  CHECK(value(faulty, "tokens_per_iteration") ==
        15.0 / 16.0 * value(healthy, "tokens_per_iteration"));
  CHECK(value(faulty, "moe_tokens_per_second_per_device") <
        value(healthy, "moe_tokens_per_second_per_device"));
  // No link into or out of x3y3 exists in the heat map any more; its neighbours' do.
  CHECK(dispatchBytes("dead_die", 3, 3, 'E') < 0.0);
  CHECK(dispatchBytes("dead_die", 2, 3, 'E') < 0.0);
  CHECK(dispatchBytes("dead_die", 3, 2, 'N') < 0.0);
  CHECK(dispatchBytes("dead_die", 2, 2, 'E') >= 0.0);
  CHECK_FALSE(healthy.contains("faults.dead_dies"));  // fault-free runs report no faults
  // `combine: auto` is priced on the fault-tolerant routes (no structural fallback): both
  // schedules estimated, the cheaper one used.
  std::ifstream schedule(SPATIALVP_BINARY_DIR
                         "/wafer_moe_faults_dead_die/orch.combine_schedule.csv");
  std::string line;
  std::getline(schedule, line);  // header: schedule,used,combine_s,collective_s
  std::vector<std::vector<std::string>> rows;
  while (std::getline(schedule, line)) {
    std::vector<std::string> cells;
    std::stringstream cellText(line);
    for (std::string cell; std::getline(cellText, cell, ',');)
      cells.push_back(cell);
    rows.push_back(cells);
  }
  REQUIRE(rows.size() == 2);
  REQUIRE(rows[0].size() == 4);
  const auto total = [](const std::vector<std::string>& row) {
    return std::stod(row[2]) + std::stod(row[3]);
  };
  CHECK(std::stod(rows[0][2]) > 0.0);
  CHECK(std::stoi(rows[0][1]) + std::stoi(rows[1][1]) == 1);
  CHECK((std::stoi(rows[1][1]) == 1) == (total(rows[1]) < total(rows[0])));
}

TEST_CASE("Wafer MoE faults: a dead link carries nothing; its dies keep working",
          "[wafer_moe][faults]") {
  const auto healthy = run("healthy_link", "");
  const auto faulty = run("dead_link", "net.faults.dead_links=[x4y5-x4y6]");
  CHECK(value(faulty, "faults.dead_links") == 1);
  CHECK(value(faulty, "faults.live_groups") == 16);
  CHECK(value(faulty, "tokens_per_iteration") == value(healthy, "tokens_per_iteration"));
  CHECK(dispatchBytes("dead_link", 4, 5, 'N') < 0.0);
  CHECK(dispatchBytes("dead_link", 4, 6, 'S') < 0.0);
  CHECK(dispatchBytes("healthy_link", 4, 5, 'N') > 0.0);
  // Routes around it are longer: more link bytes for the same dispatch bytes.
  CHECK(value(faulty, "phase.dispatch.bytes") == value(healthy, "phase.dispatch.bytes"));
  CHECK(value(faulty, "phase.dispatch.link_bytes") > value(healthy, "phase.dispatch.link_bytes"));
}

TEST_CASE("Wafer MoE faults: a degraded link keeps its routes and slows what crosses it",
          "[wafer_moe][faults]") {
  const auto healthy = run("healthy_degraded", "");
  // x0y1-x0y2: the busiest dispatch link of the fault-free run.
  const auto faulty = run("degraded", "net.faults.degraded_links=[x0y1-x0y2]");
  CHECK(value(faulty, "faults.degraded_links") == 1);
  // Same routes (no rerouting for a degraded link), so the same link bytes...
  CHECK(value(faulty, "phase.dispatch.link_bytes") == value(healthy, "phase.dispatch.link_bytes"));
  CHECK(dispatchBytes("degraded", 0, 1, 'N') == dispatchBytes("healthy_degraded", 0, 1, 'N'));
  CHECK(dispatchBytes("degraded", 0, 1, 'N') > 0.0);
  // ... at half the bandwidth on that link: the phase it is busiest in takes longer.
  CHECK(value(faulty, "time.dispatch") > value(healthy, "time.dispatch"));
}

TEST_CASE("Wafer MoE faults: a die with a dead HBM stack forwards but hosts no expert",
          "[wafer_moe][faults]") {
  const auto healthy = run("healthy_hbm", "");
  const auto faulty = run("dead_hbm", "net.faults.dead_hbm=[x7y7]");
  CHECK(value(faulty, "faults.dead_hbm") == 1);
  CHECK(value(faulty, "faults.dead_dies") == 0);
  CHECK(value(faulty, "faults.expert_dies") == 63);
  CHECK(value(faulty, "faults.live_groups") == 15);
  // The router still forwards: the same routes, and its links still carry traffic.
  CHECK(dispatchBytes("dead_hbm", 7, 7, 'W') >= 0.0);
  // 256 experts on 63 dies: some die streams 5 experts' weights instead of 4.
  CHECK(value(faulty, "time.moe_compute") > value(healthy, "time.moe_compute"));
}

TEST_CASE("Wafer MoE faults: bad fault specs are located errors", "[wafer_moe][faults]") {
  CHECK_THAT(test::shippedConfigError("net.faults.dead_dies=[x3y3, x9y9]"),
             Contains("'modules.net.params.faults.dead_dies'") && Contains("element 1") &&
                 Contains("outside the 8 x 8 mesh"));
  CHECK_THAT(test::shippedConfigError("net.faults.dead_links=[x0y0-x2y0]"),
             Contains("faults.dead_links") && Contains("not neighbours"));
  CHECK_THAT(test::shippedConfigError("net.faults.die_density=1"),
             Contains("faults.die_density") && Contains("[0, 1)"));
  CHECK_THAT(test::shippedConfigError("net.faults.dead_links=[x0y0-x1y0, x0y0-x0y1]"),
             Contains("disconnect the wafer") && Contains("x0y0 cannot reach"));
  std::string every_hbm = "net.faults.dead_hbm=[";
  for (int node = 0; node < 64; ++node)
    every_hbm += std::to_string(node) + (node < 63 ? ", " : "]");
  CHECK_THAT(test::shippedConfigError(every_hbm), Contains("'modules.orch.params.mapping'") &&
                                                      Contains("no die that can host an expert") &&
                                                      Contains("faults.dead_dies"));
  // Through the CLI: exit 2, as every configuration error.
  const int status = std::system("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 " SPATIALVP_BINARY_DIR
                                 "/spatialvp check " SPATIALVP_SOURCE_DIR
                                 "/platform/configs/wafer_moe.yaml --set "
                                 "'net.faults.link_density=1.5' > /dev/null 2>&1");
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
}

TEST_CASE("Wafer MoE faults: the sampled fault set is the seed's, run after run",
          "[wafer_moe][faults]") {
  const auto first = run("sampled_a", "net.faults.link_density=0.05");
  const auto again = run("sampled_b", "net.faults.link_density=0.05");
  REQUIRE(value(first, "faults.dead_links") > 0);
  CHECK(first == again);
}

TEST_CASE("Wafer MoE faults: the balancer places no replica on a die that cannot compute",
          "[wafer_moe][faults]") {
  // x3y3 dead (die 27 on the one wafer), x5y2 with a dead HBM stack (die 21); the NI-Balancer
  // replicates hot experts (replica_live lists where each replica went live).
  const auto counters = test::cliCounters(
      "faults_balancer",
      {"orch.sample_layers=4", "orch.balancer=ni", "orch.iterations=8", "orch.balancer_alpha=0.3",
       "'net.faults.dead_dies=[x3y3]'", "'net.faults.dead_hbm=[x5y2]'"});
  REQUIRE(test::jsonCounter(counters, "migrations_completed") > 0.0);
  std::ifstream file(SPATIALVP_BINARY_DIR "/wafer_moe_faults_balancer/orch.replica_live.csv");
  std::string line;
  std::getline(file, line);  // layer,die,slot,...
  int replicas = 0;
  while (std::getline(file, line)) {
    const std::size_t first = line.find(',');
    const int die = std::stoi(line.substr(first + 1, line.find(',', first + 1) - first - 1));
    CHECK(die != 27);
    CHECK(die != 21);
    ++replicas;
  }
  CHECK(replicas > 0);
}
