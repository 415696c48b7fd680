#pragma once
// C++ copies of the HBM presets in platform/configs/presets/hbm*.yaml, for tests that run before
// the YAML/units layer exists; hbm_preset_yaml_test.cpp checks that both stay equal.
#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "models/memory/hbm_config.h"
#include "models/memory/hbm_device.h"
#include "models/memory/sram_config.h"

namespace spatialvp::models::test {

constexpr spatialvp::Picoseconds ns(double value) {
  return static_cast<spatialvp::Picoseconds>(value * 1000.0 + 0.5);
}
constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kGiB = 1024 * 1024 * 1024;

inline HbmConfig hbm2Config() {
  HbmConfig c;
  c.stacks = 2;
  c.channels_per_stack = 8;
  c.pseudo_channels_per_channel = 2;
  c.channel_width = 128;
  c.bank_groups = 4;
  c.banks_per_group = 4;
  c.page_size = 1 * kKiB;
  c.capacity = 8 * kGiB;
  c.burst_length = 4;
  c.data_rate = 2e9;
  c.beats_per_clock = 2;
  c.address_mapping = "RoBaCoBgPcChCo1";
  c.page_policy = PagePolicy::kOpen;
  c.refresh_policy = RefreshPolicy::kAllBank;
  c.queue_depth = 32;
  c.controller_latency = 0;
  c.t_rcd_rd = ns(14);
  c.t_rcd_wr = ns(7);
  c.t_rp = ns(14);
  c.t_ras = ns(33);
  c.t_cl = ns(14);
  c.t_wl = ns(4);
  c.t_ccd_s = ns(2);
  c.t_ccd_l = ns(4);
  c.t_rrd_s = ns(4);
  c.t_rrd_l = ns(6);
  c.t_faw = ns(16);
  c.t_wr = ns(15);
  c.t_wtr_s = ns(3);
  c.t_wtr_l = ns(8);
  c.t_rtp = ns(4);
  c.t_rtw = ns(2);
  c.t_rfc = ns(260);
  c.t_refi = ns(3900);
  c.energy_activate = 250.0;
  c.energy_read = 3.1;
  c.energy_write = 3.2;
  c.energy_refresh = 12000.0;
  c.energy_io = 0.8;
  return c;
}

inline HbmConfig hbm2eConfig() {
  HbmConfig c = hbm2Config();
  c.stacks = 1;
  c.capacity = 16 * kGiB;
  c.data_rate = 3.2e9;
  // Clock-scaled timings in command-clock cycles of 0.625 ns (the preset gives cycles).
  c.t_cl = c.cycles(22);
  c.t_wl = c.cycles(6);
  c.t_ccd_s = c.cycles(2);
  c.t_ccd_l = c.cycles(4);
  c.t_rtw = c.cycles(3);
  c.t_rfc = ns(350);
  return c;
}

inline HbmConfig hbm3Config() {
  HbmConfig c = hbm2Config();
  c.stacks = 1;
  c.channels_per_stack = 16;
  c.channel_width = 64;
  c.capacity = 16 * kGiB;
  c.burst_length = 8;
  c.data_rate = 6.4e9;
  c.beats_per_clock = 4;
  c.t_cl = c.cycles(22);
  c.t_wl = c.cycles(10);
  c.t_ccd_s = c.cycles(2);
  c.t_ccd_l = c.cycles(4);
  c.t_rrd_s = ns(2.5);
  c.t_rrd_l = ns(3.75);
  c.t_faw = ns(15);
  c.t_wtr_s = ns(2.5);
  c.t_wtr_l = ns(7.5);
  c.t_rtp = ns(5);
  c.t_rtw = c.cycles(4);
  c.t_rfc = ns(350);
  c.energy_activate = 200.0;
  c.energy_read = 1.2;
  c.energy_write = 1.3;
  c.energy_refresh = 10000.0;
  c.energy_io = 0.6;
  return c;
}

inline HbmConfig hbmWaferDieConfig() {
  HbmConfig c = hbm3Config();
  c.stacks = 8;
  c.capacity = 180 * kGiB;
  c.data_rate = 7.8125e9;
  c.t_cl = c.cycles(27);
  c.t_wl = c.cycles(12);
  c.t_ccd_s = c.cycles(2);
  c.t_ccd_l = c.cycles(4);
  c.t_rtw = c.cycles(5);
  c.t_rfc = ns(410);
  return c;
}

inline SramConfig tokenSramConfig() {
  SramConfig c;
  c.capacity = 192 * kKiB;
  c.word_width = 128;
  c.banks = 16;
  c.ports = 1;
  c.interleave = 16;
  c.clock = 1e9;
  c.read_latency = ns(1);
  c.write_latency = ns(1);
  c.energy_read = 6.0;
  c.energy_write = 6.6;
  c.leakage = 9.6;
  c.area = 0.302;
  return c;
}

// Address of (pseudo-channel 0, bank group, bank, row, column) under the configured mapping.
inline std::uint64_t addressOf(const HbmDevice& device, std::uint32_t bank_group,
                               std::uint32_t bank, std::uint64_t row, std::uint64_t column = 0) {
  HbmCoordinates c;
  c.bank_group = bank_group;
  c.bank = bank;
  c.row = row;
  c.column = column;
  return device.mapper().encode(c);
}

// One of `values`, picked by `pick` (the seeded sweeps of the scheduling tests).
template <typename T>
T oneOf(std::mt19937_64& pick, const std::vector<T>& values) {
  return values[pick() % values.size()];
}

// The seeded sweeps of the scheduling tests: a preset (HBM2, HBM2E, HBM3 or the wafer die) with
// refresh off or on (often at a shorter interval, so that it meets the traffic), open or closed
// pages, a queue depth, places per bank and a controller latency picked by `pick`.
inline HbmConfig randomHbmConfig(std::mt19937_64& pick) {
  const int preset = static_cast<int>(pick() % 4);
  HbmConfig config = preset == 0   ? hbm2Config()
                     : preset == 1 ? hbm2eConfig()
                     : preset == 2 ? hbm3Config()
                                   : hbmWaferDieConfig();
  config.refresh_policy = pick() % 4 != 0 ? RefreshPolicy::kAllBank : RefreshPolicy::kNone;
  if (pick() % 2 == 0)
    config.t_refi = ns(static_cast<double>(1000 + pick() % 3000));
  config.page_policy = pick() % 3 == 0 ? PagePolicy::kClosed : PagePolicy::kOpen;
  config.queue_depth = oneOf(pick, std::vector<std::uint32_t>{4, 8, 32, 128});
  config.bank_queue_depth = oneOf(pick, std::vector<std::uint32_t>{0, 1, 2, 8});
  config.controller_latency = ns(oneOf(pick, std::vector<double>{0, 1, 5}));
  return config;
}

inline std::string describe(const HbmConfig& c) {
  std::ostringstream text;
  text << c.pseudoChannelCount() << " pseudo-channels, refresh "
       << (c.refresh_policy == RefreshPolicy::kAllBank ? c.t_refi / 1000 : 0) << " ns, "
       << (c.page_policy == PagePolicy::kClosed ? "closed" : "open") << " page, queue "
       << c.queue_depth << "/" << c.bank_queue_depth << ", write batch " << c.write_batch
       << ", controller " << c.controller_latency / 1000 << " ns";
  return text.str();
}

// Cases of a sweep: SPATIALVP_HBM_SWEEP if set (for long runs by hand), else `in_suite`.
inline int sweepCases(int in_suite) {
  const char* const requested = std::getenv("SPATIALVP_HBM_SWEEP");
  return requested != nullptr ? std::atoi(requested) : in_suite;
}

}  // namespace spatialvp::models::test
