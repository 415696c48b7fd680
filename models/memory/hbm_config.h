#pragma once
// Parameters of an HBM device (one or more stacks behind one address range). Field names are
// the keys of the `hbm` module type and of platform/configs/presets/hbm*.yaml, except the
// energies, which are its energy.<action> parameters (models/memory/README.md). Canonical
// units of the C++ fields: times in picoseconds, sizes in bytes, widths in bits, data rate in
// bit/s per pin, energies in pJ (per command) or pJ/bit (per transferred bit).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/core/contention_timeline.h"

namespace spatialvp::models {

enum class PagePolicy {
  kOpen,    // rows stay open until a conflicting access or refresh closes them
  kClosed,  // a row is precharged once no queued burst hits it (auto-precharge)
};

enum class RefreshPolicy {
  kNone,     // no refresh (for what-if studies and for measuring refresh overhead)
  kAllBank,  // one all-bank refresh per pseudo-channel every t_refi, lasting t_rfc
};

// When a buffered write (write_batch > 0) is answered.
enum class WriteCompletion {
  kPosted,    // when buffered (arrival + controller latency), before its data is written
  kDeferred,  // when its data is written, with its batch (the controller answers out of order)
};

// When the controller decides a burst's commands.
enum class Scheduling {
  // When its request arrives (loosely-timed): the call returns the completion; bursts of later
  // calls cannot go first (they may fill idle gaps the earlier ones left).
  kOnArrival,
  // When its next command can issue (approximately-timed): bursts wait uncommitted in per-bank
  // queues, and the controller picks among all that have arrived by then, as a cycle-based
  // controller's command multiplexer does; requests are answered later (END_REQ / BEGIN_RESP).
  kOnIssue,
};

std::optional<PagePolicy> pagePolicyFromString(std::string_view text);        // "open" | "closed"
std::optional<RefreshPolicy> refreshPolicyFromString(std::string_view text);  // "none"|"all_bank"
std::string_view toString(PagePolicy policy);
std::string_view toString(RefreshPolicy policy);
std::optional<WriteCompletion> writeCompletionFromString(std::string_view text);  // posted|deferred
std::string_view toString(WriteCompletion completion);
std::optional<Scheduling> schedulingFromString(std::string_view text);  // on_arrival | on_issue
std::string_view toString(Scheduling scheduling);

struct HbmConfig {
  // Organisation. The device has stacks * channels_per_stack channels; each channel is split
  // into pseudo_channels_per_channel independently scheduled pseudo-channels with their own
  // banks and data bus (a channel in legacy mode is pseudo_channels_per_channel = 1).
  std::uint32_t stacks = 0;
  std::uint32_t channels_per_stack = 0;
  std::uint32_t pseudo_channels_per_channel = 0;
  std::uint32_t channel_width = 0;  // data bits per channel (all its pseudo-channels)
  std::uint32_t bank_groups = 0;    // per pseudo-channel
  std::uint32_t banks_per_group = 0;
  std::uint64_t page_size = 0;  // bytes per row of one bank of one pseudo-channel
  std::uint64_t capacity = 0;   // bytes of the whole device; fixes the number of rows
  std::uint32_t burst_length = 0;
  double data_rate = 0.0;  // bit/s per data pin
  // Data beats per command clock cycle (HBM2/2E: 2, DDR; HBM3: 4). The command clock paces the
  // command buses, and the presets give the clock-scaled timings in cycles of it (JEDEC style).
  std::uint32_t beats_per_clock = 2;

