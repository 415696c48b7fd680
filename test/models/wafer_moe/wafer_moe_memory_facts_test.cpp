// Each die's HBM and SRAM own their capacity and bandwidth; the MoE orchestrator reads them
// once bound (models/wafer_moe/moe_orchestrator_memories.cpp) instead of repeating them.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "models/wafer_moe/wafer_moe_test_support.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

std::string shippedText() {
  std::ifstream in(SPATIALVP_SOURCE_DIR "/platform/configs/wafer_moe.yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every occurrence of `from` in `text` replaced by `to`; at least one must exist.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  for (; at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string written(const std::string& dir, const std::string& file, const std::string& text) {
  const std::string path = dir + "/" + file;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("Wafer MoE: the resident bytes must fit the die's HBM module (its size)", "[wafer_moe]") {
  // Die 5's memory, not an orchestrator parameter, says how much it holds.
  CHECK_THAT(test::shippedConfigError("hbm5.size=20 GB"),
             Contains("'modules.hbm5.params.size'") && Contains("die 5's HBM") &&
                 Contains("at least 54.78") && Contains("KV cache") && Contains("got 20 GB"));
  // The orchestrator no longer states the HBM's facts.
  for (const char* removed : {"hbm_capacity", "hbm_bandwidth", "sram_capacity"}) {
    CHECK_THAT(test::shippedConfigError(std::string("orch.") + removed + "=1 GB"),
               Contains(std::string("modules.orch.params.") + removed));
  }
}

// Each die reads its own HBM module: one slower stack slows the layer (its group's attention and
// its experts), it is not an error.
TEST_CASE("Wafer MoE: one die with a slower HBM slows the iteration", "[wafer_moe]") {
  const std::vector<std::string> settings = {"orch.sample_layers=2", "orch.balancer=none"};
  std::vector<std::string> slow_die = settings;
  slow_die.push_back("'hbm3.bandwidth=3.2 TB/s'");
  const auto base = test::cliCounters("slow_die_base", settings);
  const auto slow = test::cliCounters("slow_die", slow_die);
  const auto value = test::jsonCounter;
  CHECK(value(slow, "hbm_read_bytes") == value(base, "hbm_read_bytes"));
  CHECK(value(slow, "time.attention_compute") > value(base, "time.attention_compute"));
  CHECK(value(slow, "time.moe_compute") > value(base, "time.moe_compute"));
  // No more than every die at half the bandwidth (the phases' maximum over dies).
  CHECK(value(slow, "time.attention_compute") <= 2.0 * value(base, "time.attention_compute"));
}

TEST_CASE("Wafer MoE: hbm[] bound to a module that states no memory facts is a located error",
          "[wafer_moe]") {
  const std::string dir = test::freshDir("memory_facts_none");
  std::string text = shippedText();
  // Every die's HBM becomes a compute engine: hbm[0] is the first port read.
  text = replaced(text,
                  "hbm: {type: memory, params: {size: 180 GB, read_latency: 100 ns, "
                  "write_latency: 100 ns, bandwidth: 6.4 TB/s}}",
                  "hbm: {type: die_compute_engine, preset: die_compute_b200}");
  text = replaced(text, "to: hbm.target}", "to: hbm.jobs}");
  CHECK_THAT(test::configError(written(dir, "no_facts.yaml", text)),
             Contains("'modules.orch.params.dies'") && Contains("hbm[0]") &&
                 Contains("hbm0 (die_compute_engine)"));
}

TEST_CASE("Wafer MoE: dies whose SRAM capacities differ are a located error", "[wafer_moe]") {
  const std::string dir = test::freshDir("memory_facts_sram");
  const std::string config =
      test::generatedConfig(dir, "sram.yaml", "--balancer none --sram-capacity 64GB");
  CHECK_THAT(test::configError(config, {"sram7.size=32 GB"}),
             Contains("'modules.sram7.params.size'") && Contains("sram0 has 64 GB"));
}

// Attention weights and KV cache and the expert weights are TLM reads of the die's HBM module,
// which times them at its own bandwidth.
TEST_CASE("Wafer MoE: the die timing follows the HBM module's bandwidth", "[wafer_moe]") {
  const std::string dir = test::freshDir("memory_facts_bandwidth");
  const std::vector<std::string> settings = {"orch.sample_layers=2", "orch.balancer=none"};
  const std::string halved = written(
      dir, "halved.yaml", replaced(shippedText(), "bandwidth: 6.4 TB/s", "bandwidth: 3.2 TB/s"));
  const auto base = test::cliCounters("bandwidth_base", settings);
  const auto slow = test::cliCounters("bandwidth_halved", settings, halved);
  const auto value = test::jsonCounter;
  REQUIRE(value(base, "time.attention_compute") > 0.0);
  // Decode attention and expert compute are bound by the weight and KV stream.
  CHECK(value(slow, "time.attention_compute") / value(base, "time.attention_compute") ==
        Approx(2.0).epsilon(0.02));
  CHECK(value(slow, "time.moe_compute") / value(base, "time.moe_compute") ==
        Approx(2.0).epsilon(0.05));
  // The reads reached the HBM modules: the orchestrator's count is what the memories served.
  const auto modules = test::cliModules("bandwidth_base");
  double served = 0.0;
  for (int d = 0; d < 64; ++d)
    served += modules["hbm" + std::to_string(d)]["counters"]["read_bytes"]["value"].get<double>();
  CHECK(value(base, "hbm_read_bytes") == served);
  CHECK(value(slow, "hbm_read_bytes") == value(base, "hbm_read_bytes"));
}
