#pragma once
// Independent check of a command trace against the JEDEC constraints the HBM core claims to
// honour, in the spirit of a timing-legality test layer: it replays each pseudo-channel's
// commands in time order and reports every violated constraint.
#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "models/memory/hbm_channel_controller.h"
#include "models/memory/hbm_config.h"

namespace spatialvp::models::test {

inline std::vector<std::string> checkTiming(const HbmConfig& config,
                                            std::vector<HbmCommand> trace) {
  using Kind = HbmCommand::Kind;
  using spatialvp::Picoseconds;
  constexpr std::uint64_t kClosed = ~0ULL;
  constexpr Picoseconds kNever = ~0ULL;
  std::vector<std::string> violations;
  auto fail = [&](const HbmCommand& c, const std::string& what) {
    if (violations.size() >= 20)
      return;
    std::ostringstream out;
    out << "pc " << c.pseudo_channel << " bg " << c.bank_group << " bank " << c.bank << " at "
        << c.time << " ps: " << what;
    violations.push_back(out.str());
  };
  auto since = [](Picoseconds now, Picoseconds then) {
    return then == kNever ? kNever : now - then;
  };
  auto rank = [](Kind k) {
    switch (k) {
      case Kind::kPrecharge:
        return 0;
      case Kind::kRefresh:
        return 1;
      case Kind::kActivate:
        return 2;
      default:
        return 3;
    }
  };
  std::stable_sort(trace.begin(), trace.end(), [&](const HbmCommand& a, const HbmCommand& b) {
    if (a.pseudo_channel != b.pseudo_channel)
      return a.pseudo_channel < b.pseudo_channel;
    if (a.time != b.time)
      return a.time < b.time;
    return rank(a.kind) < rank(b.kind);
  });
  const Picoseconds burst = config.burstTime();
  const std::uint32_t banks = config.banksPerPseudoChannel();
  std::size_t begin = 0;
  while (begin < trace.size()) {
    std::size_t end = begin;
    while (end < trace.size() && trace[end].pseudo_channel == trace[begin].pseudo_channel)
      ++end;
    struct Bank {
      std::uint64_t row = kClosed;
      Picoseconds act = kNever, pre = kNever, read = kNever, write_end = kNever;
    };
    std::vector<Bank> bank(banks);
    std::vector<Picoseconds> group_act(config.bank_groups, kNever);
    std::vector<Picoseconds> group_col(config.bank_groups, kNever);
    std::vector<Picoseconds> group_write_end(config.bank_groups, kNever);
    std::vector<Picoseconds> acts;
    Picoseconds last_col = kNever, refresh_end = 0;
    const HbmCommand* last_write = nullptr;
    const HbmCommand* last_read = nullptr;
    std::vector<std::pair<Picoseconds, Picoseconds>> data;
    for (std::size_t i = begin; i < end; ++i) {
      const HbmCommand& c = trace[i];
      Bank& b = bank[c.bank_group * config.banks_per_group + c.bank];
      switch (c.kind) {
        case Kind::kActivate:
          if (b.row != kClosed)
            fail(c, "ACT to an open bank");
          if (since(c.time, b.pre) < config.t_rp)
            fail(c, "ACT before t_rp");
          if (since(c.time, b.act) < config.rowCycle())
            fail(c, "ACT before t_rc");
          if (!acts.empty() && c.time - acts.back() < config.t_rrd_s)
            fail(c, "t_rrd_s");
          if (since(c.time, group_act[c.bank_group]) < config.t_rrd_l)
            fail(c, "t_rrd_l");
          if (acts.size() >= 4 && c.time - acts[acts.size() - 4] < config.t_faw)
            fail(c, "t_faw");
          if (c.time < refresh_end)
            fail(c, "ACT during refresh");
          acts.push_back(c.time);
          group_act[c.bank_group] = c.time;
          b.row = c.row;
          b.act = c.time;
          break;
        case Kind::kPrecharge:
          if (b.row == kClosed)
            fail(c, "PRE of a closed bank");
          if (since(c.time, b.act) < config.t_ras)
            fail(c, "PRE before t_ras");
          if (since(c.time, b.read) < config.t_rtp)
            fail(c, "PRE before t_rtp");
          if (b.write_end != kNever && c.time < b.write_end + config.t_wr)
            fail(c, "t_wr");
          b.row = kClosed;
          b.pre = c.time;
          break;
        case Kind::kRefresh:
          for (const Bank& any : bank) {
            if (any.row != kClosed)
              fail(c, "REF with an open bank");
            if (since(c.time, any.pre) < config.t_rp)
              fail(c, "REF before t_rp");
          }
          refresh_end = c.time + config.t_rfc;
          break;
        case Kind::kRead:
        case Kind::kWrite: {
          const bool write = c.kind == Kind::kWrite;
          if (b.row != c.row)
            fail(c, "column command to a row that is not open");
          if (since(c.time, b.act) < (write ? config.t_rcd_wr : config.t_rcd_rd))
            fail(c, write ? "WR before t_rcd_wr" : "RD before t_rcd_rd");
          if (since(c.time, group_col[c.bank_group]) < config.t_ccd_l)
            fail(c, "t_ccd_l");
          if (since(c.time, last_col) < config.t_ccd_s)
            fail(c, "t_ccd_s");
          if (c.data_start != c.time + (write ? config.t_wl : config.t_cl) ||
              c.data_end != c.data_start + burst) {
            fail(c, "data burst not at the column latency");
          }
          if (!write && last_write != nullptr) {
            const Picoseconds wtr =
                last_write->bank_group == c.bank_group ? config.t_wtr_l : config.t_wtr_s;
            if (c.time < last_write->data_end + wtr)
              fail(c, "t_wtr after a write");
          }
          if (!write && group_write_end[c.bank_group] != kNever &&
              c.time < group_write_end[c.bank_group] + config.t_wtr_l) {
            fail(c, "t_wtr_l after a write in the bank group");
          }
          if (write && last_read != nullptr && c.data_start < last_read->data_end + config.t_rtw) {
            fail(c, "write data before read data end + t_rtw");
          }
          if (write) {
            last_write = &c;
            b.write_end = c.data_end;
            group_write_end[c.bank_group] = c.data_end;
          } else {
            last_read = &c;
            b.read = c.time;
          }
          group_col[c.bank_group] = c.time;
          last_col = c.time;
          data.emplace_back(c.data_start, c.data_end);
          break;
        }
      }
    }
    std::sort(data.begin(), data.end());
    for (std::size_t i = 1; i < data.size(); ++i) {
      if (data[i].first < data[i - 1].second) {
        std::ostringstream out;
        out << "pc " << trace[begin].pseudo_channel << ": data bursts overlap at " << data[i].first
            << " ps";
        violations.push_back(out.str());
        break;
      }
    }
    begin = end;
  }
  // The pseudo-channels of a channel share its row command bus: row commands (ACT two cycles;
  // PRE, REF one; the precharges of one pseudo-channel at one time are one PREA) never overlap.
  // (Column commands: see HbmCommandBus, not modelled.)
  const Picoseconds cycle = config.clockPeriod();
  std::map<std::uint32_t, std::vector<std::pair<Picoseconds, Picoseconds>>> row_bus;
  std::map<std::pair<std::uint32_t, Picoseconds>, bool> precharge_seen;
  for (const HbmCommand& c : trace) {
    const std::uint32_t channel = c.pseudo_channel / config.pseudo_channels_per_channel;
    switch (c.kind) {
      case Kind::kActivate:
        row_bus[channel].emplace_back(c.time, c.time + 2 * cycle);
        break;
      case Kind::kPrecharge:
        if (!precharge_seen[{c.pseudo_channel, c.time}]) {
          precharge_seen[{c.pseudo_channel, c.time}] = true;
          row_bus[channel].emplace_back(c.time, c.time + cycle);
        }
        break;
      case Kind::kRefresh:
        row_bus[channel].emplace_back(c.time, c.time + cycle);
        break;
      default:
        break;
    }
  }
  for (auto& [channel, commands] : row_bus) {
    std::sort(commands.begin(), commands.end());
    for (std::size_t i = 1; i < commands.size(); ++i) {
      if (commands[i].first < commands[i - 1].second) {
        std::ostringstream out;
        out << "channel " << channel << ": row commands overlap on the command bus at "
            << commands[i].first << " ps";
        violations.push_back(out.str());
        break;
      }
    }
  }
  return violations;
}

}  // namespace spatialvp::models::test
