#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "hbm_test_configs.h"
#include "hbm_timing_checker.h"
#include "models/memory/hbm_device.h"

using namespace spatialvp::models;
using namespace spatialvp::models::test;
using spatialvp::Picoseconds;

namespace {

HbmConfig withoutRefresh(HbmConfig config) {
  config.refresh_policy = RefreshPolicy::kNone;
  return config;
}

Picoseconds latency(HbmDevice& device, std::uint64_t address, std::uint64_t bytes, bool write,
                    Picoseconds arrival) {
  return device.access({address, bytes, write, arrival}).completion - arrival;
}

}  // namespace

TEST_CASE("Zero-load read latency is t_rcd_rd + t_cl + burst (+ controller latency)",
          "[hbm][timing]") {
  for (const HbmConfig& preset : {hbm2Config(), hbm2eConfig(), hbm3Config()}) {
    for (const Picoseconds controller : {Picoseconds{0}, ns(5)}) {
      HbmConfig config = withoutRefresh(preset);
      config.controller_latency = controller;
      HbmDevice device(config);
      const Picoseconds expected = controller + config.t_rcd_rd + config.t_cl + config.burstTime();
      CHECK(latency(device, 0, config.burstBytes(), false, ns(1000)) == expected);
      // 64 B is two bursts to one bank group: the second waits t_ccd_l after the first.
      HbmDevice fresh(config);
      CHECK(latency(fresh, 0, 64, false, ns(1000)) == expected + config.t_ccd_l);
    }
  }
}

TEST_CASE("Row hit, row conflict and write latencies follow their closed forms", "[hbm][timing]") {
  const HbmConfig config = withoutRefresh(hbm2Config());
  const Picoseconds burst = config.burstTime();
  HbmDevice device(config);
  const std::uint64_t row0 = addressOf(device, 1, 2, 10);
  const std::uint64_t row1 = addressOf(device, 1, 2, 11);
  CHECK(latency(device, row0, 32, false, ns(1000)) == config.t_rcd_rd + config.t_cl + burst);
  // Same row, later column, after the bank settled: a row hit.
  CHECK(latency(device, addressOf(device, 1, 2, 10, 2), 32, false, ns(2000)) ==
        config.t_cl + burst);
  // Other row of the same bank: precharge, activate, read.
  CHECK(latency(device, row1, 32, false, ns(3000)) ==
        config.t_rp + config.t_rcd_rd + config.t_cl + burst);
  // A write to a closed bank of another group.
  CHECK(latency(device, addressOf(device, 2, 0, 5), 32, true, ns(4000)) ==
        config.t_rcd_wr + config.t_wl + burst);
  const HbmDeviceCounters counters = device.counters();
  CHECK(counters.channels.row_hits == 1);
  CHECK(counters.channels.row_misses == 2);
  CHECK(counters.channels.row_conflicts == 1);
  CHECK(counters.channels.activates == 3);
  CHECK(counters.channels.precharges == 1);
}

TEST_CASE("Closed-page policy precharges after use: a revisit is a miss, not a hit",
          "[hbm][timing]") {
  HbmConfig config = withoutRefresh(hbm2Config());
  config.page_policy = PagePolicy::kClosed;
  HbmDevice device(config);
  const std::uint64_t address = addressOf(device, 0, 3, 7);
  const Picoseconds miss = config.t_rcd_rd + config.t_cl + config.burstTime();
  CHECK(latency(device, address, 32, false, ns(1000)) == miss);
  CHECK(latency(device, address + 64, 32, false, ns(2000)) == miss);
  // Another row needs no precharge first: still the miss latency, never the conflict one.
  CHECK(latency(device, addressOf(device, 0, 3, 8), 32, false, ns(3000)) == miss);
  // Both bursts of a 64 B request share one activation.
  CHECK(latency(device, addressOf(device, 0, 3, 9), 64, false, ns(4000)) == miss + config.t_ccd_l);
  const HbmChannelCounters counters = device.counters().channels;
  CHECK(counters.activates == 4);
  CHECK(counters.precharges == 4);
  CHECK(counters.row_conflicts == 0);
  CHECK(counters.row_hits == 1);
}

