#include <catch2/catch.hpp>

#include <filesystem>

#include <cstdio>
#include <fstream>
#include <string>

#include "workloads/moe/moe_model.h"

using namespace spatialvp::moe;

namespace {

MoeModel preset(const std::string& name) {
  return loadMoeModel(SPATIALVP_SOURCE_DIR "/platform/configs/presets/moe/" + name + ".yaml");
}

}  // namespace

TEST_CASE("moe: model presets match the sources W4.1 table", "[moe][model]") {
  struct Row {
    const char* preset;
    int layers, dense, hidden, routed, shared, top_k, ffn;
    double expert_mb;       // sources W4.1 [C], BF16, 3 significant digits
    double dispatch_bytes;  // sources W4.1 [C], k*h*2
  };
  const Row rows[] = {
      {"deepseek_v3", 61, 3, 7168, 256, 1, 8, 2048, 88.1, 114688},
      {"deepseek_v2", 60, 1, 5120, 160, 2, 6, 1536, 47.2, 61440},
      {"qwen3_235b_a22b", 94, 0, 4096, 128, 0, 8, 1536, 37.7, 65536},
      {"dbrx", 40, 0, 6144, 16, 0, 4, 10752, 396, 49152},
      {"mixtral_8x22b", 56, 0, 6144, 8, 0, 2, 16384, 604, 24576},
  };
  for (const Row& row : rows) {
    INFO(row.preset);
    const MoeModel m = preset(row.preset);
    CHECK(m.layers == row.layers);
    CHECK(m.dense_layers == row.dense);
    CHECK(m.moeLayers() == row.layers - row.dense);
    CHECK(m.hidden_size == row.hidden);
    CHECK(m.routed_experts == row.routed);
    CHECK(m.shared_experts == row.shared);
    CHECK(m.top_k == row.top_k);
    CHECK(m.expert_ffn_size == row.ffn);
    CHECK(m.expertWeightBytes() / 1e6 == Approx(row.expert_mb).epsilon(0.002));
    CHECK(m.dispatchBytesPerToken() == row.dispatch_bytes);
  }
  CHECK(preset("deepseek_v3").attention_type == AttentionType::kMla);
  CHECK(preset("qwen3_235b_a22b").kv_heads == 4);
}

TEST_CASE("moe: a broken preset names the file and the key", "[moe][model]") {
  const std::string path = std::string(P_tmpdir) + "/spatialvp_moe_bad_preset.yaml";
  {
    std::ofstream out(path);
    out << "name: broken\nlayers: 4\ndense_layers: 0\nhidden_size: lots\n";
  }
  try {
    loadMoeModel(path);
    FAIL("expected an error");
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    CHECK(message.find(path + ":4:14: 'hidden_size': expected an integer") == 0);
  }
  std::remove(path.c_str());
}

TEST_CASE("moe: a preset rejects unknown keys and starts from another preset", "[moe][model]") {
  CHECK_THROWS_WITH(parseMoeModel("name: x\nlayer: 4\n", "m.yaml"),
                    Catch::StartsWith("m.yaml:2:1: 'layer': unknown key (did you mean 'layers'?)"));
  CHECK_THROWS_WITH(parseMoeModel("name: x\nlayers: 4\ndense_layers: 4\n", "m.yaml"),
                    Catch::Contains("'hidden_size': missing required parameter"));
  CHECK_THROWS_WITH(parseMoeModel("name: x\nattention_type: mha\n", "m.yaml"),
                    Catch::StartsWith("m.yaml:2:17: 'attention_type'"));
  // `preset:` inside a preset resolves next to the file, as a module's does.
  const std::filesystem::path dir = std::filesystem::path(P_tmpdir) / "spatialvp_moe_preset_test";
  std::filesystem::create_directories(dir / "presets" / "moe");
  std::filesystem::copy_file(SPATIALVP_SOURCE_DIR "/platform/configs/presets/moe/deepseek_v3.yaml",
                             dir / "presets" / "moe" / "base.yaml",
                             std::filesystem::copy_options::overwrite_existing);
  {
    std::ofstream out(dir / "custom.yaml");
    out << "preset: moe/base\ntop_k: 4\n";
  }
  const MoeModel custom = loadMoeModel((dir / "custom.yaml").string());
  CHECK(custom.top_k == 4);
  CHECK(custom.routed_experts == preset("deepseek_v3").routed_experts);
  std::filesystem::remove_all(dir);
}
