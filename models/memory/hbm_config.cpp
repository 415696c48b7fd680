#include "models/memory/hbm_config.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "models/memory/hbm_address_mapper.h"

namespace spatialvp::models {

namespace {

constexpr spatialvp::Picoseconds kOneSecond = 1'000'000'000'000ULL;
constexpr std::uint32_t kMaxPseudoChannels = 1U << 16;  // keeps per-device state bounded
constexpr std::uint32_t kMaxBanksPerPseudoChannel = 1U << 10;
constexpr std::uint32_t kMaxQueueDepth = 1U << 12;

template <typename T>
void requireRange(std::vector<std::string>& errors, const char* name, T value, T low, T high,
                  const char* unit = "") {
  if (value >= low && value <= high)
    return;
  std::ostringstream out;
  out << name << ": must be in [" << low << ", " << high << "]" << unit << ", got " << value
      << unit;
  errors.push_back(out.str());
}

void requireTime(std::vector<std::string>& errors, const char* name, spatialvp::Picoseconds value,
                 bool may_be_zero) {
  requireRange<spatialvp::Picoseconds>(errors, name, value, may_be_zero ? 0 : 1, kOneSecond, " ps");
}

void requireEnergy(std::vector<std::string>& errors, const char* name, double value) {
  if (std::isfinite(value) && value >= 0.0)
    return;
  std::ostringstream out;
  out << name << ": must be a finite energy >= 0 pJ, got " << value;
  errors.push_back(out.str());
}

}  // namespace

std::optional<PagePolicy> pagePolicyFromString(std::string_view text) {
  if (text == "open")
    return PagePolicy::kOpen;
  if (text == "closed")
    return PagePolicy::kClosed;
  return std::nullopt;
}

std::optional<RefreshPolicy> refreshPolicyFromString(std::string_view text) {
  if (text == "none")
    return RefreshPolicy::kNone;
  if (text == "all_bank")
    return RefreshPolicy::kAllBank;
  return std::nullopt;
}

std::string_view toString(PagePolicy policy) {
  return policy == PagePolicy::kOpen ? "open" : "closed";
}

std::string_view toString(RefreshPolicy policy) {
  return policy == RefreshPolicy::kNone ? "none" : "all_bank";
}

std::optional<WriteCompletion> writeCompletionFromString(std::string_view text) {
  if (text == "posted")
    return WriteCompletion::kPosted;
  if (text == "deferred")
    return WriteCompletion::kDeferred;
  return std::nullopt;
}

std::string_view toString(WriteCompletion completion) {
  return completion == WriteCompletion::kPosted ? "posted" : "deferred";
}

std::optional<Scheduling> schedulingFromString(std::string_view text) {
  if (text == "on_arrival")
    return Scheduling::kOnArrival;
  if (text == "on_issue")
    return Scheduling::kOnIssue;
  return std::nullopt;
}

std::string_view toString(Scheduling scheduling) {
  return scheduling == Scheduling::kOnArrival ? "on_arrival" : "on_issue";
}

std::uint64_t HbmConfig::burstBytes() const {
  return static_cast<std::uint64_t>(pseudoChannelWidth()) / 8 * burst_length;
}

std::uint64_t HbmConfig::rowsPerBank() const {
  const std::uint64_t per_row_across_device =
      static_cast<std::uint64_t>(pseudoChannelCount()) * banksPerPseudoChannel() * page_size;
  return per_row_across_device == 0 ? 0 : capacity / per_row_across_device;
}

spatialvp::Picoseconds HbmConfig::burstTime() const {
  // A burst moves burst_length beats on every pin of the pseudo-channel.
  return spatialvp::transferTime(burst_length, data_rate);
}

spatialvp::Picoseconds HbmConfig::clockPeriod() const {
  return spatialvp::transferTime(beats_per_clock, data_rate);
}

spatialvp::Picoseconds HbmConfig::cycles(double count) const {
  return static_cast<spatialvp::Picoseconds>(
      std::llround(count * static_cast<double>(beats_per_clock) / data_rate * 1e12));
}

double HbmConfig::peakBandwidth() const {
  return static_cast<double>(pseudoChannelCount()) * pseudoChannelWidth() * data_rate / 8.0;
}

std::vector<std::string> HbmConfig::validate() const {
  std::vector<std::string> errors;
  const std::uint32_t u32_max = std::numeric_limits<std::uint32_t>::max();
  requireRange<std::uint32_t>(errors, "stacks", stacks, 1, 64);
  requireRange<std::uint32_t>(errors, "channels_per_stack", channels_per_stack, 1, 1024);
  requireRange<std::uint32_t>(errors, "pseudo_channels_per_channel", pseudo_channels_per_channel, 1,
                              16);
  requireRange<std::uint32_t>(errors, "channel_width", channel_width, 8, 4096, " bit");
  requireRange<std::uint32_t>(errors, "bank_groups", bank_groups, 1, 64);
  requireRange<std::uint32_t>(errors, "banks_per_group", banks_per_group, 1, 64);
  requireRange<std::uint32_t>(errors, "burst_length", burst_length, 1, 256);
  requireRange<std::uint32_t>(errors, "beats_per_clock", beats_per_clock, 1, 16);
  requireRange<std::uint32_t>(errors, "queue_depth", queue_depth, 1, kMaxQueueDepth);
  requireRange<std::uint32_t>(errors, "bank_queue_depth", bank_queue_depth, 0, kMaxQueueDepth);
  requireRange<std::uint32_t>(errors, "write_batch", write_batch, 0, kMaxQueueDepth);
  if (write_completion == WriteCompletion::kDeferred && write_batch == 0)
    errors.push_back(
        "write_completion: 'deferred' answers writes when their write buffer drains; "
        "it needs write_batch > 0, got 0");
  if (scheduling == Scheduling::kOnIssue && write_batch > 0)
    errors.push_back(
        "write_batch: scheduling 'on_issue' groups writes by issuing whichever command is ready "
        "first; it has no write buffer, so write_batch must be 0, got " +
        std::to_string(write_batch));
  if (!(std::isfinite(data_rate) && data_rate >= 1e6 && data_rate <= 1e12)) {
    std::ostringstream out;
    out << "data_rate: must be a per-pin rate in [1 Mb/s, 1 Tb/s], got " << data_rate << " bit/s";
    errors.push_back(out.str());
  }
  const bool organisation_valid = errors.empty();
  if (organisation_valid) {
    const std::uint64_t pseudo_channels =
        static_cast<std::uint64_t>(stacks) * channels_per_stack * pseudo_channels_per_channel;
    if (pseudo_channels > kMaxPseudoChannels) {
      errors.push_back("stacks * channels_per_stack * pseudo_channels_per_channel: must be <= " +
                       std::to_string(kMaxPseudoChannels) + ", got " +
                       std::to_string(pseudo_channels));
    }
    if (static_cast<std::uint64_t>(bank_groups) * banks_per_group > kMaxBanksPerPseudoChannel) {
      errors.push_back("bank_groups * banks_per_group: must be <= " +
                       std::to_string(kMaxBanksPerPseudoChannel));
    }
    if (channel_width % pseudo_channels_per_channel != 0 ||
        (channel_width / pseudo_channels_per_channel) % 8 != 0) {
      errors.push_back("channel_width: must split into pseudo_channels_per_channel (" +
                       std::to_string(pseudo_channels_per_channel) +
                       ") whole-byte pseudo-channels, got " + std::to_string(channel_width) +
                       " bit");
    }
  }
  const bool widths_valid = errors.empty();
  if (widths_valid) {
    const std::uint64_t burst = burstBytes();
    if (page_size < burst || page_size % burst != 0 || page_size > (1ULL << 30)) {
      errors.push_back("page_size: must be a multiple of the burst size (" + std::to_string(burst) +
                       " B) and at most 1 GiB, got " + std::to_string(page_size) + " B");
    }
    const std::uint64_t row_stride = static_cast<std::uint64_t>(pseudoChannelCount()) *
                                     banksPerPseudoChannel() *
                                     std::max<std::uint64_t>(page_size, 1);
    if (capacity == 0 || capacity % row_stride != 0 || capacity / row_stride > u32_max) {
      // The factors are named with their values: the one at fault may come from elsewhere
      // (a preset, a --set) than the capacity this error is located at.
      errors.push_back("capacity: must be a positive multiple of pseudo-channels (" +
                       std::to_string(pseudoChannelCount()) + ") * banks per pseudo-channel (" +
                       std::to_string(banksPerPseudoChannel()) + ") * page_size (" +
                       std::to_string(page_size) + " B) = " + std::to_string(row_stride) +
                       " B with at most 2^32-1 rows per bank, got " + std::to_string(capacity) +
                       " B");
    }
  }
  if (errors.empty()) {
    for (const std::string& problem : HbmAddressMapper::check(*this))
      errors.push_back(problem);
  }

  requireTime(errors, "controller_latency", controller_latency, true);
  requireTime(errors, "t_rcd_rd", t_rcd_rd, false);
  requireTime(errors, "t_rcd_wr", t_rcd_wr, false);
  requireTime(errors, "t_rp", t_rp, false);
  requireTime(errors, "t_ras", t_ras, false);
  requireTime(errors, "t_cl", t_cl, false);
  requireTime(errors, "t_wl", t_wl, true);
  requireTime(errors, "t_ccd_s", t_ccd_s, true);
  requireTime(errors, "t_ccd_l", t_ccd_l, true);
  requireTime(errors, "t_rrd_s", t_rrd_s, true);
  requireTime(errors, "t_rrd_l", t_rrd_l, true);
  requireTime(errors, "t_faw", t_faw, true);
  requireTime(errors, "t_wr", t_wr, true);
  requireTime(errors, "t_wtr_s", t_wtr_s, true);
  requireTime(errors, "t_wtr_l", t_wtr_l, true);
  requireTime(errors, "t_rtp", t_rtp, true);
  requireTime(errors, "t_rtw", t_rtw, true);
  if (t_ras < t_rcd_rd || t_ras < t_rcd_wr)
    errors.push_back("t_ras: must be >= t_rcd_rd and t_rcd_wr (ACT to column before precharge)");
  if (t_ccd_l < t_ccd_s)
    errors.push_back("t_ccd_l: must be >= t_ccd_s");
  if (t_rrd_l < t_rrd_s)
    errors.push_back("t_rrd_l: must be >= t_rrd_s");
  if (t_wtr_l < t_wtr_s)
    errors.push_back("t_wtr_l: must be >= t_wtr_s");
  if (refresh_policy != RefreshPolicy::kNone) {
    requireTime(errors, "t_rfc", t_rfc, false);
    requireTime(errors, "t_refi", t_refi, false);
    // A refresh that lasts as long as its interval would leave no time for accesses: reject it
    // instead of letting every request wait forever.
    if (t_refi <= t_rfc) {
      errors.push_back("t_refi: must be greater than t_rfc (" + std::to_string(t_rfc) +
                       " ps), got " + std::to_string(t_refi) + " ps");
    }
  }
  requireEnergy(errors, "energy_activate", energy_activate);
  requireEnergy(errors, "energy_read", energy_read);
  requireEnergy(errors, "energy_write", energy_write);
  requireEnergy(errors, "energy_refresh", energy_refresh);
  requireEnergy(errors, "energy_io", energy_io);
  return errors;
}

}  // namespace spatialvp::models
