// The YAML presets and the C++ fixtures (hbm_test_configs.h) must describe the same devices:
// every key of a preset's `params:` map is a parameter of the `hbm` / `sram` module type bound to
// a config field, every field is set, and the values parsed with the platform's unit parser equal
// the fixture's. Energies are the module types' `energy:` actions (J per action).
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "hbm_test_configs.h"
#include "models/memory/hbm_config.h"
#include "models/memory/sram_config.h"
#include "platform/core/units.h"

using namespace spatialvp::models;
using namespace spatialvp::models::test;
namespace dims = spatialvp::dims;

namespace {

std::string presetPath(const std::string& name) {
  return std::string(SPATIALVP_SOURCE_DIR) + "/platform/configs/presets/" + name;
}

double quantity(const YAML::Node& node, const spatialvp::Dimension& dimension) {
  return spatialvp::parseQuantityAs(node.as<std::string>(), dimension);
}
spatialvp::Picoseconds picoseconds(const YAML::Node& node) {
  return static_cast<spatialvp::Picoseconds>(std::llround(quantity(node, dims::time()) * 1e12));
}
std::uint64_t bytes(const YAML::Node& node) {
  return static_cast<std::uint64_t>(std::llround(quantity(node, dims::data())));
}
std::uint32_t bits(const YAML::Node& node) {
  return static_cast<std::uint32_t>(std::llround(quantity(node, dims::data()) * 8.0));
}
double picojoules(const YAML::Node& node) {
  return quantity(node, dims::energy()) * 1e12;
}

// Fills an HbmConfig from a preset, failing on unknown keys; returns the keys seen.
HbmConfig loadHbm(const std::string& file, std::set<std::string>& keys) {
  const YAML::Node root = YAML::LoadFile(presetPath(file))["params"];
  REQUIRE(root.IsMap());
  HbmConfig c;
  std::map<std::string, spatialvp::Picoseconds*> times = {
      {"controller_latency", &c.controller_latency},
      {"t_rcd_rd", &c.t_rcd_rd},
      {"t_rcd_wr", &c.t_rcd_wr},
      {"t_rp", &c.t_rp},
      {"t_ras", &c.t_ras},
      {"t_rrd_s", &c.t_rrd_s},
      {"t_rrd_l", &c.t_rrd_l},
      {"t_faw", &c.t_faw},
      {"t_wr", &c.t_wr},
      {"t_wtr_s", &c.t_wtr_s},
      {"t_wtr_l", &c.t_wtr_l},
      {"t_rtp", &c.t_rtp},
      {"t_rfc", &c.t_rfc},
      {"t_refi", &c.t_refi},
  };
  std::map<std::string, std::uint32_t*> counts = {
      {"stacks", &c.stacks},
      {"channels_per_stack", &c.channels_per_stack},
      {"pseudo_channels_per_channel", &c.pseudo_channels_per_channel},
      {"bank_groups", &c.bank_groups},
      {"banks_per_group", &c.banks_per_group},
      {"burst_length", &c.burst_length},
      {"beats_per_clock", &c.beats_per_clock},
      {"queue_depth", &c.queue_depth},
      {"bank_queue_depth", &c.bank_queue_depth},
      {"write_batch", &c.write_batch},
  };
  // Clock-scaled timings are in command-clock cycles: converted once the clock is known.
  std::map<std::string, spatialvp::Picoseconds*> clocked = {
      {"t_cl", &c.t_cl},       {"t_wl", &c.t_wl},   {"t_ccd_s", &c.t_ccd_s},
      {"t_ccd_l", &c.t_ccd_l}, {"t_rtw", &c.t_rtw},
  };
  std::map<std::string, double> clocked_cycles;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    INFO(file << ": " << key);
    keys.insert(key);
    if (times.count(key) != 0) {
      *times[key] = picoseconds(value);
    } else if (clocked.count(key) != 0) {
      clocked_cycles[key] = quantity(value, dims::cycles());
    } else if (counts.count(key) != 0) {
      *counts[key] = value.as<std::uint32_t>();
    } else if (key == "channel_width") {
      c.channel_width = bits(value);
    } else if (key == "page_size") {
      c.page_size = bytes(value);
    } else if (key == "capacity") {
      c.capacity = bytes(value);
    } else if (key == "data_rate") {
      c.data_rate = quantity(value, dims::bandwidth()) * 8.0;  // per pin: bit/s
    } else if (key == "address_mapping") {
      c.address_mapping = value.as<std::string>();
    } else if (key == "page_policy") {
      REQUIRE(pagePolicyFromString(value.as<std::string>()).has_value());
      c.page_policy = *pagePolicyFromString(value.as<std::string>());
    } else if (key == "write_completion") {
      REQUIRE(writeCompletionFromString(value.as<std::string>()).has_value());
      c.write_completion = *writeCompletionFromString(value.as<std::string>());
    } else if (key == "scheduling") {
      REQUIRE(schedulingFromString(value.as<std::string>()).has_value());
      c.scheduling = *schedulingFromString(value.as<std::string>());
    } else if (key == "refresh_policy") {
      REQUIRE(refreshPolicyFromString(value.as<std::string>()).has_value());
      c.refresh_policy = *refreshPolicyFromString(value.as<std::string>());
    } else if (key == "energy") {
      REQUIRE(value.IsMap());
      // energy.<action> in J per action -> the core's pJ per command / pJ per bit.
      std::map<std::string, double*> energies = {
          {"activate", &c.energy_activate}, {"read_bit", &c.energy_read},
          {"write_bit", &c.energy_write},   {"refresh", &c.energy_refresh},
          {"io_bit", &c.energy_io},
      };
      for (const auto& action : value) {
        const std::string name = action.first.as<std::string>();
        INFO(file << ": energy." << name);
        REQUIRE(energies.count(name) == 1);
        keys.insert("energy." + name);
        *energies[name] = picojoules(action.second);
      }
    } else {
      FAIL("unknown key " << key << " in " << file);
    }
  }
  for (const auto& [key, count] : clocked_cycles)
    *clocked[key] = c.cycles(count);
  return c;
}

