// scheduling: on_issue (HbmDevice::submit / issueUpTo): decisions in time order among the
// bursts that have arrived, one offer per bank (its oldest row hit, else its oldest), the offer
// that can issue first going first; queue places and acceptance; JEDEC timing of the result.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <utility>
#include <vector>

#include "hbm_test_configs.h"
#include "hbm_timing_checker.h"
#include "models/memory/hbm_device.h"

using namespace spatialvp::models;
using namespace spatialvp::models::test;
using spatialvp::Picoseconds;

namespace {

HbmConfig onIssue(HbmConfig config) {
  config.refresh_policy = RefreshPolicy::kNone;
  config.scheduling = Scheduling::kOnIssue;
  return config;
}

// Runs every decision and returns the events by request id (completion, acceptance).
struct Outcome {
  std::vector<Picoseconds> completed;
  std::vector<Picoseconds> accepted;
};
Outcome runAll(HbmDevice& device, std::size_t requests) {
  device.issueUpTo(HbmChannelController::kNoIssue - 1);
  std::vector<HbmRequestEvent> events;
  device.takeRequestEvents(events);
  Outcome outcome{std::vector<Picoseconds>(requests + 1, 0),
                  std::vector<Picoseconds>(requests + 1, 0)};
  for (const HbmRequestEvent& event : events) {
    auto& slot =
        event.kind == HbmRequestEvent::Kind::kCompleted ? outcome.completed : outcome.accepted;
    slot.at(event.request) = event.time;
  }
  return outcome;
}

// A device configuration and the traffic of a test case.
struct TrafficCase {
  const char* name;
  HbmConfig config;
  std::uint64_t bytes;
  unsigned write_percent;
  bool sequential = false;  // addresses in order (else random)

  // Request i's address: in order, or a random burst-aligned one in 256 MiB.
  std::uint64_t address(int i, std::mt19937_64& rng) const {
    return sequential ? static_cast<std::uint64_t>(i) * bytes
                      : (rng() % (256 * kKiB * 1024)) / bytes * bytes;
  }
};

// Random and streaming read/write mixes on HBM2 and HBM3.
std::vector<TrafficCase> readWriteMixes() {
  return {
      {"hbm2, 64 B random, 50% writes", hbm2Config(), 64, 50, false},
      {"hbm2, 32 B stream, 50% writes", hbm2Config(), 32, 50, true},
      {"hbm3, 32 B random, 15% writes", hbm3Config(), 32, 15, false},
  };
}

// on_issue as DRAMSys' FR-FCFS configuration runs: all-bank refresh, 8 places per bank.
HbmConfig onIssueWithRefresh(HbmConfig config) {
  config.scheduling = Scheduling::kOnIssue;
  config.refresh_policy = RefreshPolicy::kAllBank;
  config.bank_queue_depth = 8;
  return config;
}

// Submits `requests` requests of `bytes`, one per nanosecond from 1 ns, each after the
// decisions due by its arrival; `next(i)` gives request i's address and `rng` its direction.
template <typename AddressOf>
void submitOnePerNanosecond(HbmDevice& device, int requests, std::uint64_t bytes,
                            unsigned write_percent, std::mt19937_64& rng, AddressOf next) {
  Picoseconds now = 0;
  for (int i = 0; i < requests; ++i) {
    now += ns(1);
    device.issueUpTo(now);
    const std::uint64_t address = next(i);
    device.submit({address, bytes, rng() % 100 < write_percent, now});
  }
}

// Commands of two traces of equal length that differ at the same position.
std::size_t differingCommands(const std::vector<HbmCommand>& a, const std::vector<HbmCommand>& b) {
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    differing += a[i].kind != b[i].kind || a[i].time != b[i].time ||
                         a[i].pseudo_channel != b[i].pseudo_channel ||
                         a[i].bank_group != b[i].bank_group || a[i].bank != b[i].bank ||
                         a[i].row != b[i].row
                     ? 1
                     : 0;
  }
  return differing;
}

