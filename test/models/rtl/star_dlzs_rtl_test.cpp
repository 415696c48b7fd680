// The STAR platform with its DLZS unit co-simulated from RTL (the star_dlzs_rtl plug-in,
// selected in YAML): the output equals the reference library bit for bit, and the RTL's
// cycles are compared with the C++ timing model's assumption.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/run_report_lookup.h"
#include "support/scratch_dir.h"

#include "platform/core/config_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/sim/simulation.h"

using namespace spatialvp;
using spatialvp::test::counter;
using spatialvp::test::moduleNamed;
namespace fs = std::filesystem;

namespace {

RunReport runRtlStar(const std::vector<std::string>& settings) {
  setenv("SPATIALVP_PLUGIN_PATH", SPATIALVP_BINARY_DIR "/plugins", 1);
  const std::string file = SPATIALVP_SOURCE_DIR "/platform/configs/examples/star_dlzs_rtl.yaml";
  ConfigLoader loader({SPATIALVP_SOURCE_DIR "/platform/configs"},
                      [](const std::string& name) { return embeddedConfig(name); });
  ConfigNode root = loader.loadFile(file);
  ConfigLoader::applyOverride(root, "platform.protocol_checks=true");
  for (const auto& assignment : settings)
    ConfigLoader::applyOverride(root, assignment);
  Simulation simulation(root, file);
  simulation.elaborate(false, std::nullopt);
  return simulation.run();
}

}  // namespace

TEST_CASE("STAR with the RTL DLZS unit is bit-exact, its cycles compared with the C++ model",
          "[rtl]") {
  // 2 heads x S = 256 x d = 64, T = 64, Tc = 4: 32 DLZS jobs of 64 x 64 query-key pairs.
  const RunReport report = runRtlStar({});
  const auto& ctrl = moduleNamed(report, "ctrl");
  CHECK(counter(ctrl, "functional_mismatches") == 0);
  CHECK(counter(ctrl, "functional_max_abs_diff") == 0.0);
  const auto& dlzs = moduleNamed(report, "dlzs");
  const double jobs = counter(dlzs, "jobs");
  CHECK(jobs == 32);
  CHECK(counter(dlzs, "scores") == 2 * 256 * 256);
  // The C++ model puts one query row on each lane (64 of the 128 lanes busy at T = 64: 128
  // cycles per job); the RTL wrapper spreads the 64 x 64 pairs over all 128 lanes of 32 PEs
  // (64 cycles per job) and adds a 2-cycle drain -- the difference reported in
  // models/rtl/README.md.
  CHECK(counter(dlzs, "model_compute_cycles") == jobs * 128);
  CHECK(counter(dlzs, "compute_cycles") == jobs * 64 + 2 * jobs);
  // Lanes: each job's 4096 pairs x 2 beats, plus the drain of each of the 128 lanes.
  CHECK(counter(dlzs, "rtl_lane_cycles") == jobs * (4096 * 2 + 128 * 2));
}

TEST_CASE("The RTL DLZS unit gives the same run when it leaves temporal decoupling", "[rtl]") {
  // sync=wait: the unit waits for each job's start before clocking the RTL. One elaboration
  // per process, so the annotate run is the CLI's.
  const fs::path dir = test::scratchDir("rtl-sync");
  const std::string command =
      "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 SPATIALVP_PLUGIN_PATH='" SPATIALVP_BINARY_DIR
      "/plugins' '" SPATIALVP_BINARY_DIR "/spatialvp' run '" SPATIALVP_SOURCE_DIR
      "/platform/configs/examples/star_dlzs_rtl.yaml' --quiet --set "
      "dlzs.sync=annotate --out '" +
      dir.string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(dir / "stats.json");
  const auto annotate = nlohmann::json::parse(in);

  const RunReport wait = runRtlStar({"dlzs.sync=wait"});
  CHECK(wait.end == RunEnd::kCompleted);
  CHECK(counter(moduleNamed(wait, "ctrl"), "functional_mismatches") == 0);
  CHECK(counter(moduleNamed(wait, "dlzs"), "compute_cycles") ==
        annotate["modules"]["dlzs"]["counters"]["compute_cycles"]["value"].get<double>());
  CHECK(wait.simulated_seconds ==
        Approx(annotate["run"]["simulated_time"]["value"].get<double>()).epsilon(1e-6));
}

TEST_CASE("The RTL DLZS unit refuses timed-only jobs with a clear error", "[rtl]") {
  const RunReport report = runRtlStar({"ctrl.mode=timing"});
  CHECK(report.end != RunEnd::kCompleted);
  CHECK_THAT(report.message, Catch::Matchers::Contains("computes on data") &&
                                 Catch::Matchers::Contains("ctrl.mode=functional"));
}
