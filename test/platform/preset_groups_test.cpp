// Presets that give a module's parameter group whole (the STAR controller's `a100`, the MoE
// orchestrator's `model`): named, written as a map with `preset:` and single keys, changed key by
// key from the command line, found next to the config, and checked like any parameters (unknown
// keys, units, missing keys located in the file that wrote them).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli_runner.h"
#include "support/scratch_dir.h"

using Catch::Matchers::Contains;
using spatialvp::test::runSpatialvp;
using spatialvp::test::slurp;
namespace fs = std::filesystem;

namespace {

const std::string kStar = SPATIALVP_SOURCE_DIR "/platform/configs/star.yaml";
const std::string kWafer = SPATIALVP_SOURCE_DIR "/platform/configs/wafer_moe.yaml";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A config that includes `base` and sets `params` (a YAML map) on module `module`.
std::string including(const std::string& base, const std::string& module,
                      const std::string& params) {
  return "include: " + base + "\nmodules:\n  " + module + ":\n    params: " + params + "\n";
}

// The error of `spatialvp check ARGS` in `dir`, which must exit with the config-error code.
std::string checkError(const std::string& args, const fs::path& dir) {
  const auto result = runSpatialvp("check " + args, dir);
  CHECK(result.exit_code == 2);
  return result.err;
}

double counter(const fs::path& stats_file, const std::string& module, const std::string& name) {
  const auto stats = nlohmann::json::parse(slurp(stats_file));
  return stats["modules"][module]["counters"][name]["value"].get<double>();
}

}  // namespace

TEST_CASE("Preset group: the A100 preset is the STAR controller's `a100`", "[preset]") {
  const fs::path dir = spatialvp::test::scratchDir("preset_a100");
  REQUIRE(runSpatialvp("run '" + kStar + "' --out base", dir).exit_code == 0);
  const fs::path base = dir / "base/stats.json";

  // One key changed from the command line: idle power 50 W -> 120 W. The dense PyTorch energy
  // is time x (board - idle) power; its time does not move.
  REQUIRE(runSpatialvp("run '" + kStar + "' --set 'ctrl.a100.idle_power=120 W' --out idle", dir)
              .exit_code == 0);
  const fs::path idle = dir / "idle/stats.json";
  CHECK(counter(idle, "ctrl", "a100_pytorch_energy") ==
        Approx(counter(base, "ctrl", "a100_pytorch_energy") * (400.0 - 120.0) / (400.0 - 50.0))
            .epsilon(1e-12));
  CHECK(counter(idle, "ctrl", "a100_pytorch_time") == counter(base, "ctrl", "a100_pytorch_time"));

  // The 80 GB part two ways: a map with `preset:` and the key that differs, and a preset file
  // of one's own next to the config that starts from the shipped one. Both give the same
  // baseline, faster than the 40 GB part's.
  write(dir / "map.yaml",
        including(kStar, "ctrl", "{a100: {preset: a100, hbm_bandwidth: 2039 GB/s}}"));
  write(dir / "presets/a100_80gb.yaml", "preset: a100\nhbm_bandwidth: 2039 GB/s\n");
  write(dir / "named.yaml", including(kStar, "ctrl", "{a100: a100_80gb}"));
  REQUIRE(runSpatialvp("run map.yaml --out map", dir).exit_code == 0);
  REQUIRE(runSpatialvp("run named.yaml --out named", dir).exit_code == 0);
  const double time_80gb = counter(dir / "map/stats.json", "ctrl", "a100_pytorch_time");
  CHECK(time_80gb < counter(base, "ctrl", "a100_pytorch_time"));
  CHECK(counter(dir / "named/stats.json", "ctrl", "a100_pytorch_time") == time_80gb);
  // A group named by a preset is one value: changing one of its keys says how to.
  CHECK_THAT(checkError("named.yaml --set 'ctrl.a100.idle_power=60 W'", dir),
             Contains("cannot descend into a single value ('a100_80gb' at named.yaml:4:20)") &&
                 Contains("{preset: NAME, KEY: VALUE}"));
}