// The commands of each pseudo-channel in the order they were committed, pseudo-channel by
// pseudo-channel.
std::vector<HbmCommand> byPseudoChannel(std::vector<HbmCommand> trace) {
  std::stable_sort(trace.begin(), trace.end(), [](const HbmCommand& a, const HbmCommand& b) {
    return a.pseudo_channel < b.pseudo_channel;
  });
  return trace;
}

// Runs `run(ahead, trace)` on time (ahead 0) and for each of `aheads`, and checks that calling
// ahead changes no completion, acceptance or command (compared per pseudo-channel: the refresh of
// a channel's idle pseudo-channels is committed when one of them next has a burst, at the same
// time but later among the other pseudo-channels' commands). Returns the outcome on time.
template <typename Run>
Outcome checkCalledAheadChangesNothing(Run run, std::initializer_list<Picoseconds> aheads) {
  std::vector<HbmCommand> on_time_trace;
  const Outcome on_time = run(0, on_time_trace);
  for (const Picoseconds ahead : aheads) {
    INFO("called " << ahead / 1000 << " ns ahead");
    std::vector<HbmCommand> trace;
    const Outcome early = run(ahead, trace);
    CHECK(early.completed == on_time.completed);
    CHECK(early.accepted == on_time.accepted);
    REQUIRE(trace.size() == on_time_trace.size());
    CHECK(differingCommands(byPseudoChannel(trace), byPseudoChannel(on_time_trace)) == 0);
  }
  return on_time;
}

// Read <-> write changes in the order column commands issue.
int directionChanges(std::vector<HbmCommand> trace) {
  std::stable_sort(trace.begin(), trace.end(),
                   [](const HbmCommand& a, const HbmCommand& b) { return a.time < b.time; });
  int changes = 0;
  int last = -1;
  for (const HbmCommand& c : trace) {
    if (c.kind != HbmCommand::Kind::kRead && c.kind != HbmCommand::Kind::kWrite)
      continue;
    const int direction = c.kind == HbmCommand::Kind::kWrite ? 1 : 0;
    changes += last >= 0 && direction != last ? 1 : 0;
    last = direction;
  }
  return changes;
}

// Runs `submit(device)` and then every decision on a device with the lazy search and on one
// that plans every offer afresh (the reference), and checks that both make the same decisions
// and that they are legal.
template <typename Submit>
void checkLazySearchMatchesReference(const HbmConfig& config, std::size_t requests, Submit submit) {
  auto run = [&](bool fast, std::vector<HbmCommand>& trace) {
    HbmDevice device(config);
    device.setFastPath(fast);
    device.setCommandTrace(&trace);
    submit(device);
    return runAll(device, requests);
  };
  std::vector<HbmCommand> lazy_trace;
  std::vector<HbmCommand> reference_trace;
  Outcome lazy;
  Outcome reference;
  REQUIRE_NOTHROW(lazy = run(true, lazy_trace));
  REQUIRE_NOTHROW(reference = run(false, reference_trace));
  CHECK(lazy.completed == reference.completed);
  CHECK(lazy.accepted == reference.accepted);
  REQUIRE(lazy_trace.size() == reference_trace.size());
  CHECK(differingCommands(lazy_trace, reference_trace) == 0);
  CHECK(checkTiming(config, lazy_trace).empty());
}

}  // namespace

TEST_CASE("HBM on_issue: an idle request takes the closed-form latency of on_arrival",
          "[hbm][on_issue]") {
  const HbmConfig config = onIssue(hbm2Config());
  HbmConfig arrival_config = config;
  arrival_config.scheduling = Scheduling::kOnArrival;
  for (const bool write : {false, true}) {
    HbmDevice device(config);
    HbmDevice reference(arrival_config);
    const std::uint64_t address = addressOf(device, 1, 2, 7);
    const std::uint64_t id = device.submit({address, 64, write, ns(100)});
    const Outcome outcome = runAll(device, id);
    CHECK(outcome.completed[id] == reference.access({address, 64, write, ns(100)}).completion);
    CHECK(outcome.accepted[id] == ns(100));  // places free: accepted on arrival
  }
}