TEST_CASE("A request that meets a refresh waits for it to finish", "[hbm][timing]") {
  const HbmConfig config = hbm2Config();
  HbmDevice device(config);
  std::vector<HbmCommand> trace;
  device.setCommandTrace(&trace);
  // Pseudo-channel 0 refreshes first at t_refi / 32 (refreshes are staggered over channels).
  const Picoseconds due = config.t_refi / config.pseudoChannelCount();
  const Picoseconds arrival = due + ns(10);
  const Picoseconds done = device.access({0, 32, false, arrival}).completion;
  CHECK(done == due + config.t_rfc + config.t_rcd_rd + config.t_cl + config.burstTime());
  REQUIRE(!trace.empty());
  CHECK(trace.front().kind == HbmCommand::Kind::kRefresh);
  CHECK(trace.front().time == due);
  // Long idle stretches are refreshed in closed form; the count still follows t_refi.
  device.setCommandTrace(nullptr);
  device.access({0, 32, false, 100 * config.t_refi + ns(1)});
  CHECK(device.pseudoChannel(0).counters().refreshes == 100);
}

TEST_CASE("A stream across pseudo-channels with one request in flight meets few refreshes",
          "[hbm][timing]") {
  // 64 B reads in address order visit the pseudo-channels one after the other (the mapping's
  // channel and pseudo-channel bits sit right above 64 B). Refreshes staggered in index order
  // started t_REFI / 32 = 122 ns apart in that order, less than t_RFC (260 ns), so a stream that
  // waits for each read met one refresh after the other: 123 ns per read against 21 ns without
  // refresh. In a scattered order the stream meets them as rarely as their share of time
  // (t_RFC / t_REFI) makes it, and finds a bank closed by one about every third visit: 37 ns.
  auto meanLatency = [](const HbmConfig& config) {
    HbmDevice device(config);
    Picoseconds arrival = 0;
    Picoseconds total = 0;
    const int reads = 4000;
    for (int i = 0; i < reads; ++i) {
      const Picoseconds waited =
          latency(device, static_cast<std::uint64_t>(i) * 64, 64, false, arrival);
      total += waited;
      arrival += waited;
    }
    return static_cast<double>(total) / reads;
  };
  const double with_refresh = meanLatency(hbm2Config());
  const double without = meanLatency(withoutRefresh(hbm2Config()));
  CHECK(with_refresh < 2.0 * without);
}

TEST_CASE("Commands obey the JEDEC constraints for mixed, decoupled traffic", "[hbm][timing]") {
  for (const PagePolicy policy : {PagePolicy::kOpen, PagePolicy::kClosed}) {
    HbmConfig config = hbm2Config();
    config.page_policy = policy;
    config.queue_depth = 8;
    config.t_refi = ns(1000);  // refresh often so that it meets traffic
    HbmDevice device(config);
    std::vector<HbmCommand> trace;
    device.setCommandTrace(&trace);
    std::mt19937_64 random(11);
    Picoseconds time = 0;
    // Few rows so that hits, misses and conflicts all occur; arrivals jitter backwards like
    // requests of decoupled initiators.
    for (int i = 0; i < 6000; ++i) {
      time += random() % 8000;
      const Picoseconds skew = random() % 4 == 0 ? random() % 300000 : 0;
      const Picoseconds arrival = time > skew ? time - skew : 0;
      const std::uint64_t row = random() % 3;
      const std::uint64_t offset = (random() % (256 * 1024)) / 32 * 32;
      const std::uint64_t bytes = 32ULL << (random() % 8);  // 32 B .. 4 KiB
      device.access({row * 512 * 1024 * 1024 + offset, bytes, random() % 3 == 0, arrival});
    }
    const std::vector<std::string> violations = checkTiming(config, trace);
    INFO("page policy " << toString(policy));
    for (const std::string& v : violations)
      INFO(v);
    CHECK(violations.empty());
    const HbmChannelCounters c = device.counters().channels;
    CHECK(c.row_hits > 0);
    CHECK(c.row_misses > 0);
    CHECK(c.refreshes > 0);
    if (policy == PagePolicy::kOpen)
      CHECK(c.row_conflicts > 0);
  }
}

