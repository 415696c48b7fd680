// Functional mode of the timed STAR core: seeded synthetic Q/K/V flow through the DLZS, SADS,
// KV and SU-FA units tile by tile, and the O the units assemble equals the reference
// library's runStar on the same data bit for bit.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>

#include "support/run_report_lookup.h"

#include "platform/core/config_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/output/stats_writer.h"
#include "platform/sim/simulation.h"
#include "workloads/star/npy_file.h"
#include "workloads/star/star_pipeline.h"
#include "workloads/star/synthetic_workload.h"

using namespace spatialvp;

namespace {

using spatialvp::test::counter;
using spatialvp::test::moduleNamed;

// S = 256, H = 128 (d = 64), 2 heads, T = 64, Tc = 4 on the shipped star.yaml.
const std::vector<std::string> kSmallLayer = {
    "ctrl.workload.seq_len=256", "ctrl.workload.hidden_size=128",
    "ctrl.workload.heads=2",     "ctrl.workload.query_block=64",
    "ctrl.workload.tiles=4",     "ctrl.operating_point.keep_ratio=0.25"};

RunReport runStarConfig(const std::vector<std::string>& settings) {
  ConfigLoader loader({SPATIALVP_SOURCE_DIR "/platform/configs"},
                      [](const std::string& file) { return embeddedConfig(file); });
  ConfigNode root = loader.loadFile(SPATIALVP_SOURCE_DIR "/platform/configs/star.yaml");
  ConfigLoader::applyOverride(root, "platform.protocol_checks=true");
  for (const auto& assignment : settings)
    ConfigLoader::applyOverride(root, assignment);
  Simulation simulation(root, "star.yaml");
  simulation.elaborate(false, std::nullopt);
  return simulation.run();
}

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

struct Layer {
  std::size_t seq_len = 256;
  std::size_t hidden = 128;
  std::size_t heads = 2;
  std::size_t queries = 0;
  std::uint64_t seed = 1;
  star::StarConfig config;
};

// The reference: the same seeded heads (seed + head, as documented) through runStar.
std::vector<double> referenceOutput(const Layer& layer) {
  std::vector<double> all;
  for (std::size_t head = 0; head < layer.heads; ++head) {
    star::SyntheticConfig synthetic;
    synthetic.seq_len = layer.seq_len;
    synthetic.head_dim = layer.hidden / layer.heads;
    synthetic.hidden_size = layer.hidden;
    synthetic.queries = layer.queries;
    synthetic.seed = layer.seed + head;
    const auto result = star::runStar(star::generateSyntheticWorkload(synthetic), layer.config);
    all.insert(all.end(), result.output.values().begin(), result.output.values().end());
  }
  return all;
}

// Runs the layer in functional mode, reads back the O the units produced and compares it with
// the reference bit for bit.
void checkBitExact(const std::string& name, const std::vector<std::string>& settings,
                   const Layer& layer) {
  const RunReport report = runStarConfig(with(settings, {"ctrl.mode=functional"}));
  REQUIRE(report.end == RunEnd::kCompleted);
  const auto& ctrl = moduleNamed(report, "ctrl");
  // O is a stats array; the output layer writes it as ctrl.O.npy, as done here.
  REQUIRE(ctrl.stats.arrays().size() == 1);
  const StatArray& output = ctrl.stats.arrays().front();
  CHECK(arrayFileName("ctrl", output) == "ctrl.O.npy");
  const std::string path = SPATIALVP_BINARY_DIR "/star_functional_" + name + ".npy";
  {
    std::ofstream file(path, std::ios::binary);
    file << star::npyBytes(path, output.shape, output.values, star::NpyDtype::Float64);
  }
  CHECK(counter(ctrl, "functional_mismatches") == 0);
  CHECK(counter(ctrl, "functional_max_abs_diff") == 0.0);
  CHECK(counter(ctrl, "functional_kv_rows") > 0);
  // Every job carried data: the units computed what they timed.
  for (const char* unit : {"dlzs", "sads", "kv", "sufa"})
    CHECK(counter(moduleNamed(report, unit), "functional_jobs") ==
          counter(moduleNamed(report, unit), "jobs"));

  const std::size_t queries = layer.queries == 0 ? layer.seq_len : layer.queries;
  const std::size_t d = layer.hidden / layer.heads;
  const star::MatrixD got = star::readNpyMatrix(path, "O", layer.heads * queries, d);
  const std::vector<double> want = referenceOutput(layer);
  REQUIRE(got.values().size() == want.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    mismatches += std::memcmp(&got.values()[i], &want[i], sizeof(double)) != 0;
    REQUIRE(std::isfinite(want[i]));
  }
  CHECK(mismatches == 0);
}

double cliValue(const nlohmann::json& stats, const std::string& module, const std::string& name) {
  return stats["modules"][module]["counters"][name]["value"].get<double>();
}

}  // namespace