TEST_CASE("HBM on_issue: a mix across banks is served in runs of one direction",
          "[hbm][on_issue]") {
  // 32 one-burst requests to 16 banks of pseudo-channel 0, reads and writes alternating, all
  // arriving at once: on_arrival commits them in call order and turns the bus around at almost
  // every burst; on_issue issues whichever command can start first, so after a read the other
  // reads (ready t_ccd later) go before the writes (ready t_rtw later).
  const HbmConfig config = onIssue(hbm2Config());
  HbmConfig arrival_config = config;
  arrival_config.scheduling = Scheduling::kOnArrival;
  HbmDevice device(config);
  HbmDevice reference(arrival_config);
  std::vector<HbmCommand> trace;
  std::vector<HbmCommand> reference_trace;
  device.setCommandTrace(&trace);
  reference.setCommandTrace(&reference_trace);
  Picoseconds arrival_end = 0;
  for (std::uint32_t i = 0; i < 32; ++i) {
    const std::uint64_t address = addressOf(device, i % 4, (i / 4) % 4, 3);
    const bool write = i % 2 == 1;
    device.submit({address, config.burstBytes(), write, 0});
    arrival_end = std::max(arrival_end,
                           reference.access({address, config.burstBytes(), write, 0}).completion);
  }
  const Outcome outcome = runAll(device, 32);
  const Picoseconds issue_end =
      *std::max_element(outcome.completed.begin(), outcome.completed.end());
  CHECK(directionChanges(reference_trace) >= 20);
  CHECK(directionChanges(trace) <= 3);
  CHECK(issue_end < arrival_end);
  CHECK(checkTiming(config, trace).empty());
}

TEST_CASE("HBM on_issue: one bank serves its requests in order, a row hit first",
          "[hbm][on_issue]") {
  const HbmConfig config = onIssue(hbm2Config());
  SECTION("alternating reads and writes to one row turn the bus around each time") {
    // DRAMSys' bank machine: its oldest row hit; all hit here, so arrival order.
    HbmDevice device(config);
    std::vector<HbmCommand> trace;
    device.setCommandTrace(&trace);
    for (std::uint32_t i = 0; i < 8; ++i)
      device.submit({addressOf(device, 0, 0, 5, i), config.burstBytes(), i % 2 == 1, 0});
    runAll(device, 8);
    CHECK(directionChanges(trace) == 7);
    CHECK(checkTiming(config, trace).empty());
  }
  SECTION("a later hit on the open row goes before an older miss") {
    HbmDevice device(config);
    const std::uint64_t opener = device.submit({addressOf(device, 0, 0, 5), 32, false, 0});
    runAll(device, opener);  // row 5 open
    const std::uint64_t miss = device.submit({addressOf(device, 0, 0, 9), 32, false, ns(200)});
    const std::uint64_t hit = device.submit({addressOf(device, 0, 0, 5, 1), 32, false, ns(200)});
    const Outcome outcome = runAll(device, hit);
    CHECK(outcome.completed[hit] == ns(200) + config.t_cl + config.burstTime());
    CHECK(outcome.completed[miss] > outcome.completed[hit] + config.t_rp + config.t_rcd_rd);
  }
}

TEST_CASE("HBM on_issue: a request without a bank place is accepted when one frees",
          "[hbm][on_issue]") {
  HbmConfig config = onIssue(hbm2Config());
  config.bank_queue_depth = 2;
  HbmDevice device(config);
  std::vector<HbmCommand> trace;
  device.setCommandTrace(&trace);
  for (std::uint32_t i = 0; i < 4; ++i)
    device.submit({addressOf(device, 0, 0, 5, i), config.burstBytes(), false, 0});
  std::vector<HbmRequestEvent> at_submit;
  device.takeRequestEvents(at_submit);
  REQUIRE(at_submit.size() == 2);  // the first two found places
  const Outcome outcome = runAll(device, 4);
  std::vector<Picoseconds> columns;
  for (const HbmCommand& c : trace) {
    if (c.kind == HbmCommand::Kind::kRead)
      columns.push_back(c.time);
  }
  REQUIRE(columns.size() == 4);
  // Requests 3 and 4 take the places that requests 1 and 2 leave at their column commands.
  CHECK(outcome.accepted[3] == columns[0]);
  CHECK(outcome.accepted[4] == columns[1]);
  CHECK(device.counters().channels.queue_full_stalls == 2);
}