TEST_CASE("A decoupled request that arrives late in call order uses an idle gap", "[hbm][timing]") {
  const HbmConfig config = withoutRefresh(hbm2Config());
  HbmDevice device(config);
  const Picoseconds zero_load = config.t_rcd_rd + config.t_cl + config.burstTime();
  // Initiator A is ahead in simulated time; B calls later but at an earlier time.
  const Picoseconds a_done =
      device.access({addressOf(device, 0, 0, 1), 32, false, ns(5000)}).completion;
  CHECK(a_done == ns(5000) + zero_load);
  // B on another bank of the same pseudo-channel is not held behind A's future access.
  CHECK(device.access({addressOf(device, 1, 0, 1), 32, false, ns(100)}).completion ==
        ns(100) + zero_load);
  // B on A's bank, other row, cannot rewrite that bank's past: it waits for A's activation.
  const Picoseconds same_bank =
      device.access({addressOf(device, 0, 0, 2), 32, false, ns(100)}).completion;
  CHECK(same_bank >= ns(5000) + config.t_ras + config.t_rp + config.t_rcd_rd + config.t_cl);
}

TEST_CASE("HBM results are deterministic", "[hbm][timing]") {
  auto run = [] {
    HbmDevice device(hbm2Config());
    std::mt19937_64 random(3);
    std::vector<Picoseconds> completions;
    for (int i = 0; i < 3000; ++i) {
      const std::uint64_t address = random() % device.config().capacity / 64 * 64;
      completions.push_back(
          device.access({address, 64, random() % 2 == 0, (random() % 1000) * 1000}).completion);
    }
    const HbmChannelCounters c = device.counters().channels;
    completions.push_back(c.activates);
    completions.push_back(c.row_hits);
    completions.push_back(c.refreshes);
    return completions;
  };
  CHECK(run() == run());
}

TEST_CASE("HBM energy is counts times per-action energies", "[hbm][energy]") {
  const HbmConfig config = hbm2Config();
  HbmDevice device(config);
  std::mt19937_64 random(5);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t address = random() % config.capacity / 64 * 64;
    device.access({address, 64, i % 3 == 0, static_cast<Picoseconds>(i) * ns(20)});
  }
  const HbmChannelCounters c = device.counters().channels;
  const HbmEnergy e = device.energy();
  const double bits = 32.0 * 8.0;
  REQUIRE(c.activates > 0);
  REQUIRE(c.refreshes > 0);
  CHECK(c.read_bursts + c.write_bursts == 4000);
  CHECK(e.activate == Approx(static_cast<double>(c.activates) * config.energy_activate));
  CHECK(e.read == Approx(static_cast<double>(c.read_bursts) * bits * config.energy_read));
  CHECK(e.write == Approx(static_cast<double>(c.write_bursts) * bits * config.energy_write));
  CHECK(e.refresh == Approx(static_cast<double>(c.refreshes) * config.energy_refresh));
  CHECK(e.io == Approx(4000.0 * bits * config.energy_io));
  CHECK(e.total() == Approx(e.activate + e.read + e.write + e.refresh + e.io));
  const HbmDeviceCounters d = device.counters();
  CHECK(d.read_requests + d.write_requests == 2000);
  CHECK(d.bytes_read + d.bytes_written == 2000 * 64);
}

TEST_CASE("The timing checker itself catches violated constraints", "[hbm][timing]") {
  const HbmConfig config = hbm2Config();
  HbmDevice device(config);
  std::vector<HbmCommand> trace;
  device.setCommandTrace(&trace);
  std::mt19937_64 random(2);
  for (int i = 0; i < 500; ++i) {
    device.access({random() % config.capacity / 64 * 64, 64, i % 4 == 0, 0});
  }
  REQUIRE(checkTiming(config, trace).empty());
  // Judged against stricter timings than the device used, the same trace must fail.
  for (auto field : {&HbmConfig::t_rcd_rd, &HbmConfig::t_rrd_s, &HbmConfig::t_faw,
                     &HbmConfig::t_ccd_l, &HbmConfig::t_ras}) {
    HbmConfig stricter = config;
    stricter.*field += ns(3);
    CHECK_FALSE(checkTiming(stricter, trace).empty());
  }
}