TEST_CASE("STAR: functional mode output equals the reference bit for bit", "[star]") {
  Layer layer;
  layer.config.query_block = 64;
  layer.config.sads.segments = 4;
  layer.config.sads.keep_ratio = 0.25;
  layer.config.compute_reference = false;
  checkBitExact("descending", kSmallLayer, layer);
}

TEST_CASE("STAR: functional mode is bit-exact for FA-2 order, a radius and uneven tiles",
          "[star]") {
  // 100 queries (a partial block), Bc = 60 (5 tiles of 52/52/52/52/48), r = 2, FA-2 order,
  // K/V regenerated per block.
  Layer layer;
  layer.queries = 100;
  layer.seed = 7;
  layer.config.query_block = 64;
  layer.config.tile_length = 60;
  layer.config.sads.keep_ratio = 0.25;
  layer.config.sads.radius = 2.0;
  layer.config.order = star::SuFaOrder::FlashAttention2;
  layer.config.kv_policy = star::KvReusePolicy::RegeneratePerBlock;
  layer.config.compute_reference = false;
  checkBitExact("fa2",
                with(kSmallLayer, {"ctrl.workload.queries=100", "ctrl.workload.tile_length=60",
                                   "ctrl.sads_radius=2", "ctrl.order=fa2",
                                   "ctrl.kv_reuse=regenerate", "ctrl.functional_seed=7"}),
                layer);
}

TEST_CASE("STAR: functional mode is bit-exact for the ascending order", "[star]") {
  Layer layer;
  layer.config.query_block = 64;
  layer.config.sads.segments = 4;
  layer.config.sads.keep_ratio = 0.25;
  layer.config.order = star::SuFaOrder::Ascending;
  layer.config.compute_reference = false;
  checkBitExact("ascending", with(kSmallLayer, {"ctrl.order=ascending"}), layer);
}

TEST_CASE("STAR: functional mode leaves the timing unchanged", "[star]") {
  // Timing mode in a child process (one elaboration per process), functional mode here.
  const std::string out = SPATIALVP_BINARY_DIR "/star_functional_timing";
  std::string command = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 " SPATIALVP_BINARY_DIR
                        "/spatialvp run " SPATIALVP_SOURCE_DIR
                        "/platform/configs/star.yaml --quiet --out " +
                        out + " --set platform.protocol_checks=true";
  for (const auto& setting : kSmallLayer)
    command += " --set " + setting;
  REQUIRE(std::system((command + " > /dev/null").c_str()) == 0);
  std::ifstream file(out + "/stats.json");
  const auto timing = nlohmann::json::parse(file);

  const RunReport functional = runStarConfig(with(kSmallLayer, {"ctrl.mode=functional"}));
  REQUIRE(functional.end == RunEnd::kCompleted);
  CHECK(counter(moduleNamed(functional, "ctrl"), "functional_mismatches") == 0);
  CHECK(counter(moduleNamed(functional, "ctrl"), "latency") == cliValue(timing, "ctrl", "latency"));
  for (const char* unit : {"dlzs", "sads", "kv", "sufa"}) {
    INFO(unit);
    CHECK(counter(moduleNamed(functional, unit), "busy_cycles") ==
          cliValue(timing, unit, "busy_cycles"));
    CHECK(counter(moduleNamed(functional, unit), "jobs") == cliValue(timing, unit, "jobs"));
  }
}