TEST_CASE("HBM on_issue: random mixed traffic meets every JEDEC constraint, deterministically",
          "[hbm][on_issue]") {
  HbmConfig config = onIssue(hbm2Config());
  config.refresh_policy = RefreshPolicy::kAllBank;
  config.bank_queue_depth = 8;
  auto run = [&](std::vector<HbmCommand>& trace) {
    HbmDevice device(config);
    device.setCommandTrace(&trace);
    std::mt19937_64 rng(7);
    std::vector<HbmRequestEvent> events;
    Picoseconds now = 0;
    std::vector<Picoseconds> completions;
    for (int i = 0; i < 3000; ++i) {
      now += ns(1);
      device.issueUpTo(now);
      const std::uint64_t address = (rng() % (64 * kKiB * 1024)) / 32 * 32;
      device.submit({address, 64, rng() % 2 == 0, now});
    }
    device.issueUpTo(HbmChannelController::kNoIssue - 1);
    device.takeRequestEvents(events);
    for (const HbmRequestEvent& e : events) {
      if (e.kind == HbmRequestEvent::Kind::kCompleted)
        completions.push_back(e.time);
    }
    return completions;
  };
  std::vector<HbmCommand> trace;
  std::vector<HbmCommand> again;
  const std::vector<Picoseconds> first = run(trace);
  CHECK(first.size() == 3000);
  CHECK(first == run(again));
  CHECK(checkTiming(config, trace).empty());
}

TEST_CASE("HBM on_issue: other organisations and options meet every JEDEC constraint too",
          "[hbm][on_issue]") {
  // HBM3 (BL8, 4 beats per clock), HBM2E, the wafer-die stack; closed pages, a one-place bank
  // buffer, a short queue, a controller latency; requests of one burst to several pseudo-
  // channels' worth, read-heavy and write-heavy, arriving faster than the device serves them.
  using Case = TrafficCase;
  auto with = [](HbmConfig config, auto change) {
    change(config);
    return config;
  };
  const std::vector<Case> cases = {
      {"hbm3, 64 B, 50% writes", hbm3Config(), 64, 50},
      {"hbm2e, closed page, 4 KiB, 15% writes",
       with(hbm2eConfig(), [](HbmConfig& c) { c.page_policy = PagePolicy::kClosed; }), 4096, 15},
      {"hbm2, one place per bank, queue of 4, 256 B, 85% writes",
       with(hbm2Config(),
            [](HbmConfig& c) {
              c.bank_queue_depth = 1;
              c.queue_depth = 4;
            }),
       256, 85},
      {"wafer die, controller latency, 32 B, 50% writes",
       with(hbmWaferDieConfig(), [](HbmConfig& c) { c.controller_latency = ns(5); }), 32, 50},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    HbmConfig config = c.config;
    config.scheduling = Scheduling::kOnIssue;
    config.refresh_policy = RefreshPolicy::kAllBank;
    HbmDevice device(config);
    std::vector<HbmCommand> trace;
    device.setCommandTrace(&trace);
    std::mt19937_64 rng(11);
    const int requests = 1500;
    submitOnePerNanosecond(device, requests, c.bytes, c.write_percent, rng,
                           [&](int i) { return c.address(i, rng); });
    device.issueUpTo(HbmChannelController::kNoIssue - 1);
    std::vector<HbmRequestEvent> events;
    device.takeRequestEvents(events);
    const auto completed = std::count_if(events.begin(), events.end(), [](const auto& e) {
      return e.kind == HbmRequestEvent::Kind::kCompleted;
    });
    CHECK(completed == requests);
    CHECK(checkTiming(config, trace).empty());
  }
}