void requireSame(const HbmConfig& a, const HbmConfig& b) {
  CHECK(a.stacks == b.stacks);
  CHECK(a.channels_per_stack == b.channels_per_stack);
  CHECK(a.pseudo_channels_per_channel == b.pseudo_channels_per_channel);
  CHECK(a.channel_width == b.channel_width);
  CHECK(a.bank_groups == b.bank_groups);
  CHECK(a.banks_per_group == b.banks_per_group);
  CHECK(a.page_size == b.page_size);
  CHECK(a.capacity == b.capacity);
  CHECK(a.burst_length == b.burst_length);
  CHECK(a.beats_per_clock == b.beats_per_clock);
  CHECK(a.data_rate == Approx(b.data_rate));
  CHECK(a.address_mapping == b.address_mapping);
  CHECK(a.page_policy == b.page_policy);
  CHECK(a.refresh_policy == b.refresh_policy);
  CHECK(a.queue_depth == b.queue_depth);
  CHECK(a.bank_queue_depth == b.bank_queue_depth);
  CHECK(a.write_batch == b.write_batch);
  CHECK(a.write_completion == b.write_completion);
  CHECK(a.scheduling == b.scheduling);
  for (const auto field :
       {&HbmConfig::controller_latency, &HbmConfig::t_rcd_rd, &HbmConfig::t_rcd_wr,
        &HbmConfig::t_rp, &HbmConfig::t_ras, &HbmConfig::t_cl, &HbmConfig::t_wl,
        &HbmConfig::t_ccd_s, &HbmConfig::t_ccd_l, &HbmConfig::t_rrd_s, &HbmConfig::t_rrd_l,
        &HbmConfig::t_faw, &HbmConfig::t_wr, &HbmConfig::t_wtr_s, &HbmConfig::t_wtr_l,
        &HbmConfig::t_rtp, &HbmConfig::t_rtw, &HbmConfig::t_rfc, &HbmConfig::t_refi}) {
    CHECK(a.*field == b.*field);
  }
  for (const auto field :
       {&HbmConfig::energy_activate, &HbmConfig::energy_read, &HbmConfig::energy_write,
        &HbmConfig::energy_refresh, &HbmConfig::energy_io}) {
    CHECK(a.*field == Approx(b.*field));
  }
}

}  // namespace