namespace {

// Everything a run observes: every completion and per-request statistic, every pseudo-channel's
// counters, the device counters and (when traced) the command trace.
struct Observed {
  std::vector<Picoseconds> values;
  std::vector<HbmCommand> trace;
};

void observeCounters(const HbmChannelCounters& c, std::vector<Picoseconds>& out) {
  for (const std::uint64_t v :
       {c.read_bursts, c.write_bursts, c.activates, c.precharges, c.refreshes, c.row_hits,
        c.row_misses, c.row_conflicts, c.queue_full_stalls, c.data_bus_busy, c.refresh_busy,
        c.queue_stall_time})
    out.push_back(v);
}

enum class Mix { kSequentialDma, kRandom, kMixed, kBurstMix };

// Requests of 64 B .. 4 MiB, reads and writes, arrivals out of order (decoupled initiators).
Observed runMix(const HbmConfig& config, Mix mix, bool fast, bool traced, int requests,
                std::uint64_t seed) {
  HbmDevice device(config);
  device.setFastPath(fast);
  Observed observed;
  if (traced)
    device.setCommandTrace(&observed.trace);
  std::mt19937_64 random(seed);
  Picoseconds time = ns(100);
  std::uint64_t cursor = 0;
  for (int i = 0; i < requests; ++i) {
    std::uint64_t bytes = 0;
    std::uint64_t address = 0;
    bool write = false;
    Picoseconds arrival = time;
    switch (mix) {
      case Mix::kSequentialDma:  // the STAR fetcher: 1 MiB reads, all issued at once
        bytes = 1024 * kKiB;
        address = cursor;
        cursor += bytes;
        write = i % 7 == 6;
        arrival = i < requests / 2 ? ns(1000) : ns(1000) + (random() % 2000) * ns(1);
        break;
      case Mix::kRandom:
        bytes = 64ULL << (random() % 17);  // 64 B .. 4 MiB
        if (random() % 2 == 0)
          bytes = 64ULL << (random() % 6);  // many small ones too
        address = (random() % (config.capacity - bytes)) / 32 * 32;
        write = random() % 3 == 0;
        time += random() % ns(2000);
        arrival = random() % 4 == 0 && time > ns(50000) ? time - random() % ns(50000) : time;
        break;
      case Mix::kMixed:  // sequential streams interleaved with random small accesses
        if (random() % 3 == 0) {
          bytes = 64ULL << (random() % 4);
          address = (random() % (config.capacity - bytes)) / 64 * 64;
        } else {
          bytes = 4 * kKiB << (random() % 9);  // 4 KiB .. 1 MiB
          address = cursor % (config.capacity - bytes);
          cursor += bytes;
        }
        write = random() % 4 == 0;
        time += random() % ns(3000);
        arrival = random() % 5 == 0 && time > ns(20000) ? time - random() % ns(20000) : time;
        break;
      case Mix::kBurstMix:  // one-burst reads and writes at random, issued faster than served:
        bytes = 32;         // a long backlog of turnaround gaps on every pseudo-channel
        address = cursor;
        cursor += bytes;
        write = random() % 2 == 0;
        time += ns(1) / 5;
        arrival = time;
        break;
    }
    const HbmAccessResult result = device.access({address, bytes, write, arrival});
    for (const std::uint64_t v :
         {result.completion, std::uint64_t{result.stats.bursts},
          std::uint64_t{result.stats.row_hits}, std::uint64_t{result.stats.row_misses},
          std::uint64_t{result.stats.row_conflicts}, std::uint64_t{result.stats.queue_full_stalls},
          result.stats.accepted})
      observed.values.push_back(v);
  }
  for (std::size_t pc = 0; pc < device.pseudoChannelCount(); ++pc)
    observeCounters(device.pseudoChannel(pc).counters(), observed.values);
  const HbmDeviceCounters d = device.counters();
  for (const std::uint64_t v : {d.read_requests, d.write_requests, d.bytes_read, d.bytes_written})
    observed.values.push_back(v);
  return observed;
}

bool sameTrace(const std::vector<HbmCommand>& a, const std::vector<HbmCommand>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].kind != b[i].kind || a[i].time != b[i].time ||
        a[i].pseudo_channel != b[i].pseudo_channel || a[i].bank_group != b[i].bank_group ||
        a[i].bank != b[i].bank || a[i].row != b[i].row || a[i].data_start != b[i].data_start ||
        a[i].data_end != b[i].data_end)
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("The fast path gives bit-identical completions, counters and traces", "[hbm][fast]") {
  HbmConfig closed = hbm2Config();
  closed.page_policy = PagePolicy::kClosed;
  HbmConfig shallow = hbm2Config();
  shallow.queue_depth = 4;
  shallow.t_refi = ns(1000);  // refresh meets almost every run
  HbmConfig no_refresh = hbm3Config();
  no_refresh.refresh_policy = RefreshPolicy::kNone;
  HbmConfig controller = hbm2eConfig();
  controller.controller_latency = ns(5);
  HbmConfig buffered = hbm2Config();  // per-bank places and a batched write buffer
  buffered.bank_queue_depth = 2;
  buffered.write_batch = 8;
  struct Case {
    const char* name;
    HbmConfig config;
    Mix mix;
    int requests;
  };
  const Case cases[] = {
      {"hbm2 sequential 1 MiB DMAs", hbm2Config(), Mix::kSequentialDma, 24},
      {"hbm2 random 64 B .. 4 MiB", hbm2Config(), Mix::kRandom, 60},
      {"hbm2 mixed", hbm2Config(), Mix::kMixed, 400},
      {"hbm2 closed page mixed", closed, Mix::kMixed, 300},
      {"hbm2 closed page random", closed, Mix::kRandom, 40},
      {"hbm2 queue 4, frequent refresh, random", shallow, Mix::kRandom, 40},
      {"hbm2 queue 4, frequent refresh, DMAs", shallow, Mix::kSequentialDma, 8},
      {"hbm3 without refresh mixed", no_refresh, Mix::kMixed, 300},
      {"hbm2e controller latency random", controller, Mix::kRandom, 40},
      {"hbm2 bank places 2, write batches of 8, mixed", buffered, Mix::kMixed, 300},
      {"hbm2 bank places 2, write batches of 8, random", buffered, Mix::kRandom, 40},
      {"hbm2 bank places 2, write batches of 8, DMAs", buffered, Mix::kSequentialDma, 8},
      {"hbm2 one-burst reads and writes, 50%, backlogged", hbm2Config(), Mix::kBurstMix, 4000},
  };
  std::uint64_t seed = 100;
  for (const Case& c : cases) {
    INFO(c.name);
    const Observed reference = runMix(c.config, c.mix, false, false, c.requests, seed);
    const Observed fast = runMix(c.config, c.mix, true, false, c.requests, seed);
    CHECK(fast.values == reference.values);
    ++seed;
  }
  // With tracing on, the fast path stays on and records the same (legal) command trace.
  for (const Case& c : {cases[2], cases[6], cases[9]}) {
    INFO(c.name << " traced");
    const Observed reference = runMix(c.config, c.mix, false, true, c.requests / 2, 7);
    const Observed fast = runMix(c.config, c.mix, true, true, c.requests / 2, 7);
    CHECK(fast.values == reference.values);
    CHECK(sameTrace(fast.trace, reference.trace));
    CHECK(checkTiming(c.config, fast.trace).empty());
  }
}