TEST_CASE("HBM on_issue: a write buffer is a configuration error", "[hbm][on_issue][config]") {
  HbmConfig config = onIssue(hbm2Config());
  config.write_batch = 16;
  const std::vector<std::string> errors = config.validate();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("write_batch: scheduling 'on_issue'", 0) == 0);
}

TEST_CASE("HBM on_issue: the lazy search makes the decisions of planning every offer afresh",
          "[hbm][on_issue]") {
  // The fast path re-plans only offers whose stale estimate (a lower bound, raised after each
  // decision) could still win; the reference plans every offer for every decision. Random and
  // streaming mixes over pseudo-channels that share a row command bus, with refresh.
  for (const TrafficCase& c : readWriteMixes()) {
    INFO(c.name);
    const int requests = 4000;
    checkLazySearchMatchesReference(onIssueWithRefresh(c.config), requests, [&](HbmDevice& device) {
      std::mt19937_64 rng(5);
      submitOnePerNanosecond(device, requests, c.bytes, c.write_percent, rng,
                             [&](int i) { return c.address(i, rng); });
    });
  }
}

TEST_CASE(
    "HBM on_issue: an idle pseudo-channel's refreshes take the shared row command bus in time "
    "order",
    "[hbm][on_issue]") {
  // Traffic only to pseudo-channel 0 of channel 0 (row-major mapping); its sibling, which shares
  // the channel's row command bus, has no burst and so no decision to carry its refreshes. They
  // are committed before the sibling's decisions they precede (they used to wait for a burst of
  // their own, never here, so the bus never saw them).
  HbmConfig config = onIssueWithRefresh(hbm2Config());
  config.address_mapping = "ChPcBaBgRoCo";
  HbmDevice device(config);
  std::vector<HbmCommand> trace;
  device.setCommandTrace(&trace);
  std::mt19937_64 rng(3);
  const int requests = 6000;
  submitOnePerNanosecond(device, requests, 32, 30, rng, [&](int) {
    return (rng() % (config.capacity / 32)) / 32 * 32;  // pseudo-channel 0 of channel 0
  });
  const Outcome outcome = runAll(device, requests);
  CHECK(std::count(outcome.completed.begin() + 1, outcome.completed.end(), 0) == 0);
  Picoseconds last_column = 0;
  std::vector<Picoseconds> idle_refreshes;
  for (const HbmCommand& command : trace) {
    REQUIRE(command.pseudo_channel <= 1);
    if (command.pseudo_channel == 1) {
      CHECK(command.kind == HbmCommand::Kind::kRefresh);
      idle_refreshes.push_back(command.time);
    } else if (command.kind == HbmCommand::Kind::kRead ||
               command.kind == HbmCommand::Kind::kWrite) {
      last_column = std::max(last_column, command.time);
    }
  }
  // One every t_REFI from its slot on (the bus may move one by a cycle or two), up to the last
  // decision of pseudo-channel 0.
  REQUIRE(idle_refreshes.size() >= 2);
  CHECK(idle_refreshes.front() <= config.t_refi + ns(2));
  for (std::size_t i = 1; i < idle_refreshes.size(); ++i)
    CHECK(idle_refreshes[i] - idle_refreshes[i - 1] == Approx(config.t_refi).margin(ns(2)));
  CHECK(last_column - idle_refreshes.back() < config.t_refi + ns(2));
  CHECK(checkTiming(config, trace).empty());
}

