#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hbm_test_configs.h"
#include "models/memory/hbm_config.h"
#include "models/memory/hbm_device.h"

using namespace spatialvp::models;
using spatialvp::models::test::hbm2Config;

namespace {

bool mentions(const std::vector<std::string>& errors, const std::string& text) {
  for (const std::string& error : errors) {
    if (error.find(text) != std::string::npos)
      return true;
  }
  return false;
}

// The device must refuse the configuration with a message naming `parameter`.
void requireRejected(const HbmConfig& config, const std::string& parameter) {
  const std::vector<std::string> errors = config.validate();
  INFO("expected an error naming " << parameter);
  REQUIRE(mentions(errors, parameter));
  try {
    HbmDevice device(config);
    FAIL("HbmDevice accepted an invalid configuration");
  } catch (const std::invalid_argument& error) {
    CHECK(std::string(error.what()).find(parameter) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("HBM presets are valid and give the documented peak bandwidths", "[hbm][config]") {
  using namespace spatialvp::models::test;
  CHECK(hbm2Config().validate().empty());
  CHECK(hbm2eConfig().validate().empty());
  CHECK(hbm3Config().validate().empty());
  CHECK(hbmWaferDieConfig().validate().empty());
  // 16 channels x 128 bit x 2 Gb/s (SOFA/STAR), one HBM2E stack at 3.2 Gb/s, one HBM3 stack at
  // 6.4 Gb/s, and 8 HBM3E stacks x 1024 bit x 7.8125 Gb/s = 8 TB/s for a wafer die.
  CHECK(hbm2Config().peakBandwidth() == Approx(512e9));
  CHECK(hbm2eConfig().peakBandwidth() == Approx(409.6e9));
  CHECK(hbm3Config().peakBandwidth() == Approx(819.2e9));
  CHECK(hbmWaferDieConfig().peakBandwidth() == Approx(8e12));
  CHECK(hbmWaferDieConfig().capacity == 180 * kGiB);
  CHECK(hbmWaferDieConfig().rowsPerBank() == 46080);  // not a power of two: Ro is on top
  CHECK(hbm2Config().burstBytes() == 32);
  CHECK(hbm2Config().burstTime() == 2000);
}

TEST_CASE("HBM config rejects zero, negative and non-finite rates", "[hbm][config]") {
  HbmConfig config = hbm2Config();
  config.data_rate = 0.0;
  requireRejected(config, "data_rate");
  config.data_rate = -2e9;
  requireRejected(config, "data_rate");
  config.data_rate = std::numeric_limits<double>::quiet_NaN();
  requireRejected(config, "data_rate");
  config.data_rate = std::numeric_limits<double>::infinity();
  requireRejected(config, "data_rate");
}

TEST_CASE("HBM config rejects zero counts and sizes", "[hbm][config]") {
  for (const char* parameter : {"stacks", "channels_per_stack", "pseudo_channels_per_channel",
                                "bank_groups", "banks_per_group", "burst_length", "queue_depth"}) {
    HbmConfig config = hbm2Config();
    const std::string name = parameter;
    if (name == "stacks")
      config.stacks = 0;
    if (name == "channels_per_stack")
      config.channels_per_stack = 0;
    if (name == "pseudo_channels_per_channel")
      config.pseudo_channels_per_channel = 0;
    if (name == "bank_groups")
      config.bank_groups = 0;
    if (name == "banks_per_group")
      config.banks_per_group = 0;
    if (name == "burst_length")
      config.burst_length = 0;
    if (name == "queue_depth")
      config.queue_depth = 0;
    requireRejected(config, name);
  }
  HbmConfig config = hbm2Config();
  config.capacity = 0;
  requireRejected(config, "capacity");
  config = hbm2Config();
  config.capacity += 1024;  // not a whole number of rows
  requireRejected(config, "capacity");
  config = hbm2Config();
  config.page_size = 48;  // not a multiple of the 32 B burst
  requireRejected(config, "page_size");
  config = hbm2Config();
  config.channel_width = 100;  // two pseudo-channels of 50 bit
  requireRejected(config, "channel_width");
}

TEST_CASE("HBM config rejects channel counts that do not fit the mapping", "[hbm][config]") {
  HbmConfig config = hbm2Config();
  config.channels_per_stack = 6;  // 12 channels: 'Ch' is not at the top of the mapping
  config.capacity = 6 * spatialvp::models::test::kGiB;
  requireRejected(config, "stacks * channels_per_stack");
  // The same count is fine when the channel field is the most significant one.
  config.address_mapping = "ChRoBaCoBgPcCo1";
  CHECK(config.validate().empty());
}

TEST_CASE("HBM config rejects malformed address mappings", "[hbm][config]") {
  HbmConfig config = hbm2Config();
  config.address_mapping = "RoBaCoBgPcXxCo1";
  requireRejected(config, "unknown field 'Xx'");
  config.address_mapping = "RoBaCoBgPc";  // channel field missing
  requireRejected(config, "lacks field 'Ch'");
  config.address_mapping = "RoBaCoBgPcChCo9";  // 9 column bits but only 32 columns
  requireRejected(config, "needs 5");
  config.address_mapping = "";
  requireRejected(config, "address_mapping");
  config.address_mapping = "RoCoBaCoBgPcCh";  // two slices both taking 'the rest'
  requireRejected(config, "without a width");
}

TEST_CASE("HBM config rejects timing that could hang or contradict itself", "[hbm][config]") {
  HbmConfig config = hbm2Config();
  config.t_refi = config.t_rfc;  // refresh would never leave room for an access
  requireRejected(config, "t_refi");
  config = hbm2Config();
  config.t_refi = 0;
  requireRejected(config, "t_refi");
  config = hbm2Config();
  config.t_rcd_rd = 0;
  requireRejected(config, "t_rcd_rd");
  config = hbm2Config();
  config.t_ccd_l = config.t_ccd_s - 1;
  requireRejected(config, "t_ccd_l");
  config = hbm2Config();
  config.t_ras = 2'000'000'000'000ULL;  // 2 s
  requireRejected(config, "t_ras");
  // Without refresh, its timing is irrelevant.
  config = hbm2Config();
  config.refresh_policy = RefreshPolicy::kNone;
  config.t_refi = 0;
  config.t_rfc = 0;
  CHECK(config.validate().empty());
}

TEST_CASE("HBM config rejects negative or non-finite energies", "[hbm][config]") {
  HbmConfig config = hbm2Config();
  config.energy_activate = -1.0;
  requireRejected(config, "energy_activate");
  config = hbm2Config();
  config.energy_io = std::nan("");
  requireRejected(config, "energy_io");
}

TEST_CASE("HBM config lists every problem at once", "[hbm][config]") {
  HbmConfig config;  // nothing set
  const std::vector<std::string> errors = config.validate();
  CHECK(mentions(errors, "stacks"));
  CHECK(mentions(errors, "data_rate"));
  CHECK(mentions(errors, "t_rcd_rd"));
  CHECK(mentions(errors, "t_refi"));
  CHECK(errors.size() >= 10);
}

TEST_CASE("Page and refresh policies round-trip through their YAML names", "[hbm][config]") {
  CHECK(pagePolicyFromString("open") == PagePolicy::kOpen);
  CHECK(pagePolicyFromString("closed") == PagePolicy::kClosed);
  CHECK_FALSE(pagePolicyFromString("adaptive").has_value());
  CHECK(refreshPolicyFromString("all_bank") == RefreshPolicy::kAllBank);
  CHECK(refreshPolicyFromString("none") == RefreshPolicy::kNone);
  CHECK_FALSE(refreshPolicyFromString("per_bank").has_value());
  CHECK(toString(PagePolicy::kClosed) == "closed");
  CHECK(toString(RefreshPolicy::kAllBank) == "all_bank");
}

TEST_CASE("HBM device rejects empty and out-of-range requests", "[hbm][config]") {
  HbmDevice device(hbm2Config());
  const std::uint64_t capacity = device.config().capacity;
  CHECK_THROWS_AS(device.access({0, 0, false, 0}), std::invalid_argument);
  CHECK_THROWS_AS(device.access({capacity - 32, 64, false, 0}), std::out_of_range);
  CHECK_THROWS_AS(device.access({~0ULL - 8, 64, false, 0}), std::out_of_range);  // no wrap
  CHECK_NOTHROW(device.access({capacity - 64, 64, false, 0}));
  CHECK(device.contains(0, capacity));
  CHECK_FALSE(device.contains(1, capacity));
}
