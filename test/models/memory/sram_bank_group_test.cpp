#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include "hbm_test_configs.h"
#include "models/memory/sram_bank_group.h"

using namespace spatialvp::models;
using namespace spatialvp::models::test;
using spatialvp::Picoseconds;

namespace {

bool mentions(const std::vector<std::string>& errors, const std::string& text) {
  for (const std::string& error : errors) {
    if (error.find(text) != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace

TEST_CASE("SRAM zero-load latency is the read or write latency", "[sram]") {
  const SramConfig config = tokenSramConfig();
  SramBankGroup sram(config);
  CHECK(sram.access({0, 16, false, ns(10)}).completion == ns(10) + config.read_latency);
  CHECK(sram.access({4096, 16, true, ns(20)}).completion == ns(20) + config.write_latency);
  // An arrival between clock edges starts at the next edge.
  CHECK(sram.access({0, 16, false, ns(30) + 1}).completion == ns(31) + config.read_latency);
}

TEST_CASE("A contiguous SRAM access takes ceil(words / (banks * ports)) cycles", "[sram]") {
  SramConfig config = tokenSramConfig();
  for (const std::uint32_t ports : {1U, 2U}) {
    config.ports = ports;
    SramBankGroup sram(config);
    const Picoseconds period = config.clockPeriod();
    Picoseconds arrival = ns(100);
    for (const std::uint64_t bytes : {16ULL, 256ULL, 1000ULL, 64ULL * 1024}) {
      const std::uint64_t words = (bytes + 15) / 16;
      const std::uint64_t cycles = (words + 16 * ports - 1) / (16 * ports);
      const SramAccessResult result = sram.access({0, bytes, false, arrival});
      CHECK(result.words == words);
      CHECK(result.conflict_stall == 0);
      CHECK(result.completion == arrival + (cycles - 1) * period + config.read_latency);
      arrival = result.completion + ns(1000);
    }
  }
}

TEST_CASE("SRAM bank conflicts serialise", "[sram]") {
  SramConfig config = tokenSramConfig();
  config.interleave = 4096;  // 4 KiB per bank: a 1 KiB request stays in one bank
  SramBankGroup sram(config);
  const Picoseconds period = config.clockPeriod();
  const SramAccessResult one_bank = sram.access({0, 1024, false, 0});
  CHECK(one_bank.completion == 63 * period + config.read_latency);  // 64 words, one per cycle
  CHECK(one_bank.conflict_stall == 60 * period);                    // ideal: 4 cycles
  // A second request to the same bank at the same time waits for the first.
  const SramAccessResult second = sram.access({2048, 16, false, 0});
  CHECK(second.completion == 64 * period + config.read_latency);
  // A request to another bank does not.
  CHECK(sram.access({4096, 16, false, 0}).completion == config.read_latency);
  CHECK(sram.counters().conflicted_requests == 2);
  CHECK(sram.bankBusyTime(0) == 65 * period);
}

TEST_CASE("A decoupled SRAM request uses an idle gap of its bank", "[sram]") {
  SramBankGroup sram(tokenSramConfig());
  const SramConfig& config = sram.config();
  CHECK(sram.access({0, 16, false, ns(500)}).completion == ns(500) + config.read_latency);
  CHECK(sram.access({0, 16, false, ns(100)}).completion == ns(100) + config.read_latency);
}

TEST_CASE("SRAM bandwidth never exceeds banks * ports * word per cycle", "[sram]") {
  const SramConfig config = tokenSramConfig();
  SramBankGroup sram(config);
  std::mt19937_64 random(9);
  Picoseconds last = 0;
  std::uint64_t words = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t address = random() % (config.capacity / 16) * 16;
    const std::uint64_t bytes =
        std::min<std::uint64_t>(16 << (random() % 6), config.capacity - address);
    const SramAccessResult r = sram.access({address, bytes, i % 4 == 0, 0});
    words += r.words;
    last = std::max(last, r.completion);
  }
  const double bytes_per_second =
      static_cast<double>(words * 16) * 1e12 / static_cast<double>(last);
  CHECK(bytes_per_second <= config.peakBandwidth());
  CHECK(bytes_per_second >= 0.5 * config.peakBandwidth());
}

TEST_CASE("SRAM energy is words times per-access energy and leakage is power times time",
          "[sram]") {
  const SramConfig config = tokenSramConfig();
  SramBankGroup sram(config);
  sram.access({0, 1024, false, 0});  // 64 words
  sram.access({0, 160, true, 0});    // 10 words
  CHECK(sram.counters().read_words == 64);
  CHECK(sram.counters().write_words == 10);
  CHECK(sram.dynamicEnergy() == Approx(64 * config.energy_read + 10 * config.energy_write));
  // 9.6 mW over 1 us = 9.6 nJ.
  CHECK(sram.leakageEnergy(ns(1000)) == Approx(config.leakage * 1e-3 * 1e6));
}

TEST_CASE("SRAM config rejects bad values with the parameter's name", "[sram][config]") {
  struct Case {
    const char* parameter;
    void (*spoil)(SramConfig&);
  };
  const Case cases[] = {
      {"capacity", [](SramConfig& c) { c.capacity = 0; }},
      {"capacity", [](SramConfig& c) { c.capacity = 1000; }},
      {"word_width", [](SramConfig& c) { c.word_width = 12; }},
      {"banks", [](SramConfig& c) { c.banks = 0; }},
      {"ports", [](SramConfig& c) { c.ports = 0; }},
      {"interleave", [](SramConfig& c) { c.interleave = 24; }},
      {"clock", [](SramConfig& c) { c.clock = 0.0; }},
      {"clock", [](SramConfig& c) { c.clock = -1e9; }},
      {"clock", [](SramConfig& c) { c.clock = std::nan(""); }},
      {"read_latency", [](SramConfig& c) { c.read_latency = 0; }},
      {"energy_read", [](SramConfig& c) { c.energy_read = -1.0; }},
      {"leakage", [](SramConfig& c) { c.leakage = std::nan(""); }},
  };
  for (const Case& test_case : cases) {
    SramConfig config = tokenSramConfig();
    test_case.spoil(config);
    INFO(test_case.parameter);
    CHECK(mentions(config.validate(), test_case.parameter));
    CHECK_THROWS_AS(SramBankGroup(config), std::invalid_argument);
  }
  CHECK(tokenSramConfig().validate().empty());
  SramBankGroup sram(tokenSramConfig());
  CHECK_THROWS_AS(sram.access({0, 0, false, 0}), std::invalid_argument);
  CHECK_THROWS_AS(sram.access({192 * 1024 - 8, 16, false, 0}), std::out_of_range);
}