TEST_CASE("HBM on_issue: requests called ahead of their arrival change no decision",
          "[hbm][on_issue]") {
  // Temporal decoupling lets an initiator call up to a quantum before its request arrives. A
  // controller sees a request only once it has arrived, so the decisions must be those of
  // calling each request at its arrival: a request called early takes no part in a decision
  // due before it arrives (it would, say, turn its bank's offer from an older miss into itself,
  // a later row hit).
  // With no controller latency a burst is queued at its arrival, and a caller on time has made
  // the decisions due then before it calls: a burst called ahead must not join them either (it
  // did, and with closed pages kept a row open that the caller on time closed).
  std::vector<TrafficCase> cases = readWriteMixes();
  HbmConfig closed = hbm2eConfig();
  closed.page_policy = PagePolicy::kClosed;
  cases.push_back({"hbm2e closed page, 256 B stream of reads", closed, 256, 0, true});
  for (const auto& [c, controller_latency] :
       {std::pair{cases[0], ns(1)}, std::pair{cases[1], ns(1)}, std::pair{cases[2], ns(1)},
        std::pair{cases[0], Picoseconds{0}}, std::pair{cases[3], Picoseconds{0}}}) {
    HbmConfig config = onIssueWithRefresh(c.config);
    config.controller_latency = controller_latency;
    // Request i arrives at (i + 1) ns and is called `ahead` before that (the decisions due by
    // the call are committed first); 3 of 4 go to a few rows, so that row hits are common.
    auto run = [&](Picoseconds ahead, std::vector<HbmCommand>& trace) {
      HbmDevice device(config);
      device.setCommandTrace(&trace);
      std::mt19937_64 rng(9);
      const int requests = 3000;
      for (int i = 0; i < requests; ++i) {
        const Picoseconds arrival = ns(static_cast<std::uint64_t>(i) + 1);
        device.issueUpTo(arrival > ahead ? arrival - ahead : 0);
        const std::uint64_t span = rng() % 4 == 0 ? 256 * kKiB * 1024 : 64 * kKiB;
        const std::uint64_t address = c.sequential ? static_cast<std::uint64_t>(i) * c.bytes
                                                   : (rng() % span) / c.bytes * c.bytes;
        device.submit({address, c.bytes, rng() % 100 < c.write_percent, arrival});
      }
      return runAll(device, requests);
    };
    INFO(c.name << ", controller latency " << controller_latency << " ps");
    checkCalledAheadChangesNothing(run, {ns(20), ns(100), ns(100000)});
  }
}

TEST_CASE("HBM on_issue: each pseudo-channel commits its column commands in time order",
          "[hbm][on_issue]") {
  // A controller decides in time order, so no column command goes before one already decided,
  // even where the data bus has a gap then (a burst that becomes its bank's offer after the
  // decision before it must not take a gap in the past).
  for (const TrafficCase& c : readWriteMixes()) {
    INFO(c.name);
    const HbmConfig config = onIssueWithRefresh(c.config);
    HbmDevice device(config);
    std::vector<HbmCommand> trace;
    device.setCommandTrace(&trace);
    std::mt19937_64 rng(3);
    const int requests = 4000;
    submitOnePerNanosecond(device, requests, c.bytes, c.write_percent, rng,
                           [&](int i) { return c.address(i, rng); });
    runAll(device, requests);
    std::vector<Picoseconds> latest(device.pseudoChannelCount(), 0);
    std::size_t columns = 0;
    std::size_t out_of_order = 0;
    for (const HbmCommand& command : trace) {
      if (command.kind != HbmCommand::Kind::kRead && command.kind != HbmCommand::Kind::kWrite)
        continue;
      ++columns;
      Picoseconds& previous = latest[command.pseudo_channel];
      out_of_order += command.time < previous ? 1 : 0;
      previous = std::max(previous, command.time);
    }
    CHECK(columns >= static_cast<std::size_t>(requests));
    CHECK(out_of_order == 0);
    CHECK(checkTiming(config, trace).empty());
  }
}

