// Wafer MoE die parameters: the GEMM datatype and the die SRAM.
#include <catch2/catch.hpp>

#include "models/wafer_moe/wafer_moe_test_support.h"

#include "platform/elab/embedded_configs.h"
#include "workloads/moe/moe_model.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

// The same decode iteration in BF16 and FP8: the routing does not depend on the datatype, so
// the same expert instances stream their weights, in half the bytes.
TEST_CASE("Wafer MoE: FP8 halves the expert weight stream and the resident weights",
          "[wafer_moe]") {
  const std::vector<std::string> common = {"orch.sample_layers=2", "orch.balancer=none"};
  auto with = [&](const std::string& datatype) {
    std::vector<std::string> settings = common;
    settings.push_back("orch.datatype=" + datatype);
    return settings;
  };
  const auto bf16 = test::cliCounters("datatype_bf16", with("bf16"));
  const auto fp8 = test::cliCounters("datatype_fp8", with("fp8"));
  const auto value = test::jsonCounter;
  CHECK(value(bf16, "expert_hbm_read_bytes") > 0.0);
  CHECK(value(fp8, "expert_hbm_read_bytes") == 0.5 * value(bf16, "expert_hbm_read_bytes"));
  // Decode expert compute is the weight stream (6.4 TB/s HBM, 100 ns per read): about half.
  CHECK(value(fp8, "time.moe_compute") / value(bf16, "time.moe_compute") ==
        Approx(0.5).epsilon(0.05));
  CHECK(value(fp8, "phase.dispatch.bytes") == value(bf16, "phase.dispatch.bytes"));

  // Resident bytes: every weight halves, the KV cache (activations) does not. wafer_moe.yaml:
  // 256 sequences of 4096 tokens per TP group of 4.
  const auto text = embeddedConfig("presets/moe/deepseek_v3.yaml");
  REQUIRE(text);
  const moe::MoeModel model = moe::parseMoeModel(*text, "presets/moe/deepseek_v3.yaml");
  const double kv = 256.0 * 4096.0 * model.kvCacheBytesPerToken() * model.layers / 4.0;
  const double bf16_weights = value(bf16, "hbm_resident_bytes") - kv;
  const double fp8_weights = value(fp8, "hbm_resident_bytes") - kv;
  REQUIRE(bf16_weights > 0.0);
  CHECK(fp8_weights == Approx(0.5 * bf16_weights).epsilon(1e-12));
  CHECK(value(bf16, "hbm_resident_bytes") <= 180e9);
}

// Die SRAM: pinned weights are TLM reads of the die's SRAM module instead of its HBM.
TEST_CASE("Wafer MoE: SRAM-pinned expert weights are not streamed from HBM", "[wafer_moe]") {
  const std::string dir = test::freshDir("sram");
  auto run = [&](const std::string& name, const std::string& capacity) {
    const std::string config =
        capacity.empty() ? test::generatedConfig(dir, name + ".yaml", "--balancer none")
                         : test::generatedConfig(dir, name + ".yaml",
                                                 "--balancer none --sram-capacity " + capacity);
    return test::cliCounters(name, {"orch.sample_layers=2"}, config);
  };
  const auto value = test::jsonCounter;
  const auto none = run("sram_none", "");
  // DeepSeek-V3 on 64 dies: 4 primary + 1 shadow slot and 1 shared expert of 88,080,384 B per
  // MoE layer: 64 GB covers all 58 layers; 58 experts' worth pins exactly the shared expert.
  const auto all = run("sram_all", "64GB");
  const auto shared = run("sram_shared", "5108662272B");
  const double streamed = value(none, "expert_hbm_read_bytes");
  REQUIRE(streamed > 0.0);
  CHECK(value(none, "sram_read_bytes") == 0.0);
  CHECK(value(all, "expert_hbm_read_bytes") == 0.0);
  // Attention weights and KV cache stay in HBM whatever the SRAM holds.
  CHECK(value(all, "attention_hbm_read_bytes") == value(none, "attention_hbm_read_bytes"));
  CHECK(value(all, "attention_hbm_read_bytes") > 0.0);
  CHECK(value(all, "sram_read_bytes") == streamed);
  CHECK(value(all, "time.moe_compute") < value(none, "time.moe_compute"));
  // Every die owns tokens, so each reads its shared expert once per simulated layer.
  CHECK(value(shared, "sram_read_bytes") == 64.0 * 2.0 * 88080384.0);
  CHECK(value(shared, "sram_read_bytes") + value(shared, "expert_hbm_read_bytes") == streamed);
}

TEST_CASE("Wafer MoE: dies with SRAM but no SRAM modules bound is a located error", "[wafer_moe]") {
  CHECK_THAT(test::shippedConfigError("orch.sram=true"),
             Contains("orch.sram[0]") && Contains("socket is not connected"));
}
