// The wafer die's compute engine (die_compute_engine, models/wafer_moe/die_compute_engine.h):
// the orchestrator's FLOPs arrive as die jobs, the engines report energy and area, and a
// compute[] binding that is not an engine (or cannot compute the run's datatype) is a located
// error at elaboration.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "models/wafer_moe/wafer_moe_test_support.h"
#include "platform/core/config_error.h"
#include "platform/elab/embedded_configs.h"
#include "support/run_report_lookup.h"
#include "workloads/moe/expert_compute_model.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

constexpr int kDies = 16;  // 4 x 4, TP 2 x 2: 4 groups
constexpr int kLayers = 2;
constexpr double kBatch = 256.0;
constexpr double kContext = 4096.0;

std::string smallWafer(const std::string& name) {
  return test::generatedConfig(test::freshDir(name), "wafer.yaml",
                               "--width 4 --height 4 --balancer none");
}

std::string configError(const std::string& path, const std::vector<std::string>& settings) {
  try {
    test::runConfig(path, settings);
  } catch (const ConfigError& error) {
    return error.what();
  }
  FAIL("expected a configuration error");
  return "";
}

}  // namespace

TEST_CASE("Die compute engine: every FLOP of the run is a die job, with energy and area",
          "[wafer_moe][die_compute_engine]") {
  const RunReport report = test::runConfig(smallWafer("engine_energy"), {"orch.sample_layers=2"});
  const auto text = embeddedConfig("presets/moe/deepseek_v3.yaml");
  REQUIRE(text);
  const moe::MoeModel model = moe::parseMoeModel(*text, "presets/moe/deepseek_v3.yaml");
  // Per layer: every token through its top_k routed experts and the shared expert; each die the
  // attention of one TP member for its group's batch (decode: one token per sequence).
  const double tokens = 4.0 * kBatch;
  const double experts =
      tokens * (model.top_k + model.shared_experts) * model.expertFlopsPerToken();
  const moe::ExpertComputeModel roofline(model, moe::DieSpec{});
  const double attention = kDies * roofline.attentionDieWork(kBatch, kBatch, kContext, 4).flops;

  double flops = 0.0;
  for (int die = 0; die < kDies; ++die) {
    const ModuleReport& engine = test::moduleNamed(report, "compute" + std::to_string(die));
    CHECK(engine.type == "die_compute_engine");
    CHECK(test::counter(engine, "jobs") == 2 * kLayers);
    CHECK(test::counter(engine, "flops.fp8") == 0.0);
    const double die_flops = test::counter(engine, "flops.bf16");
    flops += die_flops;
    // The preset die_compute_b200: 0.54 pJ per BF16 FLOP, 150 W static, 700 mm^2.
    CHECK(engine.dynamic_energy == Approx(die_flops * 0.54e-12).epsilon(1e-9));
    CHECK(engine.static_energy == Approx(150.0 * report.simulated_seconds).epsilon(1e-12));
    CHECK(engine.area == Approx(700e-6));
    // Busy for its FLOPs at 2250 TFLOPS x 0.7 (ps per job rounding aside).
    CHECK(test::counter(engine, "busy_time") == Approx(die_flops / (2250e12 * 0.7)).epsilon(1e-6));
  }
  CHECK(flops == Approx(kLayers * (experts + attention)).epsilon(1e-9));
  CHECK(report.dynamicEnergy() > 0.0);
  CHECK(report.area() == Approx(kDies * 700e-6));
}

TEST_CASE("Die compute engine: FP8 jobs count as FP8 FLOPs at the FP8 energy",
          "[wafer_moe][die_compute_engine]") {
  const RunReport report =
      test::runConfig(smallWafer("engine_fp8"), {"orch.sample_layers=1", "orch.datatype=fp8"});
  const ModuleReport& engine = test::moduleNamed(report, "compute0");
  CHECK(test::counter(engine, "flops.bf16") == 0.0);
  CHECK(test::counter(engine, "flops.fp8") > 0.0);
  CHECK(engine.dynamic_energy ==
        Approx(test::counter(engine, "flops.fp8") * 0.27e-12).epsilon(1e-9));
}

TEST_CASE("Die compute engine: compute[] bound to another type is a located error",
          "[wafer_moe][die_compute_engine]") {
  const std::string path = smallWafer("engine_not_engine");
  // compute3 becomes a memory: the binding is legal TLM, but not a die compute engine. Both
  // overrides name the expanded form: die 3's sixth connection is orch.compute[3].
  const std::vector<std::string> memory = {
      "modules.compute3={type: memory, params: {size: 1 KiB, read_latency: 1 ns, write_latency: "
      "1 ns, bandwidth: 1 GB/s}}",
      "connections.23.to=compute3.target"};
  CHECK_THAT(configError(path, memory), Contains("'modules.orch.params.dies'") &&
                                            Contains("compute[3] must be bound") &&
                                            Contains("not compute3 (memory)"));
}

TEST_CASE("Die compute engine: an engine without an FP8 peak in an FP8 run is a located error",
          "[wafer_moe][die_compute_engine]") {
  CHECK_THAT(
      configError(smallWafer("engine_no_fp8"), {"orch.datatype=fp8", "compute5.peak_fp8=0 TFLOPS"}),
      Contains("'modules.orch.params.datatype'") &&
          Contains("die 5's compute engine compute5 has no fp8 peak"));
}
