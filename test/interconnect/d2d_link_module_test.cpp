// The `d2d_link` module type: both directions against the core's closed form, per-direction
// counters and energy, protocol compliance and located configuration errors.
#include <catch2/catch.hpp>

#include "interconnect/d2d/d2d_link.h"
#include "test/interconnect/tlm_probe.h"
#include "test/platform/config_test_support.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

// Probe a drives side a (-> memory b); probe b drives side b (-> memory a) once a is done.
std::string linkPlatform(const std::string& link_params) {
  return R"(modules:
  probe_a:
    type: tlm_probe
    params: {commands: [write, read, write], addresses: [0x40, 0x40, 0x400],
             sizes: [64 B, 64 B, 1000 B]}
  probe_b:
    type: tlm_probe
    params: {commands: [write, read, write], addresses: [0x80, 0x80, 0x800],
             sizes: [64 B, 64 B, 1000 B], start: 100 us}
  link:
    type: d2d_link
    params: {)" +
         link_params + R"(}
  mem_a:
    type: memory
    params: {size: 1 MiB, bandwidth: 64 GB/s, write_latency: 10 ns, read_latency: 20 ns,
             store_data: true}
  mem_b:
    type: memory
    params: {size: 1 MiB, bandwidth: 64 GB/s, write_latency: 10 ns, read_latency: 20 ns,
             store_data: true}
connections:
  - {from: probe_a.out, to: link.a_in, check: true}
  - {from: link.b_out, to: mem_b.target, check: true}
  - {from: probe_b.out, to: link.b_in, check: true}
  - {from: link.a_out, to: mem_a.target, check: true}
)";
}

}  // namespace

TEST_CASE("D2D TLM: each direction takes the core's closed form plus the memory", "[d2d_tlm]") {
  Simulation simulation(test::parsePlatform(linkPlatform(
                            "bandwidth: 100 GB/s, latency: 2 ns, header: 16 B, packet_size: 256 B, "
                            "energy: {bit: 0.5 pJ}")),
                        "test.yaml", test::TlmProbe::registerType);
  simulation.elaborate(false, std::nullopt);
  const RunReport report = simulation.run();
  REQUIRE(report.end == RunEnd::kCompleted);

  interconnect::D2dLinkConfig config;
  config.link.bandwidth_bytes_per_second = 100e9;
  config.link.latency_ps = 2000;
  config.link.packet_header_bytes = 16;
  config.max_packet_payload_bytes = 256;
  const interconnect::D2dLink core(config);
  auto memory = [](std::uint64_t bytes, std::uint64_t latency) {
    return bytes * 1000 / 64 + latency;  // 64 B/ns port
  };
  const std::uint64_t write64 =
      core.zeroLoadLatency(64) + memory(64, 10000) + core.zeroLoadLatency(0);
  const std::uint64_t read64 =
      core.zeroLoadLatency(0) + memory(64, 20000) + core.zeroLoadLatency(64);
  const std::uint64_t write1000 =
      core.zeroLoadLatency(1000) + memory(1000, 10000) + core.zeroLoadLatency(0);
  CHECK(write64 == 2800 + 11000 + 2160);     // 80 wire B and 16 wire B at 100 B/ns, + 2 ns each
  CHECK(write1000 == 12640 + 25625 + 2160);  // 1000 B = 3 x 272 + 248 wire B
  for (const char* probe : {"probe_a", "probe_b"}) {
    CHECK(test::statOf(report, probe, "errors") == 0);
    CHECK(test::statOf(report, probe, "data_mismatches") == 0);
    CHECK(test::statOf(report, probe, "latency_ps.0") == static_cast<double>(write64));
    CHECK(test::statOf(report, probe, "latency_ps.1") == static_cast<double>(read64));
    CHECK(test::statOf(report, probe, "latency_ps.2") == static_cast<double>(write1000));
  }

  // a -> b carries a's requests (64 + 0 + 1000 B) and b's responses (0 + 64 + 0 B).
  CHECK(test::statOf(report, "link", "a_to_b.bytes") == 1128);
  CHECK(test::statOf(report, "link", "b_to_a.bytes") == 1128);
  CHECK(test::statOf(report, "link", "a_to_b.packets") == 1 + 1 + 4 + 1 + 1 + 1);
  CHECK(test::statOf(report, "link", "a_to_b.transfers") == 6);
  const double wire = 80 + 16 + 1064 + 16 + 80 + 16;
  CHECK(test::statOf(report, "link", "a_to_b.wire_bytes") == wire);
  CHECK(test::statOf(report, "link", "a_to_b.busy_time") == Approx(wire / 100e9));
  CHECK(test::statOf(report, "link", "a_in.writes") == 2);
  CHECK(test::statOf(report, "link", "b_in.reads") == 1);
  for (const auto& module : report.modules) {
    if (module.name == "link") {
      REQUIRE(module.energy_items.size() == 1);
      CHECK(module.energy_items[0].count == static_cast<std::uint64_t>(2 * 8 * wire));
      CHECK(module.dynamic_energy == Approx(2 * 8 * wire * 0.5e-12));
    }
    if (module.type == "protocol_checker")
      CHECK(test::statOf(report, module.name, "violations") == 0);
  }
}

TEST_CASE("D2D TLM: flit overhead as large as the flit is a located error", "[d2d_tlm][config]") {
  const std::string yaml = linkPlatform("flit: 32 B, flit_overhead: 32 B");
  const std::string error = test::configErrorOf(yaml, test::TlmProbe::registerType);
  const std::size_t at = yaml.find("flit_overhead: 32 B") + 15;
  const std::size_t line_start = yaml.rfind('\n', at) + 1;
  const auto line = 1 + std::count(yaml.begin(), yaml.begin() + static_cast<long>(at), '\n');
  CHECK_THAT(error, Contains("test.yaml:" + std::to_string(line) + ":" +
                             std::to_string(at - line_start + 1) +
                             ": 'modules.link.params.flit_overhead'"));
  CHECK_THAT(error, Contains("expected < flit_bytes (32), got 32"));
}

TEST_CASE("D2D TLM: a fractional header size is a located error", "[d2d_tlm][config]") {
  const std::string error =
      test::configErrorOf(linkPlatform("header: 1.5 B"), test::TlmProbe::registerType);
  CHECK_THAT(error, Contains("'modules.link.params.header': must be a whole number of bytes"));
}