TEST_CASE("The fast path stays bit-identical and legal on random configurations", "[hbm][fast]") {
  // A seeded sweep over presets, queue organisations, write buffers, page policies, controller
  // latencies, refresh rates and mixes, each checked as the cases above (completions, counters
  // and the traced commands equal, the commands legal). SPATIALVP_HBM_SWEEP=N runs N cases
  // (default 6).
  std::mt19937_64 pick(2027);
  for (int k = 0, cases = sweepCases(6); k < cases; ++k) {
    HbmConfig config = randomHbmConfig(pick);
    config.write_batch = oneOf(pick, std::vector<std::uint32_t>{0, 0, 4, 16});
    const Mix mix = oneOf(
        pick, std::vector<Mix>{Mix::kSequentialDma, Mix::kRandom, Mix::kMixed, Mix::kBurstMix});
    const int requests = mix == Mix::kSequentialDma ? 8 : mix == Mix::kBurstMix ? 1500 : 60;
    const std::uint64_t seed = pick();
    INFO("case " << k << ": " << describe(config) << ", mix " << static_cast<int>(mix));
    REQUIRE(config.validate().empty());
    const Observed reference = runMix(config, mix, false, true, requests, seed);
    const Observed fast = runMix(config, mix, true, true, requests, seed);
    CHECK(fast.values == reference.values);
    CHECK(sameTrace(fast.trace, reference.trace));
    CHECK(checkTiming(config, fast.trace).empty());
  }
}

