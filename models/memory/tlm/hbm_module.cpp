#include "models/memory/tlm/hbm_module.h"

#include "models/memory/tlm/memory_acceptance.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "models/memory/tlm/core_param_binding.h"
#include "platform/core/param_choice.h"
#include "platform/sim/kernel_time.h"

namespace spatialvp::models {

namespace {

// timing: fast warns when the device's resources need more than this share of the run beyond
// the busy time the one-bus model charges: the accuracy the detailed model is held to against
// DRAMSys (10%, models/memory/README.md, "Comparison with DRAMSys").
constexpr double kFastShortfallLimit = 0.10;
// timing: fast also warns when the traffic opens more than this many rows per page it moves: the
// one-bus model charges rows only as a stream does (one per page, at no cost), while every
// extra row costs a precharge and an activate on the request's way (its latency) and a row cycle
// of its bank. Streams stay at 1.0; random requests up to a few banks' pages open 2-16 (against
// the detailed model: +44% to +695% bandwidth at 2 and above, models/memory/README.md, "Fast
// timing mode"), large ones (1 MiB) 1.0.
constexpr double kFastRowsPerPageLimit = 1.5;
// Requests of up to this many row runs (see fastRowsOpened) have their rows counted one by one.
constexpr std::uint64_t kFastRowWalk = 64;
// scheduling: on_arrival warns when both directions share the pseudo-channels at least this much
// (read_write_mix) with at least this many requests in flight per pseudo-channel: it commits
// bursts in call order, so it cannot group them by direction as a controller choosing among its
// queue does. Measured (models/memory/README.md, "Mixed traffic under on_arrival"): against
// DRAMSys, every on_arrival row off by more than 10% has a mix of 0.30 or more and 4 or more in
// flight per pseudo-channel, and the 90% and 95% read rows (mix 0.20 and 0.10) are within 6.7%;
// against on_issue, an even mix with 1.2 in flight per pseudo-channel is within 1.8%, and a 50%
// interleaved stream departs from 2 on (+10.3% latency at 2.0, +205% at 13.7).
constexpr double kOnArrivalMixLimit = 0.25;
constexpr double kOnArrivalInFlightLimit = 2.0;

// HbmConfig field -> parameter, where the names differ (the energies are the registry's
// per-action parameters; everything else has the field's own name).
const std::map<std::string, std::string>& hbmRenames() {
  static const std::map<std::string, std::string> renames = {
      {"energy_activate", "energy.activate"},
      {"energy_read", "energy.read_bit"},
      {"energy_write", "energy.write_bit"},
      {"energy_refresh", "energy.refresh"},
      {"energy_io", "energy.io_bit"},
      {"row", "capacity"},
      {"rows", "capacity"},
      {"columns", "page_size"},
  };
  return renames;
}

using TimeField = std::pair<const char*, Picoseconds HbmConfig::*>;

const std::vector<TimeField>& hbmTimesInNanoseconds() {
  static const std::vector<TimeField> times = {
      {"t_rcd_rd", &HbmConfig::t_rcd_rd}, {"t_rcd_wr", &HbmConfig::t_rcd_wr},
      {"t_rp", &HbmConfig::t_rp},         {"t_ras", &HbmConfig::t_ras},
      {"t_rrd_s", &HbmConfig::t_rrd_s},   {"t_rrd_l", &HbmConfig::t_rrd_l},
      {"t_faw", &HbmConfig::t_faw},       {"t_wr", &HbmConfig::t_wr},
      {"t_wtr_s", &HbmConfig::t_wtr_s},   {"t_wtr_l", &HbmConfig::t_wtr_l},
      {"t_rtp", &HbmConfig::t_rtp},       {"t_rfc", &HbmConfig::t_rfc},
      {"t_refi", &HbmConfig::t_refi},
  };
  return times;
}

const std::vector<TimeField>& hbmTimesInCycles() {
  static const std::vector<TimeField> times = {
      {"t_cl", &HbmConfig::t_cl},       {"t_wl", &HbmConfig::t_wl},
      {"t_ccd_s", &HbmConfig::t_ccd_s}, {"t_ccd_l", &HbmConfig::t_ccd_l},
      {"t_rtw", &HbmConfig::t_rtw},
  };
  return times;
}

HbmConfig hbmConfigFrom(const ParamValues& params) {
  constexpr std::uint64_t kMaxBytes = 1ULL << 50;
  HbmConfig c;
  c.stacks = countOf(params, "stacks");
  c.channels_per_stack = countOf(params, "channels_per_stack");
  c.pseudo_channels_per_channel = countOf(params, "pseudo_channels_per_channel");
  c.channel_width = wholeBitsOf(params, "channel_width", 1U << 20);
  c.bank_groups = countOf(params, "bank_groups");
  c.banks_per_group = countOf(params, "banks_per_group");
  c.page_size = wholeBytesOf(params, "page_size", kMaxBytes);
  c.capacity = wholeBytesOf(params, "capacity", kMaxBytes);
  c.burst_length = countOf(params, "burst_length");
  c.data_rate = params.quantity("data_rate") * 8.0;  // B/s per pin -> bit/s per pin
  c.beats_per_clock = countOf(params, "beats_per_clock");
  c.address_mapping = params.string("address_mapping");
  c.page_policy = *pagePolicyFromString(params.string("page_policy"));
  c.refresh_policy = *refreshPolicyFromString(params.string("refresh_policy"));
  c.queue_depth = countOf(params, "queue_depth");
  c.bank_queue_depth = countOf(params, "bank_queue_depth");
  c.write_batch = countOf(params, "write_batch");
  c.write_completion = *writeCompletionFromString(params.string("write_completion"));
  c.scheduling = *schedulingFromString(params.string("scheduling"));
  c.controller_latency = picosecondsOf(params, "controller_latency");
  for (const auto& [name, field] : hbmTimesInNanoseconds())
    c.*field = picosecondsOf(params, name);
  // Timings that scale with the clock are given in command-clock cycles (as JEDEC does), so a
  // faster pin rate shortens them.
  if (c.beats_per_clock >= 1 && c.data_rate > 0.0) {
    for (const auto& [name, field] : hbmTimesInCycles())
      c.*field = c.cycles(params.quantity(name));
  }
  // One source of truth for energy: the registry's energy.<action> parameters (J per action)
  // set the core's per-command (pJ) and per-bit (pJ/bit) energies.
  c.energy_activate = params.quantity("energy.activate") * 1e12;
  c.energy_read = params.quantity("energy.read_bit") * 1e12;
  c.energy_write = params.quantity("energy.write_bit") * 1e12;
  c.energy_refresh = params.quantity("energy.refresh") * 1e12;
  c.energy_io = params.quantity("energy.io_bit") * 1e12;
  failOnCoreProblems(params, c.validate(), hbmRenames(), "address_mapping");
  return c;
}

double seconds(Picoseconds ps) {
  return static_cast<double>(ps) * 1e-12;
}

}  // namespace

HbmModule::HbmModule(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      device_(hbmConfigFrom(params())),
      front_(2.0, 64 * 1024, params().boolean("store_data")) {
  fast_ = paramChoice<bool>(params(), "timing", {{"fast", true}, {"detailed", false}});
  const HbmConfig& config = device_.config();
  const double refresh_share =
      config.refresh_policy == RefreshPolicy::kAllBank && config.t_refi > 0
          ? static_cast<double>(config.t_rfc) / static_cast<double>(config.t_refi)
          : 0.0;
  fast_bandwidth_ = device_.peakBandwidth() * (1.0 - refresh_share);
  if (fast_) {
    fast_pc_bytes_.assign(device_.pseudoChannelCount(), 0);
  }
  skew_limit_ =
      static_cast<Picoseconds>(config.queue_depth) * std::max(config.burstTime(), config.t_ccd_s);
  target_.register_b_transport(this, &HbmModule::b_transport);
  target_.register_nb_transport_fw(this, &HbmModule::nb_transport_fw);
  deferred_writes_ =
      !fast_ && config.write_batch > 0 && config.write_completion == WriteCompletion::kDeferred;
  on_issue_ = !fast_ && config.scheduling == Scheduling::kOnIssue;
  SC_HAS_PROCESS(HbmModule);
  if (deferred_writes_) {
    SC_METHOD(drainDueWrites);
    sensitive << drain_event_;
    dont_initialize();
  }
  if (on_issue_) {
    SC_METHOD(issueDue);
    sensitive << issue_event_;
    dont_initialize();
  }
  target_.register_transport_dbg(this, &HbmModule::transport_dbg);
}

TargetSocket* HbmModule::targetSocket(const std::string& port, std::size_t index) {
  return port == "target" && index == 0 ? &target_ : nullptr;
}

unsigned int HbmModule::transport_dbg(tlm::tlm_generic_payload& payload) {
  return front_.transportDbg(payload, device_.config().capacity);
}

Picoseconds HbmModule::fastAccess(std::uint64_t bytes, bool is_read, Picoseconds arrival) {
  const HbmConfig& config = device_.config();
  const Picoseconds transfer = transferTime(bytes, fast_bandwidth_);
  const Picoseconds start = fast_bus_.reserve(arrival, transfer);
  (is_read ? fast_reads_ : fast_writes_)++;
  (is_read ? fast_read_bytes_ : fast_write_bytes_) += bytes;
  // First data after the row-miss latency, the rest at the refresh-derated peak rate.
  return start + config.controller_latency +
         (is_read ? config.t_rcd_rd + config.t_cl : config.t_rcd_wr + config.t_wl) + transfer;
}

void HbmModule::tallyFast(std::uint64_t address, std::uint64_t span, std::uint64_t bytes) {
  const HbmAddressMapper& mapper = device_.mapper();
  const std::uint64_t end = address + span;
  // A request that starts where a recent one ended continues its stream: its rows are the
  // stream's (one activate per page moved, as the fast model assumes).
  bool continues = false;
  for (std::uint64_t& stream_end : fast_stream_ends_) {
    if (stream_end == address && address != 0) {
      stream_end = end;
      continues = true;
      break;
    }
  }
  if (!continues) {
    fast_stream_ends_[fast_stream_next_] = end;
    fast_stream_next_ = (fast_stream_next_ + 1) % fast_stream_ends_.size();
  }
  const std::uint64_t granule = mapper.pseudoChannelGranule();
  const std::uint64_t period = mapper.pseudoChannelPeriod();
  const std::size_t pcs = fast_pc_bytes_.size();
  // Spans that cover the mapping's period, or more granules than a few rounds over the
  // pseudo-channels, spread evenly (to within one period); shorter ones are walked granule by
  // granule (at most 4 x pseudo-channels decodes).
  if (granule == 0 || (period != 0 && span >= period) || span / granule > 4 * pcs) {
    fast_spread_bytes_ += bytes;
  } else {
    for (std::uint64_t at = address; at < end;) {
      const std::uint64_t next = std::min(end, (at / granule + 1) * granule);
      const std::uint32_t pc = mapper.pseudoChannelIndex(mapper.decode(at));
      // A streaming transfer passes `bytes / span` times over its span (in double: the
      // product of two 32-bit lengths may not fit).
      fast_pc_bytes_[pc] +=
          span == bytes
              ? next - at
              : static_cast<std::uint64_t>(static_cast<double>(next - at) /
                                           static_cast<double>(span) * static_cast<double>(bytes));
      at = next;
    }
  }
  const std::uint64_t page = device_.config().page_size;
  if (continues)
    fast_sequential_bytes_ += bytes;
  else  // the rows its span reaches, and at least one per page moved
    fast_rows_opened_ += std::max(fastRowsOpened(address, span), (bytes + page - 1) / page);
}

std::uint64_t HbmModule::fastRowsOpened(std::uint64_t address, std::uint64_t span) const {
  // A row run is the aligned block the mapping keeps in one row of one bank, so a span opens at
  // most one row per run: a random 3 KiB request under an interleaved mapping opens 48 rows, one
  // per 64 B, not 3 pages' worth. Spans of up to kFastRowWalk runs count the distinct rows they
  // reach; a longer one opens at least one row per bank it can reach and one per page.
  const HbmAddressMapper& mapper = device_.mapper();
  const HbmConfig& config = device_.config();
  const std::uint64_t run = mapper.rowRunBytes();
  const std::uint64_t end = address + span;
  const std::uint64_t runs = (end - 1) / run - address / run + 1;
  if (runs > kFastRowWalk) {
    const std::uint64_t banks =
        std::uint64_t{config.pseudoChannelCount()} * config.banksPerPseudoChannel();
    return std::max(std::min(runs, banks), (span + config.page_size - 1) / config.page_size);
  }
  using Row = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint64_t>;
  std::array<Row, kFastRowWalk> rows;
  std::size_t count = 0;
  for (std::uint64_t at = address; at < end; at = (at / run + 1) * run) {
    const HbmCoordinates c = mapper.decode(at);
    rows[count++] = {mapper.pseudoChannelIndex(c), c.bank_group, c.bank, c.row};
  }
  std::sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(count));
  return static_cast<std::uint64_t>(
      std::unique(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(count)) - rows.begin());
}

HbmModule::FastValidity HbmModule::fastValidity() const {
  FastValidity validity;
  const HbmConfig& config = device_.config();
  const auto pcs = static_cast<double>(fast_pc_bytes_.size());
  const double bytes = static_cast<double>(fast_read_bytes_ + fast_write_bytes_);
  const Picoseconds active = front_.activeTime();
  if (bytes <= 0 || active <= 0 || pcs <= 0)
    return validity;
  // Busiest pseudo-channel: its own bytes plus its share of the evenly spread ones.
  double tallied = static_cast<double>(fast_spread_bytes_);
  double busiest = 0.0;
  for (std::uint64_t pc_bytes : fast_pc_bytes_) {
    tallied += static_cast<double>(pc_bytes);
    busiest = std::max(busiest, static_cast<double>(pc_bytes));
  }
  busiest += static_cast<double>(fast_spread_bytes_) / pcs;
  validity.busiest_share = tallied > 0 ? busiest / tallied : 1.0 / pcs;
  validity.rows_opened =
      static_cast<double>(fast_rows_opened_) +
      static_cast<double>(fast_sequential_bytes_) / static_cast<double>(config.page_size);
  validity.rows_per_page = validity.rows_opened / (bytes / static_cast<double>(config.page_size));
  // Busy time of the fast model (one bus at the derated peak) against what the device's
  // resources need at least: the busiest pseudo-channel's data bus at its share of that rate,
  // and the activates at the row-miss bound per pseudo-channel (max of t_rrd_s and t_faw / 4 per
  // activate, t_rc per bank, two command cycles on the row command bus its channel shares), all
  // pseudo-channels in parallel. Bank conflicts come on top, so this is a lower bound.
  const double fast_busy = bytes / fast_bandwidth_;
  const double busiest_busy = validity.busiest_share * bytes / (fast_bandwidth_ / pcs);
  const double activate_interval =
      std::max({static_cast<double>(std::max(config.t_rrd_s, config.t_faw / 4)),
                static_cast<double>(config.rowCycle()) /
                    static_cast<double>(config.banksPerPseudoChannel()),
                static_cast<double>(2 * config.clockPeriod()) *
                    static_cast<double>(config.pseudo_channels_per_channel)}) *
      1e-12;
  const double activate_busy = validity.rows_opened * activate_interval / pcs;
  validity.shortfall =
      std::max(0.0, std::max(busiest_busy, activate_busy) - fast_busy) / seconds(active);
  return validity;
}

void HbmModule::reportFastStats(ModuleStats& stats) const {
  const HbmConfig& config = device_.config();
  stats.counter("reads", fast_reads_, "transactions", "Read transactions served");
  stats.counter("writes", fast_writes_, "transactions", "Write transactions served");
  stats.counter("read_bytes", fast_read_bytes_, "B", "Bytes read (as requested)");
  stats.counter("write_bytes", fast_write_bytes_, "B", "Bytes written (as requested)");
  stats.counter("address_errors", front_.addressErrors(), "transactions",
                "Accesses outside the device (or empty)");
  const Picoseconds active = front_.activeTime();
  const double bytes = static_cast<double>(fast_read_bytes_ + fast_write_bytes_);
  const double bandwidth = active > 0 ? bytes / seconds(active) : 0.0;
  stats.value("active_time", seconds(active), "s", "First arrival to last completion");
  stats.value("peak_bandwidth", device_.peakBandwidth(), "B/s", "Peak data bandwidth");
  stats.value("fast_bandwidth", fast_bandwidth_, "B/s",
              "Peak x (1 - tRFC/tREFI): the fast model's rate");
  stats.value("bandwidth_utilisation", bandwidth / device_.peakBandwidth(), "",
              "Achieved / peak bandwidth");
  stats.histogram("latency", front_.latencyNs(), "ns", "Per transaction: arrival to last data");
  stats.headline("bandwidth", bandwidth, "B/s", "Bytes moved / (last completion - first arrival)");
  const FastValidity validity = fastValidity();
  stats.value("fast_busiest_pc_share", validity.busiest_share, "",
              "Busiest pseudo-channel's share of the bytes under the address mapping");
  stats.value("fast_rows_opened", validity.rows_opened, "commands",
              "Estimated activates: requests that do not continue a stream open rows");
  stats.value("fast_rows_per_page", validity.rows_per_page, "",
              "Estimated activates per page moved; timing: fast assumes a stream's 1, above "
              "1.5 the run is outside where it is valid");
  stats.value("fast_busy_shortfall", validity.shortfall, "",
              "Busy time the one-bus model leaves out (busiest pseudo-channel or activates) / "
              "active time; above 0.1 the run is outside where timing: fast is valid");
  // Energy estimates for streaming traffic: whole bursts, one activate per page moved, and the
  // refreshes every pseudo-channel performs over the simulated time.
  const std::uint64_t burst = config.burstBytes();
  const std::uint64_t read_bits = (fast_read_bytes_ + burst - 1) / burst * burst * 8;
  const std::uint64_t write_bits = (fast_write_bytes_ + burst - 1) / burst * burst * 8;
  const auto elapsed = nowPs();
  const std::uint64_t refreshes =
      config.refresh_policy == RefreshPolicy::kAllBank && config.t_refi > 0
          ? elapsed / config.t_refi * device_.pseudoChannelCount()
          : 0;
  stats.counter("activates", (fast_read_bytes_ + fast_write_bytes_) / config.page_size, "commands",
                "Estimated: one activate per page moved (sequential streams)");
  stats.counter("refreshes", refreshes, "commands", "Estimated from the simulated time");
  stats.action("activate", (fast_read_bytes_ + fast_write_bytes_) / config.page_size);
  stats.action("read_bit", read_bits);
  stats.action("write_bit", write_bits);
  stats.action("refresh", refreshes);
  stats.action("io_bit", read_bits + write_bits);
}

void HbmModule::end_of_simulation() {
  device_.drainWriteBuffers();
  const std::uint64_t requests = front_.requests();
  if (fast_) {
    const FastValidity validity = fastValidity();
    const bool short_of_time = validity.shortfall > kFastShortfallLimit;
    const bool opens_rows = validity.rows_per_page > kFastRowsPerPageLimit;
    if (short_of_time || opens_rows) {
      char figures[240];
      std::snprintf(figures, sizeof(figures),
                    "the busiest pseudo-channel carried %.1f%% of the bytes (even: %.1f%%) and "
                    "about %.0f rows were opened, %.1f per page moved (a stream: 1)",
                    validity.busiest_share * 100.0,
                    100.0 / static_cast<double>(fast_pc_bytes_.size()), validity.rows_opened,
                    validity.rows_per_page);
      std::string message =
          instanceName() + ": timing: fast is outside where it is valid: " + figures + ", which ";
      if (short_of_time) {
        message += "needs " + std::to_string(static_cast<int>(validity.shortfall * 100.0 + 0.5)) +
                   "% of the run more busy time than the one-bus model charges";
        if (opens_rows)
          message += ", and ";
      }
      if (opens_rows) {
        message +=
            "costs precharges, activates and row cycles the one-bus model does not "
            "charge (its latency is a constant row miss)";
      }
      message +=
          " (traffic concentrated on few pseudo-channels by the address mapping, or "
          "non-sequential requests); its bandwidth and latency are optimistic: use timing: "
          "detailed";
      SC_REPORT_WARNING("spatialvp/hbm", message.c_str());
    }
  }
  if (!fast_ && !on_issue_ && requests > 0) {
    const Mixing mix = mixing();
    if (mix.read_write_mix >= kOnArrivalMixLimit &&
        mix.requests_in_flight_per_pc >= kOnArrivalInFlightLimit) {
      char figures[160];
      std::snprintf(figures, sizeof(figures),
                    "read_write_mix %.2f (0: one direction per pseudo-channel, 1: even mix) with "
                    "%.1f requests in flight per pseudo-channel",
                    mix.read_write_mix, mix.requests_in_flight_per_pc);
      const std::string message =
          instanceName() + ": scheduling: on_arrival met mixed reads and writes under load (" +
          figures +
          "): it commits bursts in call order, so it cannot group them by direction as a "
          "controller choosing among its queue does, and its latency can come out high and its "
          "bandwidth low (against DRAMSys: up to +324% latency and -68% bandwidth on such "
          "traffic, models/memory/README.md); use scheduling: on_issue";
      SC_REPORT_WARNING("spatialvp/hbm", message.c_str());
    }
  }
  // More than 1% of the requests arriving a queue-drain time or more behind the latest: the
  // initiators run that far apart (temporal decoupling), which the call-ordered bank state and
  // queues turn into lost or invented contention.
  if (requests > 0 && skewed_requests_ * 100 > requests) {
    const std::string message =
        instanceName() + ": " + std::to_string(skewed_requests_) + " of " +
        std::to_string(requests) + " requests arrived more than " +
        std::to_string(skew_limit_ / 1000) +
        " ns (a pseudo-channel queue's drain time) behind the latest arrival; the quantum (" +
        services().quantum().to_string() +
        ") or out-of-order prefetches let initiators run that far apart, which distorts contention "
        "in "
        "the HBM model: use a "
        "quantum of at most that drain time";
    SC_REPORT_WARNING("spatialvp/hbm", message.c_str());
  }
  if (late_arrivals_ > 0) {
    const std::string message =
        instanceName() + ": " + std::to_string(late_arrivals_) +
        " requests arrived in a span already decided (scheduling: on_issue decides in an "
        "nb_transport_fw call up to the request's acceptance, which the base protocol lets no "
        "other nb_transport request precede); b_transport callers beside nb_transport ones on "
        "one hbm take part only from the latest decision on: use one interface per hbm";
    SC_REPORT_WARNING("spatialvp/hbm", message.c_str());
  }
}

HbmModule::Mixing HbmModule::mixing() const {
  Mixing mix;
  std::uint64_t bursts = 0;
  std::uint64_t mixed = 0;
  double weighted_time = 0.0;  // request time of each pseudo-channel x its bursts
  for (std::size_t i = 0; i < device_.pseudoChannelCount(); ++i) {
    const HbmChannelCounters& c = device_.pseudoChannel(i).counters();
    const std::uint64_t pc_bursts = c.read_bursts + c.write_bursts;
    bursts += pc_bursts;
    mixed += 2 * std::min(c.read_bursts, c.write_bursts);
    weighted_time += static_cast<double>(pc_bursts) * static_cast<double>(device_.requestTime(i));
  }
  const Picoseconds active = front_.activeTime();
  if (bursts > 0) {
    mix.read_write_mix = static_cast<double>(mixed) / static_cast<double>(bursts);
    // on_issue keeps no request time (its requests are answered through events).
    if (!on_issue_ && active > 0)
      mix.requests_in_flight_per_pc =
          weighted_time / static_cast<double>(active) / static_cast<double>(bursts);
  }
  return mix;
}

void HbmModule::reportStats(ModuleStats& stats) const {
  stats.counter("skewed_requests", skewed_requests_, "transactions",
                "Requests arriving more than a queue-drain time behind the latest arrival");
  if (on_issue_)
    stats.counter("late_arrivals", late_arrivals_, "transactions",
                  "scheduling on_issue: requests arriving in a span already decided in an "
                  "nb_transport_fw call (b_transport callers beside nb_transport ones); they "
                  "take part from the latest decision on");
  if (fast_) {
    reportFastStats(stats);
    return;
  }
  const HbmDeviceCounters totals = device_.counters();
  const HbmChannelCounters& c = totals.channels;
  stats.counter("reads", totals.read_requests, "transactions", "Read transactions served");
  stats.counter("writes", totals.write_requests, "transactions", "Write transactions served");
  stats.counter("read_bytes", totals.bytes_read, "B", "Bytes read (as requested)");
  stats.counter("write_bytes", totals.bytes_written, "B", "Bytes written (as requested)");
  stats.counter("address_errors", front_.addressErrors(), "transactions",
                "Accesses outside the device (or empty)");
  stats.counter("read_bursts", c.read_bursts, "bursts", "Read bursts on the DRAM data buses");
  stats.counter("write_bursts", c.write_bursts, "bursts", "Write bursts on the DRAM data buses");
  stats.counter("row_hits", c.row_hits, "bursts", "Bursts to the open row");
  stats.counter("row_misses", c.row_misses, "bursts", "Bursts to a closed bank (one activate)");
  stats.counter("row_conflicts", c.row_conflicts, "bursts",
                "Bursts to a bank with another row open (precharge + activate)");
  stats.counter("activates", c.activates, "commands", "Row activations");
  stats.counter("precharges", c.precharges, "commands", "Precharges (explicit or automatic)");
  stats.counter("refreshes", c.refreshes, "commands",
                "All-bank refreshes over all pseudo-channels");
  stats.counter("queue_full_stalls", c.queue_full_stalls, "bursts",
                "Bursts that waited for a slot in a full pseudo-channel queue");
  stats.value("queue_stall_time", seconds(c.queue_stall_time), "s",
              "Time bursts waited for a queue slot, summed");
  stats.value("refresh_busy_time", seconds(c.refresh_busy), "s",
              "Refresh time, summed over pseudo-channels");
  const std::uint64_t bursts = c.row_hits + c.row_misses + c.row_conflicts;
  stats.value("row_hit_rate",
              bursts > 0 ? static_cast<double>(c.row_hits) / static_cast<double>(bursts) : 0.0, "",
              "Row hits / bursts");

  const Picoseconds active = front_.activeTime();
  const double active_seconds = seconds(active);
  const double bytes = static_cast<double>(totals.bytes_read + totals.bytes_written);
  const double bandwidth = active > 0 ? bytes / active_seconds : 0.0;
  stats.value("active_time", active_seconds, "s", "First arrival to last completion");
  stats.value("peak_bandwidth", device_.peakBandwidth(), "B/s",
              "Peak data bandwidth of all pseudo-channels");
  stats.value("bandwidth_utilisation", bandwidth / device_.peakBandwidth(), "",
              "Achieved / peak bandwidth");

  // Data-bus busy time per pseudo-channel, summarised (a device may have hundreds).
  const std::size_t count = device_.pseudoChannelCount();
  Picoseconds busy_min = std::numeric_limits<Picoseconds>::max();
  Picoseconds busy_max = 0;
  Picoseconds busy_sum = 0;
  std::size_t busiest = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const Picoseconds busy = device_.pseudoChannel(i).counters().data_bus_busy;
    busy_min = std::min(busy_min, busy);
    busy_sum += busy;
    if (busy > busy_max) {
      busy_max = busy;
      busiest = i;
    }
  }
  const double busy_mean = seconds(busy_sum) / static_cast<double>(count);
  auto utilisation = [&](double busy) { return active > 0 ? busy / active_seconds : 0.0; };
  stats.value("pseudo_channel_busy.min", seconds(busy_min), "s",
              "Data-bus busy time of the least used pseudo-channel");
  stats.value("pseudo_channel_busy.mean", busy_mean, "s",
              "Data-bus busy time, mean over pseudo-channels");
  stats.value("pseudo_channel_busy.max", seconds(busy_max), "s",
              "Data-bus busy time of the busiest pseudo-channel");
  stats.counter("pseudo_channel_busy.busiest", busiest, "index",
                "Global index of the busiest pseudo-channel");
  stats.value("pseudo_channel_utilisation.min", utilisation(seconds(busy_min)), "",
              "Least used pseudo-channel: busy / active time");
  stats.value("pseudo_channel_utilisation.mean", utilisation(busy_mean), "",
              "Mean over pseudo-channels: busy / active time");
  stats.value("pseudo_channel_utilisation.max", utilisation(seconds(busy_max)), "",
              "Busiest pseudo-channel: busy / active time");
  stats.histogram("latency", front_.latencyNs(), "ns",
                  "Per transaction: arrival to last data burst");
  const Mixing mix = mixing();
  stats.value("read_write_mix", mix.read_write_mix, "",
              "Bursts on pseudo-channels serving both directions: sum over them of "
              "2 x min(read, write bursts) / all bursts (0: one direction each, 1: even mix)");
  if (!on_issue_)
    stats.value("requests_in_flight_per_pc", mix.requests_in_flight_per_pc, "transactions",
                "Requests in flight in a pseudo-channel (Little's law: time its requests spent "
                "there / active time), mean over pseudo-channels weighted by their bursts");
  stats.headline("bandwidth", bandwidth, "B/s", "Bytes moved / (last completion - first arrival)");

