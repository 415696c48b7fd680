// Workload presets and operating points: they load through the config loader, carry the sources'
// values, and unknown keys, missing values and malformed values are errors with file, line, column
// and key.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "platform/core/config_error.h"
#include "workloads/attention/attention_preset_loader.h"

namespace {

using namespace spatialvp::workloads;

const std::string kPresets = std::string(SPATIALVP_SOURCE_DIR) + "/platform/configs/presets/";

AttentionWorkload preset(const std::string& model) {
  return loadAttentionWorkload(kPresets + "workloads/" + model + ".yaml");
}

OperatingPoint point(const std::string& name) {
  return loadOperatingPoint(kPresets + "operating_points/" + name + ".yaml");
}

// Parses `text` as a workload preset and returns the error text (empty when it loads).
std::string workloadError(const std::string& text) {
  try {
    parseAttentionWorkload(text, "test.yaml");
  } catch (const spatialvp::ConfigError& error) {
    return error.what();
  }
  return "";
}

const char* const kValidWorkload =
    "model: m\nlayers: 2\nhidden_size: 64\nheads: 2\nhead_dim: 32\nseq_len: 256\n";

}  // namespace

TEST_CASE("workload: every model preset loads with the sources S5.1 sequence length") {
  struct Expected {
    const char* model;
    std::uint64_t layers, hidden, heads, seq_len;
  };
  const std::vector<Expected> models = {
      {"bert_base", 12, 768, 12, 512},  {"bert_large", 24, 1024, 16, 512},
      {"gpt2", 12, 768, 12, 1024},      {"bloom_1b7", 24, 2048, 16, 2048},
      {"llama_7b", 32, 4096, 32, 4096}, {"llama_13b", 40, 5120, 40, 4096},
      {"pvt", 3, 64, 1, 3192}};
  for (const Expected& expected : models) {
    INFO(expected.model);
    const AttentionWorkload workload = preset(expected.model);
    CHECK(workload.model == expected.model);
    CHECK(workload.layers == expected.layers);
    CHECK(workload.hidden_size == expected.hidden);
    CHECK(workload.heads == expected.heads);
    CHECK(workload.heads * workload.head_dim == workload.hidden_size);
    CHECK(workload.seq_len == expected.seq_len);
    CHECK(workload.batch == 1);
    CHECK(workload.queryCount() == workload.seq_len);
    CHECK(workload.query_block == 128);
    CHECK(workload.tilesForLayer(0) == 4);
  }
}

TEST_CASE("workload: the Llama-7B preset reproduces the 137 G anchor") {
  const AttentionWorkload workload = preset("llama_7b");
  CHECK(static_cast<double>(workload.denseAttentionMacsPerLayer()) == Approx(137e9).epsilon(0.005));
  CHECK(workload.denseAttentionOps() == 32 * workload.denseAttentionOpsPerLayer());
}

TEST_CASE("workload: overrides change S, heads, head dim and batch") {
  AttentionWorkload workload = preset("llama_7b");
  const std::uint64_t base = workload.denseAttentionOpsPerLayer();
  AttentionWorkloadOverrides overrides;
  overrides.seq_len = 8192;
  overrides.batch = 2;
  applyOverrides(overrides, workload);
  CHECK(workload.denseAttentionOpsPerLayer() == 8 * base);
  overrides = {};
  overrides.heads = 16;
  overrides.head_dim = 64;
  applyOverrides(overrides, workload);
  CHECK(workload.denseAttentionOpsPerLayer() == 2 * base);
  overrides = {};
  overrides.seq_len = 0;
  CHECK_THROWS_WITH(applyOverrides(overrides, workload), Catch::Contains("seq_len"));
}

TEST_CASE("workload: operating points carry sources S2.7 and reproduce its composite") {
  const std::vector<std::pair<std::string, std::pair<double, double>>> published = {
      {"loss_0pct", {0.1872, 0.4321}},
      {"loss_1pct", {0.1234, 0.3736}},
      {"loss_2pct", {0.0740, 0.3260}}};
  std::vector<OperatingPoint> points;
  for (const auto& [name, remaining] : published) {
    INFO(name);
    const OperatingPoint loaded = point(name);
    CHECK(loaded.name == name);
    CHECK(loaded.attention_remaining == Approx(remaining.first));
    CHECK(loaded.attention_qkv_remaining == Approx(remaining.second));
    CHECK(loaded.keep_ratio == loaded.attention_remaining);
    // The stored k, u and share must give back the published composite.
    CHECK(loaded.predictedAttentionQkvRemaining() == Approx(remaining.second).margin(0.001));
    points.push_back(loaded);
  }
  // One share for all points (no per-point tuning), and u proportional to k within 3%: the
  // linearity the derivation rests on.
  CHECK(points[0].attention_share == points[1].attention_share);
  CHECK(points[1].attention_share == points[2].attention_share);
  const double ratio0 = points[0].kv_union_fraction / points[0].keep_ratio;
  for (const OperatingPoint& p : points) {
    CHECK(p.kv_union_fraction / p.keep_ratio == Approx(ratio0).epsilon(0.03));
  }
  // More loss allowed -> fewer pairs kept.
  CHECK(points[0].keep_ratio > points[1].keep_ratio);
  CHECK(points[1].keep_ratio > points[2].keep_ratio);
  CHECK(points[0].accuracy_loss_percent == 0.0);
  CHECK(points[2].accuracy_loss_percent == 2.0);
}