// Regression (issue 17): the fast path's row-group array was sized queue_depth, but the group
// emptied by a pick lingers until the next pick while the admission that refills the queue may
// open a new one; with the column lowest in the mapping one 64 KiB read wrote past the array.
TEST_CASE("Large reads with column-low mappings and any queue depth stay within bounds",
          "[hbm][fast]") {
  for (const char* mapping : {"RoBaBgPcChCo", "RoBaBgCoPcCh", "RoCoBaBgPcCh", "BaBgRoPcChCo"}) {
    for (const std::uint32_t depth : {1U, 2U, 3U, 8U, 32U}) {
      INFO(mapping << " queue " << depth);
      HbmConfig config = hbm2Config();
      config.address_mapping = mapping;
      config.queue_depth = depth;
      std::vector<HbmCommand> trace;
      HbmDevice fast(config);
      fast.setCommandTrace(&trace);
      HbmDevice reference(config);
      reference.setFastPath(false);
      for (const std::uint64_t bytes : {std::uint64_t{64} * 1024, std::uint64_t{300} * 1024}) {
        const MemoryRequest request{4096, bytes, false, ns(100)};
        const HbmAccessResult a = fast.access(request);
        const HbmAccessResult b = reference.access(request);
        CHECK(a.stats.bursts == bytes / config.burstBytes());
        CHECK(a.completion == b.completion);
      }
      CHECK(checkTiming(config, trace).empty());
    }
  }
}

TEST_CASE("Per-bank places delay acceptance, not the bank's schedule", "[hbm][timing][buffer]") {
  // 16 one-burst reads of one open row, all arriving at once: with 4 places per bank the fifth
  // is accepted when the first leaves the queue (its column command), and so on; the row is
  // served back to back either way, so completions are the same.
  HbmConfig unlimited = withoutRefresh(hbm2Config());
  HbmConfig limited = unlimited;
  limited.bank_queue_depth = 4;
  HbmDevice free_device(unlimited);
  HbmDevice bank_device(limited);
  std::vector<HbmCommand> trace;
  bank_device.setCommandTrace(&trace);
  Picoseconds previous_accept = 0;
  for (std::uint64_t i = 0; i < 16; ++i) {
    const std::uint64_t address = addressOf(free_device, 1, 2, 3, i);
    const HbmAccessResult a = free_device.access({address, 32, false, ns(10)});
    const HbmAccessResult b = bank_device.access({address, 32, false, ns(10)});
    INFO("request " << i);
    CHECK(a.completion == b.completion);
    CHECK(a.stats.accepted == ns(10));
    if (i < 4) {
      CHECK(b.stats.accepted == ns(10));
    } else {
      CHECK(b.stats.queue_full_stalls == 1);
      CHECK(b.stats.accepted > previous_accept);
      CHECK(b.stats.accepted == trace[i - 4 + 1].time);  // trace[0] is the activate
    }
    previous_accept = b.stats.accepted;
  }
  // A call with more bursts in one bank than it has places still completes (admission pauses
  // until a burst leaves), at the same time as without the limit.
  HbmConfig row_major = withoutRefresh(hbm2Config());
  row_major.address_mapping = "PcChBgBaRoCo";
  HbmConfig row_major_limited = row_major;
  row_major_limited.bank_queue_depth = 2;
  HbmDevice row_free(row_major);
  HbmDevice row_limited(row_major_limited);
  CHECK(row_limited.access({0, 1024, false, 0}).completion ==
        row_free.access({0, 1024, false, 0}).completion);
}

namespace {

// Reads and writes alternating, one 32 B burst every 2 ns to pseudo-channel 0 (its peak rate),
// rotating over its 16 banks (all row hits after the first pass); returns the command trace.
std::vector<HbmCommand> alternatingTraffic(std::uint32_t write_batch, Picoseconds& finish) {
  HbmConfig config = withoutRefresh(hbm2Config());
  config.write_batch = write_batch;
  HbmDevice device(config);
  std::vector<HbmCommand> trace;
  device.setCommandTrace(&trace);
  finish = 0;
  for (std::uint64_t i = 0; i < 4000; ++i) {
    const auto bank_group = static_cast<std::uint32_t>(i % 4);
    const auto bank = static_cast<std::uint32_t>((i / 4) % 4);
    const std::uint64_t address = addressOf(device, bank_group, bank, 0, (i / 16) % 32);
    device.access({address, 32, i % 2 == 1, ns(2) * i});
  }
  device.drainWriteBuffers();
  for (const HbmCommand& command : trace)
    finish = std::max(finish, command.data_end);
  return trace;
}

// Direction changes of the data bus, in time order.
int turnarounds(std::vector<HbmCommand> trace) {
  trace.erase(std::remove_if(trace.begin(), trace.end(),
                             [](const HbmCommand& c) {
                               return c.kind != HbmCommand::Kind::kRead &&
                                      c.kind != HbmCommand::Kind::kWrite;
                             }),
              trace.end());
  std::sort(trace.begin(), trace.end(),
            [](const HbmCommand& a, const HbmCommand& b) { return a.data_start < b.data_start; });
  int changes = 0;
  for (std::size_t i = 1; i < trace.size(); ++i)
    changes += trace[i].kind != trace[i - 1].kind ? 1 : 0;
  return changes;
}

}  // namespace