TEST_CASE("Preset group: bad A100 keys and presets are located errors", "[preset]") {
  const fs::path dir = spatialvp::test::scratchDir("preset_a100_errors");
  write(dir / "typo.yaml", including(kStar, "ctrl", "{a100: {preset: a100, idle_pwr: 60 W}}"));
  const std::string typo = checkError("typo.yaml", dir);
  CHECK_THAT(typo, Contains("typo.yaml:4:35: 'modules.ctrl.params.a100.idle_pwr': unknown key "
                            "(did you mean 'a100.idle_power'?)"));

  write(dir / "presets/a100_bad.yaml", "preset: a100\nboard_power: 400 GB/s\n");
  write(dir / "bad.yaml", including(kStar, "ctrl", "{a100: a100_bad}"));
  const std::string units = checkError("bad.yaml", dir);
  CHECK_THAT(units, Contains("a100_bad.yaml:2:14: 'modules.ctrl.params.a100.board_power'"));

  // The semantic check behind the struct (idle below board power) names the key too.
  const std::string idle = checkError("'" + kStar + "' --set 'ctrl.a100.idle_power=500 W'", dir);
  CHECK_THAT(idle, Contains("'modules.ctrl.params.a100.idle_power'"));

  const std::string unknown = checkError("'" + kStar + "' --set ctrl.a100=a100_80gb", dir);
  CHECK_THAT(unknown, Contains("'modules.ctrl.params.a100': unknown preset 'a100_80gb' (no "
                               "file presets/a100_80gb.yaml)"));
  const std::string list = checkError("'" + kStar + "' --set 'ctrl.a100=[1, 2]'", dir);
  CHECK_THAT(list, Contains("'modules.ctrl.params.a100': expected a preset name or a map"));
}

TEST_CASE("Preset group: a MoE model preset is the orchestrator's `model`", "[preset]") {
  const fs::path dir = spatialvp::test::scratchDir("preset_moe");
  // A 5-layer model (1 dense) from the shipped one, key by key: 4 MoE layers simulated.
  REQUIRE(runSpatialvp("run '" + kWafer +
                           "' --set orch.model.layers=5 --set orch.model.dense_layers=1 "
                           "--set orch.balancer=none --out small",
                       dir)
              .exit_code == 0);
  CHECK(counter(dir / "small/stats.json", "orch", "moe_layers_simulated") == 4);
  CHECK(runSpatialvp("check '" + kWafer + "' --set orch.model=dbrx", dir).exit_code == 0);
  CHECK(runSpatialvp("check '" + kWafer + "' --set 'orch.model={preset: moe/dbrx, top_k: 2}'", dir)
            .exit_code == 0);

  const std::string missing = checkError("'" + kWafer + "' --set orch.model=gpt5", dir);
  CHECK_THAT(missing, Contains("'modules.orch.params.model': unknown preset 'gpt5' (no file "
                               "presets/moe/gpt5.yaml)"));

  // A model of one's own next to the config; its errors point into it.
  write(dir / "presets/moe/wide.yaml", "preset: moe/deepseek_v3\nname: wide\ntop_k: 300\n");
  write(dir / "wide.yaml", including(kWafer, "orch", "{model: wide}"));
  const std::string semantic = checkError("wide.yaml", dir);
  CHECK_THAT(semantic, Contains("presets/moe/wide.yaml:3:8: 'modules.orch.params.model.top_k'"
                                ": exceeds routed_experts"));

  // A preset named with `preset:` is the whole model: a key it leaves out is an error, never
  // the default model's value.
  write(dir / "presets/moe/partial.yaml", "name: partial\nlayers: 4\n");
  std::string config = slurp(kWafer);
  const std::string shipped_model = "model: {preset: moe/deepseek_v3}";
  REQUIRE(config.find(shipped_model) != std::string::npos);
  config.replace(config.find(shipped_model), shipped_model.size(), "model: {preset: moe/partial}");
  write(dir / "partial.yaml", config);
  const std::string partial = checkError("partial.yaml", dir);
  CHECK_THAT(partial, Contains("'modules.orch.params.model.dense_layers': missing required "
                               "parameter"));
  // Named on the command line: found next to the config that declares the module.
  write(dir / "wafer.yaml", slurp(kWafer));
  const std::string set = checkError("wafer.yaml --set 'orch.model={preset: moe/partial}'", dir);
  CHECK_THAT(set, Contains("'modules.orch.params.model.dense_layers': missing required"));
}

