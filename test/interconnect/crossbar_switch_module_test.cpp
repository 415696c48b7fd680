// The `crossbar_switch` module type with two levels (DGX-class nodes): traffic inside a node
// takes the NVLink ports, traffic between nodes the per-device scale-out NICs, each against its
// closed form.
#include <catch2/catch.hpp>

#include "test/interconnect/tlm_probe.h"
#include "test/platform/config_test_support.h"

using namespace spatialvp;

TEST_CASE("Crossbar switch: nodes talk over NVLink inside and over scale-out NICs between",
          "[crossbar_tlm]") {
  // Four devices in nodes of two; the probe on device 0 writes to device 1 (same node) and to
  // device 2 (other node), then reads device 2 back.
  std::string yaml = R"(modules:
  probe:
    type: tlm_probe
    params: {commands: [write, write, read], addresses: [0x100040, 0x200040, 0x200040],
             sizes: [1000 B, 1000 B, 1000 B]}
  net:
    type: crossbar_switch
    params: {ports: 4, bandwidth: 100 GB/s, latency: 1 us, node_size: 2,
             scale_out_bandwidth: 10 GB/s, scale_out_latency: 3 us, window_stride: 1 MiB}
)";
  for (int device = 1; device < 4; ++device) {  // every input needs an initiator: idle probes
    yaml += "  idle" + std::to_string(device) +
            ":\n    type: tlm_probe\n    params: {commands: [], addresses: [], sizes: []}\n";
  }
  for (int device = 0; device < 4; ++device) {
    yaml += "  mem" + std::to_string(device) +
            ":\n    type: memory\n    params: {size: 1 MiB, bandwidth: 64 GB/s, write_latency: "
            "10 ns, read_latency: 20 ns, store_data: true}\n";
  }
  yaml += "connections:\n  - {from: probe.out, to: \"net.in[0]\", check: true}\n";
  for (int device = 0; device < 4; ++device) {
    if (device > 0) {
      yaml += "  - {from: idle" + std::to_string(device) + ".out, to: \"net.in[" +
              std::to_string(device) + "]\", check: true}\n";
    }
    yaml += "  - {from: \"net.out[" + std::to_string(device) + "]\", to: mem" +
            std::to_string(device) + ".target, check: true}\n";
  }
  Simulation simulation(test::parsePlatform(yaml), "test.yaml", test::TlmProbe::registerType);
  simulation.elaborate(false, std::nullopt);
  const RunReport report = simulation.run();
  REQUIRE(report.end == RunEnd::kCompleted);

  const std::uint64_t memory_write = 1000 * 1000 / 64 + 10000;  // ps: 64 B/ns port + latency
  const std::uint64_t memory_read = 1000 * 1000 / 64 + 20000;
  // Write: uplink start + hop latency + serialisation on the downlink, the memory, the ack hop.
  const std::uint64_t nvlink_write = 1000000 + 10000 + memory_write + 1000000;
  const std::uint64_t scale_out_write = 3000000 + 100000 + memory_write + 3000000;
  const std::uint64_t scale_out_read = 3000000 + memory_read + 3000000 + 100000;
  CHECK(test::statOf(report, "probe", "errors") == 0);
  CHECK(test::statOf(report, "probe", "data_mismatches") == 0);
  CHECK(test::statOf(report, "probe", "latency_ps.0") == static_cast<double>(nvlink_write));
  CHECK(test::statOf(report, "probe", "latency_ps.1") == static_cast<double>(scale_out_write));
  CHECK(test::statOf(report, "probe", "latency_ps.2") == static_cast<double>(scale_out_read));
  CHECK(test::statOf(report, "net", "bytes") == 3000.0);
  CHECK(test::statOf(report, "net", "scale_out_bytes") == 2000.0);
  CHECK(test::statOf(report, "net", "port0.bytes_up") == 1000.0);
  CHECK(test::statOf(report, "net", "port0.scale_out_bytes_up") == 1000.0);
  CHECK(test::statOf(report, "net", "port2.scale_out_bytes_up") == 1000.0);
}