TEST_CASE("A write buffer drained in batches saves turnarounds under mixed traffic",
          "[hbm][timing][buffer]") {
  Picoseconds unbatched_finish = 0;
  Picoseconds batched_finish = 0;
  const std::vector<HbmCommand> unbatched = alternatingTraffic(0, unbatched_finish);
  const std::vector<HbmCommand> batched = alternatingTraffic(16, batched_finish);
  const int unbatched_turns = turnarounds(unbatched);
  const int batched_turns = turnarounds(batched);
  INFO("turnarounds " << unbatched_turns << " -> " << batched_turns << ", finish "
                      << unbatched_finish << " -> " << batched_finish << " ps");
  CHECK(batched_turns * 4 < unbatched_turns);
  CHECK(static_cast<double>(batched_finish) < 0.8 * static_cast<double>(unbatched_finish));
  HbmConfig config = withoutRefresh(hbm2Config());
  config.write_batch = 16;
  CHECK(checkTiming(config, batched).empty());
}

TEST_CASE("A posted write completes when buffered; with no read pending it drains at once",
          "[hbm][timing][buffer]") {
  HbmConfig config = withoutRefresh(hbm2Config());
  config.write_batch = 16;
  config.controller_latency = ns(1);
  HbmDevice device(config);
  for (std::uint32_t i = 1; i <= 5; ++i) {
    CHECK(latency(device, addressOf(device, i % 4, i / 4, 7), 32, true, ns(1000) * i) == ns(1));
    CHECK(device.pseudoChannel(0).counters().write_bursts == i);
    CHECK(device.pseudoChannel(0).bufferedWrites() == 0);
  }
  // Behind a pending read, writes wait in the buffer until the batch is full or the device
  // drains it for its report.
  device.access({addressOf(device, 0, 1, 9), 32, false, ns(10000)});
  for (std::uint32_t i = 0; i < 3; ++i)
    device.access({addressOf(device, 1, 1, 9, i), 32, true, ns(10001) + i});
  CHECK(device.pseudoChannel(0).bufferedWrites() == 3);
  device.drainWriteBuffers();
  CHECK(device.pseudoChannel(0).bufferedWrites() == 0);
  CHECK(device.counters().channels.write_bursts == 8);
}

namespace {
HbmConfig deferredConfig(WriteCompletion completion) {
  HbmConfig config = withoutRefresh(hbm2Config());
  config.write_batch = 4;
  config.write_completion = completion;
  return config;
}
}  // namespace