TEST_CASE("Preset group: `spatialvp models` shows the group and its keys", "[preset]") {
  const fs::path dir = spatialvp::test::scratchDir("preset_models");
  const auto star = runSpatialvp("models star_controller", dir);
  REQUIRE(star.exit_code == 0);
  CHECK_THAT(star.out, Contains("a100                   preset group     -      a100") &&
                           Contains("a100.peak_fp16_tensor  compute rate"));
  CHECK_THAT(star.out, Contains("(preset)"));
  const auto moe = runSpatialvp("models moe_orchestrator", dir);
  CHECK_THAT(moe.out, Contains("model                  preset group     -      deepseek_v3"));
  CHECK_THAT(moe.out, !Contains("mesh_width"));
}

TEST_CASE("Preset group: the STAR layer is a workload preset and an operating point", "[preset]") {
  const fs::path dir = spatialvp::test::scratchDir("preset_workload");
  // BERT-base (12 heads, S = 512: 4 query blocks of T = 128) in place of the shipped Llama-7B.
  REQUIRE(runSpatialvp("run '" + kStar + "' --set ctrl.workload=bert_base --out bert --quiet", dir)
              .exit_code == 0);
  const fs::path bert = dir / "bert/stats.json";
  CHECK(counter(bert, "ctrl", "tiles") == 12 * 4 * counter(bert, "ctrl", "tiles_per_row"));
  // The 0% loss point keeps 2.5x the query-key pairs of the shipped 2% point: slower.
  REQUIRE(runSpatialvp("run '" + kStar +
                           "' --set ctrl.workload=bert_base --set ctrl.operating_point=loss_0pct "
                           "--out lossless --quiet",
                       dir)
              .exit_code == 0);
  CHECK(counter(dir / "lossless/stats.json", "ctrl", "latency") >
        1.5 * counter(bert, "ctrl", "latency"));
  // A workload of one's own next to the config, starting from a shipped one.
  write(dir / "presets/workloads/bert_short.yaml", "preset: workloads/bert_base\nseq_len: 256\n");
  write(dir / "short.yaml", including(kStar, "ctrl", "{workload: bert_short}"));
  REQUIRE(runSpatialvp("run short.yaml --out short --quiet", dir).exit_code == 0);
  const fs::path shorter = dir / "short/stats.json";
  CHECK(counter(shorter, "ctrl", "tiles") == 12 * 2 * counter(shorter, "ctrl", "tiles_per_row"));

  // What one simulated layer cannot honour is a located error, never a silent default.
  CHECK_THAT(checkError("'" + kStar + "' --set ctrl.workload.keep_ratio=0.5", dir),
             Contains("'modules.ctrl.params.workload.keep_ratio': the operating_point group "
                      "gives the layer's sparsity"));
  CHECK_THAT(checkError("'" + kStar + "' --set ctrl.workload.batch=2", dir),
             Contains("'modules.ctrl.params.workload.batch': this module runs one sequence"));
  CHECK_THAT(
      checkError("'" + kStar + "' --set ctrl.workload.head_dim=64", dir),
      Contains("'modules.ctrl.params.workload.head_dim': must be hidden_size / heads (128)"));
  CHECK_THAT(checkError("'" + kStar + "' --set 'ctrl.workload.tiles=[4, 8]'", dir),
             Contains("'modules.ctrl.params.workload.tiles': this module runs one layer"));
  CHECK_THAT(checkError("'" + kStar + "' --set ctrl.operating_point=loss_5pct", dir),
             Contains("'modules.ctrl.params.operating_point': unknown preset 'loss_5pct' (no file "
                      "presets/operating_points/loss_5pct.yaml)"));
  const std::string spatial = SPATIALVP_SOURCE_DIR "/platform/configs/spatial_star.yaml";
  CHECK_THAT(checkError("'" + spatial + "' --set orch.workload.heads=3", dir),
             Contains("'modules.orch.params.workload.heads': must divide hidden_size"));
  const auto models = runSpatialvp("models spatial_star_orchestrator", dir);
  CHECK_THAT(models.out, Contains("workload               preset group     -      llama_7b") &&
                             Contains("operating_point        preset group     -      loss_2pct"));
}
