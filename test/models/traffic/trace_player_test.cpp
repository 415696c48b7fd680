// Transaction traces: the format's parser with located errors, the trace_player replaying a
// trace with data into a memory, and traffic_generator carrying data (data: pattern).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "support/run_report_lookup.h"

#include "models/traffic/transaction_trace.h"
#include "platform/core/config_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/sim/simulation.h"
#include "support/scratch_dir.h"

using namespace spatialvp;
using Catch::Matchers::Contains;
using spatialvp::test::counter;
using spatialvp::test::moduleNamed;
namespace fs = std::filesystem;

namespace {

std::string errorOf(const std::string& text) {
  try {
    models::parseTransactionTrace(text, "t.trace");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

RunReport runYaml(const fs::path& file, const std::string& yaml) {
  std::ofstream(file) << yaml;
  ConfigLoader loader({SPATIALVP_SOURCE_DIR "/platform/configs"},
                      [](const std::string& name) { return embeddedConfig(name); });
  Simulation simulation(loader.loadFile(file.string()), file.string());
  simulation.elaborate(false, std::nullopt);
  return simulation.run();
}

}  // namespace

TEST_CASE("Transaction traces parse times, commands, addresses, sizes and data", "[trace]") {
  const auto trace = models::parseTransactionTrace(
      "# header\n\n0 ns, R, 0x1000, 64 B\n12.5 ns , W, 4096, 4 B, de ad BE ef  # comment\n"
      "12.5 ns, read, 0x10, 2 B, 0102\n",
      "t.trace");
  REQUIRE(trace.size() == 3);
  CHECK(trace[0].time_ps == 0);
  CHECK_FALSE(trace[0].write);
  CHECK(trace[0].address == 0x1000);
  CHECK(trace[0].size == 64);
  CHECK_FALSE(trace[0].data);
  CHECK(trace[1].time_ps == 12500);
  CHECK(trace[1].write);
  CHECK(trace[1].line == 4);
  CHECK(*trace[1].data == std::vector<unsigned char>{0xde, 0xad, 0xbe, 0xef});
  CHECK(*trace[2].data == std::vector<unsigned char>{0x01, 0x02});
}

TEST_CASE("Transaction trace errors name file:line:column, the field and what was expected",
          "[trace]") {
  CHECK_THAT(errorOf("0 ns, R, 0, 4 B\n5, R, 0, 4 B\n"),
             Contains("t.trace:2:1") && Contains("'time'") && Contains("12.5 ns"));
  CHECK_THAT(errorOf("10 ns, R, 0, 4 B\n5 ns, R, 0, 4 B\n"),
             Contains("t.trace:2:1") && Contains("backwards") && Contains("non-decreasing"));
  CHECK_THAT(errorOf("0 ns, X, 0, 4 B\n"),
             Contains("t.trace:1:7") && Contains("'command'") && Contains("expected R or W"));
  // 1e25 s is 1e37 ps, past 64 bits (a UBSan finding of fuzz_transaction_trace).
  CHECK_THAT(errorOf("0 ns, R, 0, 4 B\n1e25 s, R, 0, 4 B\n"),
             Contains("t.trace:2:1") && Contains("'time'") && Contains("expected a time in 0 .."));
  CHECK_THAT(errorOf("0 ns, R, 0xZZ, 4 B\n"), Contains("t.trace:1:10") && Contains("'address'"));
  CHECK_THAT(errorOf("0 ns, R, -4, 4 B\n"), Contains("'address'") && Contains("non-negative"));
  CHECK_THAT(errorOf("0 ns, R, 0, 4\n"), Contains("t.trace:1:13") && Contains("'size'"));
  CHECK_THAT(errorOf("0 ns, R, 0, 0 B\n"), Contains("1 B .. 64 MiB"));
  CHECK_THAT(errorOf("0 ns, W, 0, 4 B, 0011\n"),
             Contains("t.trace:1:18") && Contains("'data'") && Contains("exactly 4 bytes"));
  CHECK_THAT(errorOf("0 ns, W, 0, 1 B, 0g\n"), Contains("'g' is not a hex digit"));
  CHECK_THAT(errorOf("0 ns, W, 0\n"), Contains("expected 4 or 5 comma-separated fields"));
}

TEST_CASE("trace_player replays a trace into a memory and checks the data read back", "[trace]") {
  const fs::path dir = test::scratchDir("trace-player");
  // Writes then reads at recorded times; one read expects other data than was written, and
  // the last two lines are recorded closer together than the memory's latency.
  std::ofstream(dir / "replay.trace") << "# time, cmd, address, size, data\n"
                                         "0 ns,   W, 0x0,  4 B, 01020304\n"
                                         "10 ns,  W, 0x40, 2 B, aabb\n"
                                         "20 ns,  R, 0x0,  4 B, 01020304\n"
                                         "30 ns,  R, 0x40, 2 B, aabc\n"
                                         "40 ns,  R, 0x80, 64 B\n"
                                         "41 ns,  R, 0x0,  4 B, 01020304\n";
  const RunReport report = runYaml(dir / "replay.yaml", R"(platform: {protocol_checks: true}
modules:
  player: {type: trace_player, params: {file: replay.trace}}
  mem: {type: memory, params: {size: 4 KiB, read_latency: 5 ns, write_latency: 5 ns,
                               bandwidth: 64 GB/s, store_data: true}}
connections:
  - {from: player.out, to: mem.target}
)");
  REQUIRE(report.end == RunEnd::kCompleted);
  const auto& player = moduleNamed(report, "player");
  CHECK(counter(player, "writes") == 2);
  CHECK(counter(player, "reads") == 4);
  CHECK(counter(player, "bytes") == 4 + 2 + 4 + 2 + 64 + 4);
  CHECK(counter(player, "checked_reads") == 3);
  CHECK(counter(player, "data_mismatches") == 1);  // aabc vs the aabb written
  CHECK(counter(player, "late_issues") == 1);      // 41 ns: the 64 B read is still in flight
  // The late read waits for the 64 B read (issued at 40 ns, 5 ns + 1 ns at 64 GB/s), then
  // takes at least the read latency itself.
  CHECK(report.simulated_seconds >= 51e-9);
}

TEST_CASE("trace_player reports a bad trace at the trace's line", "[trace]") {
  const fs::path dir = test::scratchDir("trace-player-bad");
  std::ofstream(dir / "bad.trace") << "0 ns, R, 0, 4 B\n1 ns, Q, 0, 4 B\n";
  CHECK_THROWS_WITH(runYaml(dir / "bad.yaml", R"(modules:
  player: {type: trace_player, params: {file: bad.trace}}
  mem: {type: memory, params: {size: 4 KiB}}
connections:
  - {from: player.out, to: mem.target}
)"),
                    Contains("bad.trace:2:7") && Contains("expected R or W"));
}

TEST_CASE("traffic_generator with data: pattern writes data and checks it on reads", "[trace]") {
  const fs::path dir = test::scratchDir("generator-data");
  // Random mix over 16 slots: most reads hit a slot written before and are checked.
  const RunReport report = runYaml(dir / "gen.yaml", R"(platform: {protocol_checks: true}
modules:
  gen: {type: traffic_generator, params: {transactions: 400, size: 32 B, pattern: random,
        read_fraction: 0.5, address_range: 512 B, data: pattern}}
  mem: {type: memory, params: {size: 4 KiB, store_data: true}}
connections:
  - {from: gen.out, to: mem.target}
)");
  const auto& gen = moduleNamed(report, "gen");
  CHECK(counter(gen, "checked_reads") > 100);
  CHECK(counter(gen, "data_mismatches") == 0);
}

TEST_CASE("traffic_generator limits reads and writes in flight apart with outstanding_writes",
          "[traffic]") {
  // Four generators of 2000 transactions of 32 B, each into its own memory that answers after
  // 100 ns (its port far from busy). Shared limit: 4 in flight, one per 25 ns. Separate limits
  // (4 reads, 4 writes): the next transaction waits only while one direction is full, so a
  // 50/50 mix has 4 to 8 in flight. Reads only: the write limit never binds.
  const fs::path dir = test::scratchDir("generator-outstanding-writes");
  std::string yaml = "modules:\n";
  const char* const generators[][3] = {{"shared", "0.5", "0"},
                                       {"separate", "0.5", "4"},
                                       {"reads", "1.0", "4"},
                                       {"reads_shared", "1.0", "0"}};
  std::string connections = "connections:\n";
  for (const auto& g : generators) {
    yaml += std::string("  ") + g[0] +
            ": {type: traffic_generator, params: {transactions: 2000, size: 32 B, pattern: "
            "random, read_fraction: " +
            g[1] + ", outstanding: 4, outstanding_writes: " + g[2] +
            ", address_range: 64 KiB}}\n  mem_" + g[0] +
            ": {type: memory, params: {size: 64 KiB, read_latency: 100 ns, write_latency: 100 ns, "
            "bandwidth: 10 TB/s}}\n";
    connections += std::string("  - {from: ") + g[0] + ".out, to: mem_" + g[0] + ".target}\n";
  }
  const RunReport report = runYaml(dir / "gen.yaml", yaml + connections);
  const auto finish = [&](const char* name) {
    return counter(moduleNamed(report, name), "finish_time");
  };
  CHECK(finish("shared") == Approx(2000 * 25e-9).epsilon(0.01));
  CHECK(finish("separate") < 0.8 * finish("shared"));
  CHECK(finish("separate") > 0.5 * finish("shared"));
  CHECK(finish("reads") == finish("reads_shared"));
}

TEST_CASE("traffic_generator counts nb_transport_fw calls accepted only with their response",
          "[traffic]") {
  // A memory serves nb_transport through its socket's b_transport adapter: END_REQ comes only
  // with BEGIN_RESP, so the base protocol lets one request be in flight and outstanding: 4 is
  // not reached (counted, and warned about); through b_transport, 4 are in flight.
  const fs::path dir = test::scratchDir("generator-accepted-with-response");
  std::string yaml = "modules:\n";
  std::string connections = "connections:\n";
  for (const char* transport : {"blocking", "non_blocking"}) {
    const std::string name = transport;
    yaml += "  " + name +
            ": {type: traffic_generator, params: {transactions: 400, size: 32 B, pattern: "
            "random, outstanding: 4, transport: " +
            name + ", address_range: 64 KiB}}\n  mem_" + name +
            ": {type: memory, params: {size: 64 KiB, read_latency: 100 ns, bandwidth: 10 "
            "TB/s}}\n";
    connections += "  - {from: " + name + ".out, to: mem_" + name + ".target}\n";
  }
  const RunReport report = runYaml(dir / "gen.yaml", yaml + connections);
  const auto& non_blocking = moduleNamed(report, "non_blocking");
  CHECK(counter(non_blocking, "accepted_with_response") == 400);
  CHECK(counter(non_blocking, "end_req_waits") == 400);
  CHECK(counter(non_blocking, "finish_time") == Approx(400 * 100e-9).epsilon(0.02));
  CHECK(counter(moduleNamed(report, "blocking"), "finish_time") ==
        Approx(400 * 25e-9).epsilon(0.02));
}