TEST_CASE("A deferred write is answered when its batch is written, after later reads",
          "[hbm][timing][buffer]") {
  std::vector<HbmCommand> deferred_trace;
  std::vector<HbmCommand> posted_trace;
  HbmDevice deferred(deferredConfig(WriteCompletion::kDeferred));
  HbmDevice posted(deferredConfig(WriteCompletion::kPosted));
  deferred.setCommandTrace(&deferred_trace);
  posted.setCommandTrace(&posted_trace);
  for (HbmDevice* device : {&deferred, &posted}) {
    const HbmAccessResult read = device->access({addressOf(*device, 0, 0, 9), 32, false, 0});
    const HbmAccessResult write = device->access({addressOf(*device, 1, 1, 9), 32, true, ns(1)});
    const HbmAccessResult later_read =
        device->access({addressOf(*device, 2, 2, 9), 32, false, ns(2)});
    CHECK(!read.deferred);
    CHECK(!later_read.deferred);
    CHECK(write.deferred == (device == &deferred));
    // Due once no read is pending: at the end of the later read's data.
    const Picoseconds due = std::max(read.completion, later_read.completion);
    CHECK(device->nextWriteDrainDue() == due);
    std::vector<HbmCompletedWrite> completed;
    device->drainWriteBuffersDueBy(due - 1);
    device->takeCompletedWrites(completed);
    CHECK(completed.empty());
    CHECK(device->pseudoChannel(0).bufferedWrites() == 1);
    device->drainWriteBuffersDueBy(due);
    device->takeCompletedWrites(completed);
    CHECK(device->nextWriteDrainDue() == HbmChannelController::kNoDrainDue);
    if (device == &deferred) {
      REQUIRE(completed.size() == 1);
      CHECK(completed[0].write_id == write.write_id);
      // Answered out of call order: after the read that came later.
      CHECK(completed[0].completion > later_read.completion);
      CHECK(completed[0].completion >= due + hbm2Config().t_wl + hbm2Config().burstTime());
    } else {
      CHECK(completed.empty());  // posted: answered when buffered
    }
  }
  // The completion semantics do not change what the DRAM does.
  REQUIRE(deferred_trace.size() == posted_trace.size());
  for (std::size_t i = 0; i < deferred_trace.size(); ++i) {
    CHECK(deferred_trace[i].time == posted_trace[i].time);
    CHECK(deferred_trace[i].kind == posted_trace[i].kind);
  }
}

TEST_CASE("The deferred write that fills the batch is answered in its call, the others after",
          "[hbm][timing][buffer]") {
  HbmDevice device(deferredConfig(WriteCompletion::kDeferred));
  device.access({addressOf(device, 0, 0, 9), 32, false, 0});  // a read pending from here on
  std::vector<std::uint64_t> ids;
  for (std::uint32_t i = 0; i < 3; ++i) {
    const HbmAccessResult write =
        device.access({addressOf(device, 1, 1, 9, i), 32, true, ns(1) + i});
    REQUIRE(write.deferred);
    ids.push_back(write.write_id);
  }
  const HbmAccessResult filling = device.access({addressOf(device, 1, 1, 9, 3), 32, true, ns(2)});
  CHECK(!filling.deferred);
  std::vector<HbmCompletedWrite> completed;
  device.takeCompletedWrites(completed);
  REQUIRE(completed.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(completed[i].write_id == ids[i]);
    CHECK(completed[i].completion <= filling.completion);  // the batch in call order, one row
  }
  CHECK(device.counters().channels.write_bursts == 4);
}

TEST_CASE("Deferred write completion without a write buffer is a configuration error",
          "[hbm][config]") {
  HbmConfig config = hbm2Config();
  config.write_completion = WriteCompletion::kDeferred;
  const std::vector<std::string> errors = config.validate();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("write_completion:", 0) == 0);
}

TEST_CASE("A buffered write holds a place of its bank until its batch drains",
          "[hbm][timing][buffer]") {
  HbmConfig config = withoutRefresh(hbm2Config());
  config.write_batch = 16;
  config.bank_queue_depth = 2;
  HbmDevice device(config);
  device.access({addressOf(device, 0, 0, 9), 32, false, 0});  // a read pending from here on
  device.access({addressOf(device, 1, 1, 9, 0), 32, true, ns(1)});
  device.access({addressOf(device, 1, 1, 9, 1), 32, true, ns(2)});
  device.access({addressOf(device, 2, 1, 9, 0), 32, true, ns(3)});  // another bank
  CHECK(device.pseudoChannel(0).bufferedWrites() == 3);
  // Bank (1, 1) has both places held by buffered writes: a third write there drains the
  // buffer first (and is buffered itself), and so does a read of that bank.
  device.access({addressOf(device, 1, 1, 9, 2), 32, true, ns(4)});
  CHECK(device.pseudoChannel(0).bufferedWrites() == 1);
  CHECK(device.pseudoChannel(0).counters().write_bursts == 3);
  device.access({addressOf(device, 1, 1, 9, 3), 32, true, ns(5)});
  CHECK(device.pseudoChannel(0).bufferedWrites() == 2);
  device.access({addressOf(device, 1, 1, 9, 4), 32, false, ns(6)});
  CHECK(device.pseudoChannel(0).bufferedWrites() == 0);
  CHECK(device.pseudoChannel(0).counters().write_bursts == 5);
}