  // Controller.
  std::string address_mapping;  // e.g. "RoBaCoBgPcChCo1", see HbmAddressMapper
  PagePolicy page_policy = PagePolicy::kOpen;
  RefreshPolicy refresh_policy = RefreshPolicy::kAllBank;
  std::uint32_t queue_depth = 32;  // request (burst) queue per pseudo-channel
  // Places per bank in the request queue (0: only queue_depth limits): a burst whose bank has
  // none waits, and its request is accepted only then (DRAMSys' bankwise request buffer).
  std::uint32_t bank_queue_depth = 0;
  // Write buffer drained in batches of this many bursts (0: writes are scheduled on arrival).
  std::uint32_t write_batch = 0;
  // When a buffered write is answered (only with write_batch > 0).
  WriteCompletion write_completion = WriteCompletion::kPosted;
  Scheduling scheduling = Scheduling::kOnArrival;
  spatialvp::Picoseconds controller_latency = 0;  // fixed front-end/PHY latency per request

  // JEDEC-style timing parameters.
  spatialvp::Picoseconds t_rcd_rd = 0;  // ACT to RD (tRCDRD)
  spatialvp::Picoseconds t_rcd_wr = 0;  // ACT to WR (tRCDWR)
  spatialvp::Picoseconds t_rp = 0;      // PRE to ACT
  spatialvp::Picoseconds t_ras = 0;     // ACT to PRE
  spatialvp::Picoseconds t_cl = 0;      // RD to first read data
  spatialvp::Picoseconds t_wl = 0;      // WR to first write data
  spatialvp::Picoseconds t_ccd_s = 0;   // column to column, different bank groups
  spatialvp::Picoseconds t_ccd_l = 0;   // column to column, same bank group
  spatialvp::Picoseconds t_rrd_s = 0;   // ACT to ACT, different bank groups
  spatialvp::Picoseconds t_rrd_l = 0;   // ACT to ACT, same bank group
  spatialvp::Picoseconds t_faw = 0;     // window holding at most four ACTs
  spatialvp::Picoseconds t_wr = 0;      // end of write data to PRE
  spatialvp::Picoseconds t_wtr_s = 0;   // end of write data to RD, different bank groups
  spatialvp::Picoseconds t_wtr_l = 0;   // end of write data to RD, same bank group
  spatialvp::Picoseconds t_rtp = 0;     // RD to PRE
  spatialvp::Picoseconds t_rtw = 0;     // bus turnaround: end of read data to write data
  spatialvp::Picoseconds t_rfc = 0;     // duration of an all-bank refresh
  spatialvp::Picoseconds t_refi = 0;    // average refresh interval

  // Energy.
  double energy_activate = 0.0;  // pJ per activate (including its precharge)
  double energy_read = 0.0;      // pJ per bit read from the array
  double energy_write = 0.0;     // pJ per bit written to the array
  double energy_refresh = 0.0;   // pJ per all-bank refresh of one pseudo-channel
  double energy_io = 0.0;        // pJ per bit crossing the interface (read or write)

  // Every problem found, each naming the parameter and the expected range; empty when valid.
  std::vector<std::string> validate() const;

  // Derived quantities; meaningful only for a valid configuration.
  std::uint32_t channelCount() const { return stacks * channels_per_stack; }
  std::uint32_t pseudoChannelCount() const { return channelCount() * pseudo_channels_per_channel; }
  std::uint32_t pseudoChannelWidth() const { return channel_width / pseudo_channels_per_channel; }
  std::uint32_t banksPerPseudoChannel() const { return bank_groups * banks_per_group; }
  std::uint64_t burstBytes() const;
  std::uint64_t columnsPerRow() const { return page_size / burstBytes(); }
  std::uint64_t rowsPerBank() const;
  spatialvp::Picoseconds burstTime() const;    // one burst on a pseudo-channel's data bus
  spatialvp::Picoseconds clockPeriod() const;  // command clock: beats_per_clock / data_rate
  // `count` cycles of the command clock in ps (the presets' cycle-valued timings).
  spatialvp::Picoseconds cycles(double count) const;
  spatialvp::Picoseconds rowCycle() const { return t_ras + t_rp; }  // tRC
  double peakBandwidth() const;                                     // bytes/s of the whole device
};

}  // namespace spatialvp::models