TEST_CASE("HBM YAML presets match the C++ fixtures key by key", "[hbm][preset]") {
  const std::pair<const char*, HbmConfig> presets[] = {
      {"hbm2.yaml", hbm2Config()},
      {"hbm2e.yaml", hbm2eConfig()},
      {"hbm3.yaml", hbm3Config()},
      {"hbm_wafer_die.yaml", hbmWaferDieConfig()},
  };
  for (const auto& [file, fixture] : presets) {
    INFO(file);
    std::set<std::string> keys;
    const HbmConfig loaded = loadHbm(file, keys);
    CHECK(keys.size() == 44);  // every field of HbmConfig, plus the `energy` group itself
    CHECK(loaded.validate().empty());
    requireSame(loaded, fixture);
  }
}

// A preset file's params merged over the params of the preset it names (one level, as the
// platform's loader does for these files).
YAML::Node sramParams(const std::string& file) {
  const YAML::Node root = YAML::LoadFile(presetPath(file));
  REQUIRE(root["preset"].as<std::string>() == "sram_28nm");
  YAML::Node merged = YAML::Clone(YAML::LoadFile(presetPath("sram_28nm.yaml"))["params"]);
  for (const auto& entry : root["params"]) {
    const std::string key = entry.first.as<std::string>();
    if (key == "energy") {
      for (const auto& action : entry.second)
        merged["energy"][action.first.as<std::string>()] = action.second;
    } else {
      merged[key] = entry.second;
    }
  }
  return merged;
}

TEST_CASE("SRAM YAML presets have the STAR SRAMs with valid parameters", "[sram][preset]") {
  const std::map<std::string, std::uint64_t> capacities = {
      {"sram_28nm/token_sram.yaml", 192 * 1024},
      {"sram_28nm/weight_sram.yaml", 96 * 1024},
      {"sram_28nm/temp_sram.yaml", 28 * 1024}};
  for (const auto& [file, capacity] : capacities) {
    INFO(file);
    const YAML::Node node = sramParams(file);
    REQUIRE(node.IsMap());
    SramConfig c;
    std::set<std::string> keys;
    for (const auto& entry : node)
      keys.insert(entry.first.as<std::string>());
    CHECK(keys == std::set<std::string>{"capacity", "word_width", "banks", "ports", "interleave",
                                        "clock", "read_latency", "write_latency", "energy",
                                        "static_power", "area"});
    REQUIRE(node["energy"].size() == 2);
    c.capacity = bytes(node["capacity"]);
    c.word_width = bits(node["word_width"]);
    c.banks = node["banks"].as<std::uint32_t>();
    c.ports = node["ports"].as<std::uint32_t>();
    c.interleave = bytes(node["interleave"]);
    c.clock = quantity(node["clock"], dims::frequency());
    c.read_latency = picoseconds(node["read_latency"]);
    c.write_latency = picoseconds(node["write_latency"]);
    c.energy_read = picojoules(node["energy"]["read_word"]);
    c.energy_write = picojoules(node["energy"]["write_word"]);
    c.leakage = quantity(node["static_power"], dims::power()) * 1e3;
    c.area = quantity(node["area"], dims::area()) * 1e6;
    CHECK(c.capacity == capacity);
    CHECK(c.validate().empty());
    if (file == "sram_28nm/token_sram.yaml") {
      const SramConfig fixture = tokenSramConfig();
      CHECK(c.capacity == fixture.capacity);
      CHECK(c.word_width == fixture.word_width);
      CHECK(c.banks == fixture.banks);
      CHECK(c.ports == fixture.ports);
      CHECK(c.interleave == fixture.interleave);
      CHECK(c.clock == Approx(fixture.clock));
      CHECK(c.read_latency == fixture.read_latency);
      CHECK(c.write_latency == fixture.write_latency);
      CHECK(c.energy_read == Approx(fixture.energy_read));
      CHECK(c.energy_write == Approx(fixture.energy_write));
      CHECK(c.leakage == Approx(fixture.leakage));
      CHECK(c.area == Approx(fixture.area));
    }
  }
}