TEST_CASE("HBM on_issue: an overloaded channel commits the decisions it planned",
          "[hbm][on_issue]") {
  // One channel (two pseudo-channels sharing the row command bus) far past its bandwidth, a
  // deep queue and frequent refreshes: the row bus and the activate calendars reach their
  // interval limits and fold, and the burst's precharge booking must not move the activate it
  // planned (the controller then throws "a burst issued at ..."). Open and closed pages.
  for (const auto& [page, write_percent] :
       {std::pair{PagePolicy::kOpen, 0u}, std::pair{PagePolicy::kOpen, 50u},
        std::pair{PagePolicy::kClosed, 0u}}) {
    INFO((page == PagePolicy::kOpen ? "open page, " : "closed page, ")
         << write_percent << "% writes");
    HbmConfig config = hbm3Config();
    config.capacity /= config.stacks * config.channels_per_stack;
    config.stacks = 1;
    config.channels_per_stack = 1;
    config.scheduling = Scheduling::kOnIssue;
    config.refresh_policy = RefreshPolicy::kAllBank;
    config.page_policy = page;
    config.queue_depth = 128;
    config.t_refi = ns(900);
    REQUIRE(config.validate().empty());
    const TrafficCase traffic{"", config, 32, write_percent};
    const int requests = 6000;
    checkLazySearchMatchesReference(config, requests, [&](HbmDevice& device) {
      std::mt19937_64 rng(48);
      Picoseconds now = 0;
      for (int i = 0; i < requests; ++i) {
        if (i % 4 == 0) {  // four requests per nanosecond
          now += ns(1);
          device.issueUpTo(now);
        }
        const std::uint64_t address = traffic.address(i, rng);
        device.submit({address, 32, rng() % 100 < write_percent, now});
      }
    });
  }
}

TEST_CASE("HBM on_issue: random configurations and traffic keep the invariants",
          "[hbm][on_issue]") {
  // A seeded sweep over presets, queue organisations, page policies, controller latencies,
  // refresh rates and traffic, each checked as the tests above check their chosen cases: the
  // lazy search decides as planning every offer afresh does (and legally), and requests called
  // ahead of their arrival change no decision. SPATIALVP_HBM_SWEEP=N runs N cases (default 6).
  std::mt19937_64 pick(2026);
  for (int k = 0, cases = sweepCases(6); k < cases; ++k) {
    HbmConfig config = randomHbmConfig(pick);
    config.scheduling = Scheduling::kOnIssue;
    const std::uint64_t bytes =
        config.burstBytes() * oneOf(pick, std::vector<std::uint64_t>{1, 2, 8, 64});
    const unsigned write_percent = oneOf(pick, std::vector<unsigned>{0, 15, 50, 85, 100});
    const bool sequential = pick() % 3 == 0;
    const std::uint64_t span = std::min<std::uint64_t>(config.capacity, 256 * kKiB * 1024);
    const int requests = 500;
    const std::uint64_t seed = pick();
    INFO("case " << k << ": " << describe(config) << ", " << bytes << " B, " << write_percent
                 << "% writes, " << (sequential ? "sequential" : "random"));
    REQUIRE(config.validate().empty());
    // Request i arrives at (i + 1) ns plus a random gap, and is called `ahead` before that.
    auto submit = [&](HbmDevice& device, Picoseconds ahead) {
      std::mt19937_64 rng(seed);
      Picoseconds arrival = 0;
      for (int i = 0; i < requests; ++i) {
        arrival += ns(static_cast<double>(1 + rng() % 3));
        device.issueUpTo(arrival > ahead ? arrival - ahead : 0);
        const std::uint64_t address = sequential ? static_cast<std::uint64_t>(i) * bytes % span
                                                 : (rng() % span) / bytes * bytes;
        device.submit({address, bytes, rng() % 100 < write_percent, arrival});
      }
    };
    checkLazySearchMatchesReference(config, requests,
                                    [&](HbmDevice& device) { submit(device, 0); });
    auto run = [&](Picoseconds ahead, std::vector<HbmCommand>& trace) {
      HbmDevice device(config);
      device.setCommandTrace(&trace);
      submit(device, ahead);
      return runAll(device, requests);
    };
    const Outcome on_time = checkCalledAheadChangesNothing(run, {ns(50), ns(10000)});
    CHECK(std::count(on_time.completed.begin() + 1, on_time.completed.end(), 0) == 0);
  }
}
