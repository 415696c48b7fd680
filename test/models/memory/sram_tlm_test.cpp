// The `sram` module type run from YAML: latencies through TLM against the core's closed form,
// the sram_28nm presets, energy/leakage/area through the registry, located configuration errors
// and protocol checks. One elaboration per TEST_CASE.
#include <catch2/catch.hpp>

#include "test/models/memory/memory_tlm_test_support.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

// A probe in front of an SRAM; `sram` is the module's body (indented 4 spaces).
std::string probePlatform(const std::string& probe_params, const std::string& sram) {
  return "modules:\n"
         "  probe:\n"
         "    type: tlm_probe\n"
         "    params: " +
         probe_params +
         "\n"
         "  sram:\n"
         "    type: sram\n" +
         sram +
         "connections:\n"
         "  - {from: probe.out, to: sram.target, check: true}\n";
}

}  // namespace

TEST_CASE("SRAM TLM: latencies through TLM equal the core's closed form and data reads back",
          "[sram_tlm]") {
  // Token SRAM: 16 banks x 16 B words, 1 GHz, 1 ns latencies. The first request arrives at
  // 0.5 ns and starts at the 1 ns clock edge; the others arrive on edges (gap 10 ns).
  const RunReport report = test::runInline(
      probePlatform("{commands: [write, read, read, read, write], "
                    "addresses: [0x0, 0x100, 0x0, 0x10, 0x2fff8], "
                    "sizes: [512 B, 64 B, 512 B, 272 B, 16 B], start: 0.5 ns, gap: 10 ns}",
                    "    preset: sram_28nm/token_sram\n    params: {store_data: true}\n"));
  REQUIRE(report.end == RunEnd::kCompleted);
  // 32 words over 16 banks: two cycles from the 1 ns edge; done a write latency after the
  // start of the second.
  CHECK(test::statOf(report, "probe", "latency_ps.0") == 500 + 1000 + 1000);
  CHECK(test::statOf(report, "probe", "latency_ps.1") == 1000);  // 4 words on 4 banks
  CHECK(test::statOf(report, "probe", "latency_ps.2") == 2000);  // 32 words: two cycles
  // 17 words from word 1: bank 1 serves words 1 and 17, so two cycles as well.
  CHECK(test::statOf(report, "probe", "latency_ps.3") == 2000);
  CHECK(test::statOf(report, "probe", "latency_ps.4") == 0);  // crosses the 192 KiB end
  CHECK(test::statOf(report, "probe", "errors") == 1);
  CHECK(test::statOf(report, "sram", "address_errors") == 1);
  CHECK(test::statOf(report, "probe", "data_mismatches") == 0);
  CHECK(test::statOf(report, "sram", "read_words") == 4 + 32 + 17);
  CHECK(test::statOf(report, "sram", "write_words") == 32);
  CHECK(test::statOf(report, "sram", "peak_bandwidth") == Approx(256e9));
  CHECK(test::checkersPassed(report) == 1);
}

TEST_CASE("SRAM TLM: energy per word, leakage and area come from the preset via the registry",
          "[sram_tlm][energy]") {
  const RunReport report = test::runInline(R"(modules:
  gen: {type: traffic_generator, params: {transactions: 1000, size: 64 B, read_fraction: 0.5,
        pattern: random, address_range: 28 KiB}}
  sram: {type: sram, preset: sram_28nm/temp_sram}
connections:
  - {from: gen.out, to: sram.target, check: true}
)");
  REQUIRE(report.end == RunEnd::kCompleted);
  const double read_words = test::statOf(report, "sram", "read_words");
  const double write_words = test::statOf(report, "sram", "write_words");
  CHECK(read_words + write_words == 4000);  // 1000 x 64 B of 16 B words
  CHECK(read_words == 4 * test::statOf(report, "sram", "reads"));
  CHECK(static_cast<double>(test::actionOf(report, "sram", "read_word")) == read_words);
  const ModuleReport& sram = test::moduleOf(report, "sram");
  // temp_sram overrides the base preset's energies: 4.5 / 5.0 pJ per word.
  CHECK(sram.dynamic_energy == Approx(read_words * 4.5e-12 + write_words * 5.0e-12));
  CHECK(sram.static_power == Approx(1.4e-3));
  CHECK(sram.static_energy == Approx(1.4e-3 * report.simulated_seconds));
  CHECK(sram.area == Approx(0.044e-6));
  CHECK(test::statOf(report, "sram", "peak_bandwidth") == Approx(64e9));  // 4 banks
  CHECK(test::statOf(report, "sram", "bandwidth") > 0);
  CHECK(test::checkersPassed(report) == 1);
}

TEST_CASE("SRAM TLM: requests that meet on a bank serialise", "[sram_tlm]") {
  // interleave 64 B over 4 banks: a 64 B read is four words on one bank (four cycles).
  const RunReport report = test::runInline(probePlatform(
      "{commands: [read, read], addresses: [0x0, 0x40], sizes: [64 B, 256 B], gap: 10 ns}",
      "    params: {capacity: 4 KiB, banks: 4, interleave: 64 B}\n"));
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "probe", "latency_ps.0") == 4000);
  // 256 B from 0x40 touches banks 1, 2, 3, 0: four words each, in parallel.
  CHECK(test::statOf(report, "probe", "latency_ps.1") == 4000);
  CHECK(test::statOf(report, "sram", "conflicted_requests") == 1);  // the first: 4 vs 1 cycle
}

TEST_CASE("SRAM TLM: an interleave that is not whole words is a located error",
          "[sram_tlm][config]") {
  const std::string yaml =
      probePlatform("{commands: [read], addresses: [0x0], sizes: [16 B]}",
                    "    params:\n      capacity: 64 KiB\n      interleave: 24 B\n");
  const std::string error = test::errorOf(yaml);
  CHECK_THAT(error, Contains(test::positionIn("test.yaml", yaml, "24 B") +
                             ": 'modules.sram.params.interleave'"));
  CHECK_THAT(error, Contains("multiple of the word (16 B)"));
}

TEST_CASE("SRAM TLM: a capacity that is not whole bank stripes is a located error",
          "[sram_tlm][config]") {
  const std::string yaml =
      probePlatform("{commands: [read], addresses: [0x0], sizes: [16 B]}",
                    "    preset: sram_28nm\n    params: {capacity: 1000 B, banks: 4}\n");
  const std::string error = test::errorOf(yaml);
  CHECK_THAT(error, Contains(test::positionIn("test.yaml", yaml, "1000 B") +
                             ": 'modules.sram.params.capacity'"));
  CHECK_THAT(error, Contains("banks * interleave (64 B)"));
}

TEST_CASE("SRAM TLM: the base preset needs a capacity", "[sram_tlm][config]") {
  const std::string yaml = probePlatform("{commands: [read], addresses: [0x0], sizes: [16 B]}",
                                         "    preset: sram_28nm\n");
  const std::string error = test::errorOf(yaml);
  CHECK_THAT(error, Contains("'modules.sram.params.capacity'"));
}