  // Energy = count x energy.<action>; equals HbmDevice::energy() (bits are whole bursts).
  const std::uint64_t burst_bits = device_.config().burstBytes() * 8;
  stats.action("activate", c.activates);
  stats.action("read_bit", c.read_bursts * burst_bits);
  stats.action("write_bit", c.write_bursts * burst_bits);
  stats.action("refresh", c.refreshes);
  stats.action("io_bit", (c.read_bursts + c.write_bursts) * burst_bits);
}

void registerHbmModule(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "hbm";
  info.description =
      "HBM device (stacks -> channels -> pseudo-channels -> bank groups -> banks): JEDEC timing, "
      "FR-FCFS per pseudo-channel, refresh; defaults are the hbm2 preset (SOFA/STAR, 512 GB/s)";
  auto& p = info.params;
  p.integer("stacks", "HBM stacks behind this target").byDefault("2").atLeast(1);
  p.integer("channels_per_stack", "Channels per stack").byDefault("8").atLeast(1);
  p.integer("pseudo_channels_per_channel",
            "Independently scheduled pseudo-channels per channel (1 = legacy mode)")
      .byDefault("2")
      .atLeast(1);
  p.quantity("channel_width", dims::data(), "Data pins of one channel (split over its PCs)")
      .byDefault("128 bit")
      .above(0);
  p.integer("bank_groups", "Bank groups per pseudo-channel").byDefault("4").atLeast(1);
  p.integer("banks_per_group", "Banks per bank group").byDefault("4").atLeast(1);
  p.quantity("page_size", dims::data(), "Row size of one bank of one pseudo-channel")
      .byDefault("1 KiB")
      .above(0);
  p.quantity("capacity", dims::data(), "Capacity of the whole device (fixes rows per bank)")
      .byDefault("8 GiB")
      .above(0);
  p.integer("burst_length", "Beats per burst (burst = PC width / 8 x burst_length bytes)")
      .byDefault("4")
      .atLeast(1);
  p.quantity("data_rate", dims::bandwidth(), "Data rate per pin, e.g. 2 Gb/s")
      .byDefault("2 Gb/s")
      .above(0);
  p.integer("beats_per_clock",
            "Data beats per command-clock cycle (HBM2: 2; HBM3: 4); clock = data_rate / this")
      .byDefault("2")
      .atLeast(1)
      .atMost(16);
  p.string("address_mapping",
           "Address fields above the in-burst offset, most significant first: Ro Ba Bg Ch Pc Co, "
           "optionally with widths (Co1 = one bit)")
      .byDefault("RoBaCoBgPcChCo1");
  p.enumeration("page_policy", {"open", "closed"},
                "open: rows stay open until a conflict or refresh; closed: auto-precharge")
      .byDefault("open");
  p.enumeration("refresh_policy", {"all_bank", "none"},
                "all_bank: one refresh per pseudo-channel every t_refi lasting t_rfc")
      .byDefault("all_bank");
  p.integer("queue_depth", "Request queue per pseudo-channel, in bursts")
      .byDefault("32")
      .atLeast(1);
  p.integer("bank_queue_depth",
            "Places per bank in the request queue, in bursts; a request waits for one and is "
            "accepted then (initiators that honour acceptance issue no earlier); 0 = no limit")
      .byDefault("0")
      .atLeast(0);
  p.integer("write_batch",
            "Write buffer drained in batches of this many bursts per pseudo-channel (fewer "
            "turnarounds); 0 = writes are scheduled on arrival")
      .byDefault("0")
      .atLeast(0);
  p.enumeration("write_completion", {"posted", "deferred"},
                "With write_batch: posted = a write is answered when buffered; deferred = when "
                "its data is written (responses out of call order: non-blocking initiators get "
                "BEGIN_RESP later, b_transport waits)")
      .byDefault("posted");
  p.enumeration("scheduling", {"on_arrival", "on_issue"},
                "on_arrival = a request's bursts are scheduled when it arrives and the call "
                "returns its completion (loosely-timed, fastest); on_issue = bursts wait in "
                "per-bank queues and the next command is chosen when it can issue, among all "
                "arrived ones (approximately-timed: END_REQ and BEGIN_RESP come later on the "
                "backward path, b_transport waits)")
      .byDefault("on_arrival");
  p.quantity("controller_latency", dims::time(), "Fixed front-end latency added to every request")
      .byDefault("0 ns")
      .atLeast(0);
  const std::pair<const char*, const char*> times[] = {
      {"t_rcd_rd", "14 ns"}, {"t_rcd_wr", "7 ns"}, {"t_rp", "14 ns"},  {"t_ras", "33 ns"},
      {"t_rrd_s", "4 ns"},   {"t_rrd_l", "6 ns"},  {"t_faw", "16 ns"}, {"t_wr", "15 ns"},
      {"t_wtr_s", "3 ns"},   {"t_wtr_l", "8 ns"},  {"t_rtp", "4 ns"},  {"t_rfc", "260 ns"},
      {"t_refi", "3.9 us"},
  };
  const std::pair<const char*, const char*> clocked[] = {
      {"t_cl", "14 cycle"},   {"t_wl", "4 cycle"},  {"t_ccd_s", "2 cycle"},
      {"t_ccd_l", "4 cycle"}, {"t_rtw", "2 cycle"},
  };
  const std::map<std::string, std::string> meaning = {
      {"t_rcd_rd", "ACT to RD"},
      {"t_rcd_wr", "ACT to WR"},
      {"t_rp", "PRE to ACT"},
      {"t_ras", "ACT to PRE"},
      {"t_cl", "RD to first read data"},
      {"t_wl", "WR to first write data"},
      {"t_ccd_s", "column to column, different bank groups"},
      {"t_ccd_l", "column to column, same bank group"},
      {"t_rrd_s", "ACT to ACT, different bank groups"},
      {"t_rrd_l", "ACT to ACT, same bank group"},
      {"t_faw", "window holding at most four ACTs"},
      {"t_wr", "end of write data to PRE"},
      {"t_wtr_s", "end of write data to RD, different bank groups"},
      {"t_wtr_l", "end of write data to RD, same bank group"},
      {"t_rtp", "RD to PRE"},
      {"t_rtw", "end of read data to write data (bus turnaround)"},
      {"t_rfc", "duration of an all-bank refresh"},
      {"t_refi", "average refresh interval"},
  };
  // The ranges HbmConfig::validate() holds the core to, so that `spatialvp models hbm` lists
  // them: a row command or a read needs time (above 0), every timing at most 1 s.
  const std::set<std::string> nonzero = {"t_rcd_rd", "t_rcd_wr", "t_rp", "t_ras", "t_cl"};
  for (const auto& [name, value] : times) {
    auto& spec = p.quantity(name, dims::time(), meaning.at(name)).byDefault(value).atMost(1.0);
    if (nonzero.count(name) != 0)
      spec.above(0);
    else
      spec.atLeast(0);
  }
  for (const auto& [name, value] : clocked) {
    auto& spec = p.quantity(name, dims::cycles(), meaning.at(name) + " (command-clock cycles)")
                     .byDefault(value)
                     .atMost(1e6);
    if (nonzero.count(name) != 0)
      spec.above(0);
    else
      spec.atLeast(0);
  }
  p.enumeration(
       "timing", {"detailed", "fast"},
       "detailed: banks, FR-FCFS, refresh per burst; fast: one bus at peak x (1 - tRFC/tREFI) "
       "with the row-miss latency (long sequential streams, large sweeps)")
      .byDefault("detailed");
  p.boolean("store_data", "Keep the data (sparse pages; functional runs); timing-only when false")
      .byDefault("false");
  info.ports.push_back(
      {"target", PortDirection::kTarget, "Memory accesses (device addresses)", true});
  // Defaults: the hbm2 preset's (sources "HBM energy per bit").
  info.energy_actions.push_back({"activate", "one row activation (with its precharge)", "250 pJ"});
  info.energy_actions.push_back(
      {"read_bit", "one bit read from the array (whole bursts)", "3.1 pJ"});
  info.energy_actions.push_back(
      {"write_bit", "one bit written to the array (whole bursts)", "3.2 pJ"});
  info.energy_actions.push_back({"refresh", "one all-bank refresh of one pseudo-channel", "12 nJ"});
  info.energy_actions.push_back(
      {"io_bit", "one bit across the interface (read or write)", "0.8 pJ"});
  registry.add<HbmModule>(std::move(info));
}

}  // namespace spatialvp::models
