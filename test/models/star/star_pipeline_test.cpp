// The timed STAR core: the tile pipeline overlaps stages, respects its dependencies and the
// base protocol, and its figures follow from the unit counters.
#include <catch2/catch.hpp>

#include "support/run_report_lookup.h"

#include "platform/core/config_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/sim/simulation.h"

using namespace spatialvp;

namespace {

using spatialvp::test::counter;
using spatialvp::test::moduleNamed;

// The shipped star.yaml on a small layer, with every connection protocol-checked.
RunReport runSmallStar(const std::vector<std::string>& extra) {
  ConfigLoader loader({SPATIALVP_SOURCE_DIR "/platform/configs"},
                      [](const std::string& file) { return embeddedConfig(file); });
  ConfigNode root = loader.loadFile(SPATIALVP_SOURCE_DIR "/platform/configs/star.yaml");
  for (const char* assignment : {"ctrl.seq_len=1024", "ctrl.hidden_size=512", "ctrl.heads=4",
                                 "platform.protocol_checks=true"}) {
    ConfigLoader::applyOverride(root, assignment);
  }
  for (const auto& assignment : extra)
    ConfigLoader::applyOverride(root, assignment);
  Simulation simulation(root, "star.yaml");
  simulation.elaborate(false, std::nullopt);
  return simulation.run();
}

}  // namespace

TEST_CASE("STAR: stages overlap across tiles and the slowest unit bounds the layer", "[star]") {
  const RunReport report = runSmallStar({});
  REQUIRE(report.end == RunEnd::kCompleted);
  const double cycle = 1e-9;
  double sum = 0.0;
  double slowest = 0.0;
  for (const char* unit : {"dlzs", "sads", "kv", "sufa"}) {
    const double busy = counter(moduleNamed(report, unit), "busy_cycles") * cycle;
    sum += busy;
    slowest = std::max(slowest, busy);
  }
  const double latency = counter(moduleNamed(report, "ctrl"), "latency");
  CHECK(latency >= slowest);
  CHECK(latency < 0.8 * sum);  // serial execution would take the sum
  // Beyond the busiest unit, only waiting for DRAM data (and pipeline fill) may add time.
  const double dram_stall = counter(moduleNamed(report, "ctrl"), "dram_stall_time");
  CHECK(latency < 1.1 * (slowest + dram_stall));
  // 4 heads x 8 query blocks x 4 tiles, one job per unit each, plus 32 synchronisations.
  CHECK(counter(moduleNamed(report, "dlzs"), "jobs") == 128);
  CHECK(counter(moduleNamed(report, "sufa"), "jobs") == 160);
  const double dense_ops = counter(moduleNamed(report, "ctrl"), "dense_equivalent_ops");
  CHECK(dense_ops == Approx(4.0 * 1024 * 1024 * 512));
  CHECK(counter(moduleNamed(report, "ctrl"), "effective_throughput") ==
        Approx(dense_ops / latency));
}

TEST_CASE("STAR: a larger keep ratio costs more SU-FA time", "[star]") {
  const RunReport sparse = runSmallStar({"ctrl.keep_ratio=0.5"});
  REQUIRE(sparse.end == RunEnd::kCompleted);
  // Kept keys per tile scale with k, so SU-FA MACs do too: k = 0.5 vs the preset's 0.074.
  const double macs = counter(moduleNamed(sparse, "sufa"), "macs");
  const double per_key_row = 2.0 * 128;  // q.k and p.v, d = 128
  const double kept = 4 /*heads*/ * 1024 /*queries*/ * 4 /*tiles*/ * 128 /*k x Bc*/;
  CHECK(macs == Approx(kept * per_key_row).epsilon(0.02));
}