TEST_CASE("workload: applying the 2% point keeps ~7% of dense ops (sources S3.5)") {
  AttentionWorkload workload = preset("llama_7b");
  applyOperatingPoint(point("loss_2pct"), workload);
  const double executed =
      workload.keptAttentionOps() / static_cast<double>(workload.denseAttentionOps());
  CHECK(executed == Approx(0.071).margin(0.005));
}

TEST_CASE("workload: loader rejects an unknown key with file, line and key") {
  const std::string error = workloadError(std::string(kValidWorkload) + "sequence_length: 4\n");
  CHECK_THAT(error, Catch::StartsWith("test.yaml:7:1: 'sequence_length': unknown key"));
}

TEST_CASE("workload: loader rejects a missing required value naming file and key") {
  const std::string error =
      workloadError("model: m\nlayers: 2\nhidden_size: 64\nheads: 2\nhead_dim: 32\n");
  CHECK_THAT(error, Catch::StartsWith("test.yaml:1:1: 'seq_len': missing required parameter"));
}

TEST_CASE("workload: Bc wins over a preset's Tc, d defaults to H / A, one value is every layer") {
  // A config that starts from a preset (`tiles: 4`) and gives Bc keeps both keys written.
  const AttentionWorkload workload = parseAttentionWorkload(
      "model: m\nlayers: 2\nhidden_size: 64\nheads: 2\nseq_len: 256\ntiles: 4\n"
      "tile_length: 64\nkeep_ratio: 0.5\n",
      "test.yaml");
  CHECK(workload.head_dim == 32);
  CHECK(workload.tileLengthForLayer(1) == 64);
  CHECK(workload.tilesForLayer(0) == 4);
  CHECK(workload.keepRatioForLayer(1) == 0.5);
  const AttentionWorkload shorter = parseAttentionWorkload(
      "model: m\nlayers: 2\nhidden_size: 64\nheads: 2\nseq_len: 256\ntiles: 2\n"
      "tile_length: 32\n",
      "test.yaml");
  CHECK(shorter.tilesForLayer(0) == 8);
}

TEST_CASE("workload: loader rejects malformed and out-of-range values at their line") {
  CHECK_THAT(workloadError(std::string(kValidWorkload) + "batch: 4k\n"),
             Catch::StartsWith("test.yaml:7:8: 'batch': expected an integer"));
  CHECK_THAT(workloadError(std::string(kValidWorkload) + "batch: 2.0\n"),
             Catch::Contains("'batch': expected an integer"));
  CHECK_THAT(workloadError(std::string(kValidWorkload) + "batch: 0\n"),
             Catch::StartsWith("test.yaml:7:8: 'batch': out of range: must be >= 1"));
  CHECK_THAT(workloadError(std::string(kValidWorkload) + "keep_ratio: 1.5\n"),
             Catch::StartsWith("test.yaml:7:13: 'keep_ratio': must be in (0, 1]"));
  CHECK_THAT(workloadError(std::string(kValidWorkload) + "tiles: [4, 8, 16]\n"),
             Catch::Contains("'tiles': needs one entry or one per layer"));
  CHECK_THAT(workloadError("model: m\nlayers: 1\nhidden_size: 64\nheads: 3\nseq_len: 256\n"),
             Catch::Contains("'heads': must divide hidden_size (or write head_dim)"));
  CHECK_THAT(workloadError(std::string(kValidWorkload) + "layers: 3\n"),
             Catch::StartsWith("test.yaml:7:1:") && Catch::Contains("layers"));
  CHECK_THAT(workloadError(std::string(kValidWorkload) + "batch:\n  n: 1\n"),
             Catch::Contains("'batch'"));
  CHECK_THAT(workloadError("- 1\n- 2\n"),
             Catch::StartsWith("test.yaml:1:1: a preset is a map of parameter -> value"));
  CHECK(workloadError(std::string(kValidWorkload) + "tiles: [4, 8]\n").empty());
}

TEST_CASE("workload: loader names the file it cannot open") {
  CHECK_THROWS_WITH(loadAttentionWorkload(kPresets + "workloads/no_such_model.yaml"),
                    Catch::Contains("no_such_model.yaml"));
}

TEST_CASE("workload: operating point loader rejects unknown keys and bad fractions") {
  const std::string valid =
      "name: p\naccuracy_loss_percent: 1\nattention_remaining: 0.1\n"
      "attention_qkv_remaining: 0.4\nattention_share: 0.2\nkeep_ratio: 0.1\n"
      "kv_union_fraction: 0.2\n";
  CHECK_NOTHROW(parseOperatingPoint(valid, "p.yaml"));
  CHECK_THROWS_WITH(parseOperatingPoint(valid + "top_k: 3\n", "p.yaml"),
                    Catch::StartsWith("p.yaml:8:1: 'top_k': unknown key"));
  std::string bad = valid;
  bad.replace(bad.find("keep_ratio: 0.1"), 15, "keep_ratio: 0.0");
  CHECK_THROWS_WITH(parseOperatingPoint(bad, "p.yaml"),
                    Catch::StartsWith("p.yaml:6:13: 'keep_ratio': must be in (0, 1]"));
}
