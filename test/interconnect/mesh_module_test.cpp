// The `mesh` module type: timing against the core's closed form, conservation of bytes under
// load, protocol compliance, located configuration errors and determinism of the example.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/run_report_lookup.h"
#include "test/interconnect/tlm_probe.h"
#include "test/models/memory/memory_tlm_test_support.h"
#include "test/platform/config_test_support.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

RunReport runPlatform(const std::string& yaml) {
  Simulation simulation(test::parsePlatform(yaml), "test.yaml", test::TlmProbe::registerType);
  simulation.elaborate(false, std::nullopt);
  return simulation.run();
}

std::string meshErrorOf(const std::string& yaml) {
  return test::configErrorOf(yaml, test::TlmProbe::registerType);
}

// "test.yaml:LINE:COL" (1-based, as ConfigError) of the value that starts `skip` characters into
// the first occurrence of `token` in `yaml`.
std::string positionOf(const std::string& yaml, const std::string& token, std::size_t skip = 0) {
  std::size_t at = yaml.find(token);
  REQUIRE(at != std::string::npos);
  at += skip;
  const std::size_t line_start = yaml.rfind('\n', at);
  const std::size_t column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  const auto line = 1 + std::count(yaml.begin(), yaml.begin() + static_cast<long>(at), '\n');
  return "test.yaml:" + std::to_string(line) + ":" + std::to_string(column);
}

// One probe at x0y0 writing to a memory on the east edge of row 2, through a 4x4 mesh.
// `noc_extra` replaces parameters of the mesh (one per line, indented 6 spaces).
std::string probePlatform(const std::string& noc_extra) {
  return R"(modules:
  probe:
    type: tlm_probe
    params:
      commands: [write, read, write]
      addresses: [0x100040, 0x100040, 0x100400]
      sizes: [64 B, 64 B, 600 B]
  noc:
    type: mesh
    params:
      width: 4
      height: 4
      link: {bandwidth: 64 GB/s, latency: 0.5 ns, header: 16 B}
      router_latency: 1 ns
      packet_size: 256 B
      edge_port: {latency: 2 ns}
      in_nodes: [x0y0]
      out_base_addresses: [0x100000]
      out_sizes: [1 MiB]
)" + noc_extra +
         R"(  mem:
    type: memory
    params: {size: 1 MiB, bandwidth: 64 GB/s, write_latency: 10 ns, read_latency: 20 ns,
             store_data: true}
connections:
  - {from: probe.out, to: "noc.in[0]", check: true}
  - {from: "noc.out[0]", to: mem.target, check: true}
)";
}

// Four generators on a 4x4 mesh, two memories on edge ports, every connection checked.
const char* const kLoadedPlatform = R"(platform: {protocol_checks: true}
modules:
  g0: {type: traffic_generator, params: {transactions: 300, size: 256 B, pattern: random,
       read_fraction: 0.6, address_range: 2 MiB}}
  g1: {type: traffic_generator, params: {transactions: 300, size: 1 KiB, pattern: random,
       read_fraction: 0.3, address_range: 2 MiB}}
  g2: {type: traffic_generator, params: {transactions: 300, size: 64 B, read_fraction: 1.0,
       address_range: 1 MiB}}
  g3: {type: traffic_generator, params: {transactions: 300, size: 100 B, read_fraction: 0.0,
       address_base: 0x100000, address_range: 1 MiB}}
  noc:
    type: mesh
    params:
      input_buffer: 1 KiB
      control_size: 8 B
      in_nodes: [x1y1, 6, x1y2, x3y3]
      out_nodes: [W1, N2]
      out_base_addresses: [0x0, 0x100000]
      out_sizes: [1 MiB, 1 MiB]
  m0: {type: memory, params: {size: 1 MiB}}
  m1: {type: memory, params: {size: 1 MiB}}
connections:
  - {from: g0.out, to: "noc.in[0]"}
  - {from: g1.out, to: "noc.in[1]"}
  - {from: g2.out, to: "noc.in[2]"}
  - {from: g3.out, to: "noc.in[3]"}
  - {from: "noc.out[0]", to: m0.target}
  - {from: "noc.out[1]", to: m1.target}
)";

// The probe platform with a wormhole mesh of 16 B flits, 1 ns credits and `extra` parameters.
RunReport runWormholeProbe(const std::string& extra) {
  std::string yaml = probePlatform(
      "      out_nodes: [E2]\n      flow_control: wormhole\n"
      "      credit_delay: 1 ns\n" +
      extra);
  yaml.replace(yaml.find("header: 16 B}"), 13, "header: 16 B, flit: 16 B}");
  return runPlatform(yaml);
}

// The probe's three transactions on that idle mesh: the cut-through closed form, flit by flit.
void checkIdleWormholeClosedForm(const RunReport& report) {
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "probe", "data_mismatches") == 0);
  const std::uint64_t fixed = 5 * (1000 + 500) + 1000 + 2000;
  auto flits = [](std::uint64_t payload) { return (payload + 16 + 15) / 16; };
  auto packet = [&](std::uint64_t payload) { return fixed + flits(payload) * 250; };
  const std::uint64_t write64 = packet(64) + 64 * 1000 / 64 + 10000 + packet(0);
  const std::uint64_t read64 = packet(0) + 64 * 1000 / 64 + 20000 + packet(64);
  const std::uint64_t write600 =
      fixed + (2 * flits(256) + flits(88)) * 250 + 600 * 1000 / 64 + 10000 + packet(0);
  CHECK(write64 == 33500);
  CHECK(test::statOf(report, "probe", "latency_ps.0") == static_cast<double>(write64));
  CHECK(test::statOf(report, "probe", "latency_ps.1") == static_cast<double>(read64));
  CHECK(test::statOf(report, "probe", "latency_ps.2") == static_cast<double>(write600));
  CHECK(test::statOf(report, "noc", "packets") == 8);
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("Mesh TLM: idle-mesh write, read and burst take the core's closed form plus the memory",
          "[mesh_tlm]") {
  const RunReport report = runPlatform(probePlatform("      out_nodes: [E2]\n"));
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "probe", "errors") == 0);
  CHECK(test::statOf(report, "probe", "data_mismatches") == 0);  // address translated both ways

  // x0y0 local port -> router (3,2) east edge port: D = 5 links, D + 1 routers.
  const std::uint64_t hops = 5;
  const std::uint64_t t_router = 1000;
  const std::uint64_t t_link = 500;
  const std::uint64_t t_edge = 2000;  // local ports add 0
  const std::uint64_t header = 16;
  auto serialisation = [&](std::uint64_t wire_bytes) { return wire_bytes * 1000 / 64; };  // 64 B/ns
  // Zero-load closed form of one packet: D (t_router + t_link) + t_router + t_edge + S.
  const std::uint64_t fixed = hops * (t_router + t_link) + t_router + t_edge;
  auto packet = [&](std::uint64_t payload) { return fixed + serialisation(payload + header); };
  auto memory = [&](std::uint64_t bytes, std::uint64_t latency) {
    return serialisation(bytes) + latency;
  };
  const std::uint64_t write64 = packet(64) + memory(64, 10000) + packet(0);  // data, then ack
  const std::uint64_t read64 = packet(0) + memory(64, 20000) + packet(64);   // request, then data
  // 600 B = packets of 256 + 256 + 88 B pipelined: fixed + the sum of their serialisations.
  const std::uint64_t burst = fixed + 2 * serialisation(256 + header) + serialisation(88 + header);
  const std::uint64_t write600 = burst + memory(600, 10000) + packet(0);
  CHECK(write64 == 33500);  // the formula, evaluated by hand
  CHECK(test::statOf(report, "probe", "latency_ps.0") == static_cast<double>(write64));
  CHECK(test::statOf(report, "probe", "latency_ps.1") == static_cast<double>(read64));
  CHECK(test::statOf(report, "probe", "latency_ps.2") == static_cast<double>(write600));

  // Request and response packets: 1 + 1, 1 + 1, 3 + 1; each packet crosses 5 mesh links.
  CHECK(test::statOf(report, "noc", "packets") == 8);
  CHECK(test::statOf(report, "noc", "packet_hops") == 8 * hops);
  CHECK(test::statOf(report, "noc", "link.x0y0.L_in.bytes") == 64 + 0 + 600);
  CHECK(test::statOf(report, "noc", "link.x3y2.E.bytes") == 64 + 0 + 600);
  CHECK(test::statOf(report, "noc", "link.x3y2.E_in.bytes") == 0 + 64 + 0);
  CHECK(test::statOf(report, "noc", "link.x3y2.E.packets") == 5);
  // XY routing: east along row 0, then north along column 3.
  CHECK(test::statOf(report, "noc", "link.x0y0.E.packets") == 5);
  CHECK(test::statOf(report, "noc", "link.x3y1.N.packets") == 5);
  CHECK(test::statOf(report, "noc", "link.x0y1.E.packets") == 0);
}

TEST_CASE("Mesh TLM: wormhole flow control takes the same closed form on an idle mesh",
          "[mesh_tlm]") {
  // 16 B flits at 64 B/ns: a packet of W wire bytes streams W / 16 flits of 250 ps, which is its
  // serialisation, and 4 KiB buffers (256 flits) cover the credit loop; so an idle wormhole mesh
  // gives the cut-through closed form (previous test) to the picosecond.
  checkIdleWormholeClosedForm(runWormholeProbe("      virtual_channels: 2\n"));
}

TEST_CASE("Mesh TLM: arbitration arrival_order takes the same closed form on an idle mesh",
          "[mesh_tlm]") {
  // As the previous test with one virtual channel: the probe's transactions never meet, so
  // granting channels in arrival order changes nothing; b_transport waits instead of
  // annotating, and the probe measures the same latencies.
  checkIdleWormholeClosedForm(runWormholeProbe("      arbitration: arrival_order\n"));
}

TEST_CASE("Mesh TLM: arbitration arrival_order under load conserves bytes and passes the checkers",
          "[mesh_tlm]") {
  std::string yaml = kLoadedPlatform;
  yaml.replace(yaml.find("      input_buffer: 1 KiB\n"), 26,
               "      input_buffer: 64 B\n      flow_control: wormhole\n"
               "      link: {flit: 16 B}\n      arbitration: arrival_order\n");
  const RunReport report = runPlatform(yaml);
  REQUIRE(report.end == RunEnd::kCompleted);
  double generated = 0;
  for (const char* generator : {"g0", "g1", "g2", "g3"})
    generated += test::statOf(report, generator, "bytes");
  CHECK(test::statOf(report, "noc", "transactions") == 1200);
  CHECK(test::statOf(report, "noc", "bytes_in") == generated);
  CHECK(test::statOf(report, "noc", "bytes_out") == generated);
  const double injected = test::statOf(report, "noc", "payload_bytes_injected");
  CHECK(injected == generated + 1200 * 8);
  CHECK(test::statOf(report, "noc", "payload_bytes_delivered") == injected);
  CHECK(test::statOf(report, "noc", "mean_network_latency") > 0);
  int checkers = 0;
  for (const auto& module : report.modules) {
    if (module.type != "protocol_checker")
      continue;
    ++checkers;
    CHECK(test::statOf(report, module.name, "violations") == 0);
  }
  CHECK(checkers == 6);
}

TEST_CASE("Mesh TLM: arbitration arrival_order without wormhole is located", "[mesh_tlm][config]") {
  const std::string yaml =
      probePlatform("      out_nodes: [E2]\n      arbitration: arrival_order\n");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains("'modules.noc.params.arbitration'"));
  CHECK_THAT(error, Contains("expected presentation_order unless flow_control is wormhole"));
  const std::string delay_yaml =
      probePlatform("      out_nodes: [E2]\n      allocation_delay: 1 ns\n");
  const std::string delay_error = meshErrorOf(delay_yaml);
  CHECK_THAT(delay_error, Contains("'modules.noc.params.allocation_delay'"));
  CHECK_THAT(delay_error, Contains("expected 0 unless arbitration is arrival_order"));
}

TEST_CASE("Mesh TLM: wormhole without flits and virtual channels without wormhole are located",
          "[mesh_tlm][config]") {
  std::string yaml = probePlatform("      out_nodes: [E2]\n      flow_control: wormhole\n");
  std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains("'modules.noc.params.link.flit'"));
  CHECK_THAT(error, Contains("expected > 0 with flow_control wormhole"));
  yaml = probePlatform("      out_nodes: [E2]\n      virtual_channels: 2\n");
  error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains("'modules.noc.params.virtual_channels'"));
  CHECK_THAT(error, Contains("expected 1 with flow_control cut_through"));
}

// 2 x 2 wafers of 2 x 2 routers, inter-wafer links only at offset 0 of each facing edge.
const char* const kWaferPartition = R"(      out_nodes: [E2]
      wafer_width: 2
      wafer_height: 2
      inter_wafer_link: {bandwidth: 32 GB/s, latency: 20 ns}
      inter_wafer_link_offsets: [0]
)";

TEST_CASE("Mesh TLM: traffic between wafers pays the inter-wafer links and avoids missing ones",
          "[mesh_tlm][wafer]") {
  const RunReport report = runPlatform(probePlatform(kWaferPartition));
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "probe", "errors") == 0);
  CHECK(test::statOf(report, "probe", "data_mismatches") == 0);

  // x0y0 -> E2: (0,0) E (1,0) =E=> (2,0) N (2,1) =N=> (2,2) E (3,2), "=>" crossing between
  // wafers at offset 0. Back: (3,2) W (2,2) =W=> (1,2) W (0,2) =S=> (0,1) S (0,0). Either way
  // D = 5 links, 2 of them inter-wafer, and D + 1 routers.
  const std::uint64_t t_router = 1000;
  const std::uint64_t t_link = 500;
  const std::uint64_t t_inter_wafer = 20000;
  const std::uint64_t t_edge = 2000;
  const std::uint64_t header = 16;
  auto serialisation = [](std::uint64_t wire_bytes) { return wire_bytes * 1000 / 64; };
  auto inter_wafer_serialisation = [](std::uint64_t wire_bytes) { return wire_bytes * 1000 / 32; };
  const std::uint64_t fixed = 3 * t_link + 2 * t_inter_wafer + 6 * t_router + t_edge;
  // The inter-wafer links are the slowest channel: they set every packet's serialisation.
  auto packet = [&](std::uint64_t payload) {
    return fixed + inter_wafer_serialisation(payload + header);
  };
  auto memory = [&](std::uint64_t bytes, std::uint64_t latency) {
    return serialisation(bytes) + latency;
  };
  const std::uint64_t burst =
      fixed + 2 * inter_wafer_serialisation(256 + header) + inter_wafer_serialisation(88 + header);
  CHECK(test::statOf(report, "probe", "latency_ps.0") ==
        static_cast<double>(packet(64) + memory(64, 10000) + packet(0)));
  CHECK(test::statOf(report, "probe", "latency_ps.1") ==
        static_cast<double>(packet(0) + memory(64, 20000) + packet(64)));
  CHECK(test::statOf(report, "probe", "latency_ps.2") ==
        static_cast<double>(burst + memory(600, 10000) + packet(0)));

  CHECK(test::statOf(report, "noc", "packet_hops") == 8 * 5);
  CHECK(test::statOf(report, "noc", "link.x1y0.E.bytes") == 64 + 0 + 600);
  CHECK(test::statOf(report, "noc", "link.x2y1.N.bytes") == 64 + 0 + 600);
  CHECK(test::statOf(report, "noc", "link.x2y2.W.bytes") == 0 + 64 + 0);
  CHECK(test::statOf(report, "noc", "link.x0y2.S.bytes") == 0 + 64 + 0);
  // The crossings at offset 1 do not exist, so they are not reported.
  CHECK_THROWS(test::statOf(report, "noc", "link.x1y1.E.bytes"));
  CHECK_THROWS(test::statOf(report, "noc", "link.x1y3.N.bytes"));
  CHECK(test::statOf(report, "noc", "link.x1y2.E.bytes") == 0);  // linked, unused
  double inter_wafer_wire_bits = 0;
  for (const char* link : {"x1y0.E", "x2y1.N", "x2y2.W", "x0y2.S"})
    inter_wafer_wire_bits +=
        8 * test::statOf(report, "noc", "link." + std::string(link) + ".wire_bytes");
  double counted = -1;
  for (const auto& [action, count] : test::moduleNamed(report, "noc").stats.actions()) {
    if (action == "inter_wafer_link_bit")
      counted = static_cast<double>(count);
  }
  CHECK(counted == inter_wafer_wire_bits);
}

TEST_CASE("Mesh TLM: a wafer size that does not divide the mesh is a located error",
          "[mesh_tlm][wafer][config]") {
  std::string yaml = probePlatform(kWaferPartition);
  yaml.replace(yaml.find("wafer_width: 2"), 14, "wafer_width: 3");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains(positionOf(yaml, "wafer_width: 3", 13) +
                             ": 'modules.noc.params.wafer_width'"));
  CHECK_THAT(error, Contains("expected a divisor of width (4"));
}

TEST_CASE("Mesh TLM: a repeated inter-wafer link offset is a located error",
          "[mesh_tlm][wafer][config]") {
  std::string yaml = probePlatform(kWaferPartition);
  yaml.replace(yaml.find("offsets: [0]"), 12, "offsets: [1, 1]");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains(positionOf(yaml, "[1, 1]") +
                             ": 'modules.noc.params.inter_wafer_link_offsets'"));
  CHECK_THAT(error, Contains("expected each offset once, got 1 twice"));
}

TEST_CASE("Mesh TLM: under load bytes in equal bytes out, links add up and the checkers pass",
          "[mesh_tlm]") {
  const RunReport report = runPlatform(kLoadedPlatform);
  REQUIRE(report.end == RunEnd::kCompleted);
  double generated = 0;
  for (const char* generator : {"g0", "g1", "g2", "g3"})
    generated += test::statOf(report, generator, "bytes");
  CHECK(test::statOf(report, "noc", "transactions") == 1200);
  CHECK(test::statOf(report, "noc", "decode_errors") == 0);
  CHECK(test::statOf(report, "noc", "bytes_in") == generated);
  CHECK(test::statOf(report, "noc", "bytes_out") == generated);
  const double injected = test::statOf(report, "noc", "payload_bytes_injected");
  CHECK(injected == generated + 1200 * 8);  // plus one 8 B control packet per transaction
  CHECK(test::statOf(report, "noc", "payload_bytes_delivered") == injected);

  // Everything injected enters through the in-nodes' local ports or the out-nodes' edge ports.
  const double entered = test::statOf(report, "noc", "link.x1y1.L_in.bytes") +
                         test::statOf(report, "noc", "link.x2y1.L_in.bytes") +
                         test::statOf(report, "noc", "link.x1y2.L_in.bytes") +
                         test::statOf(report, "noc", "link.x3y3.L_in.bytes") +
                         test::statOf(report, "noc", "link.x0y1.W_in.bytes") +
                         test::statOf(report, "noc", "link.x2y3.N_in.bytes");
  CHECK(entered == injected);

  // Every directed router-to-router link is reported (48 on 4x4); link_bit counts their bits.
  double mesh_wire_bits = 0;
  int links = 0;
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) {
      const std::string router = "link.x" + std::to_string(x) + "y" + std::to_string(y) + ".";
      const std::vector<std::pair<bool, std::string>> neighbours = {
          {x < 3, "E"}, {x > 0, "W"}, {y < 3, "N"}, {y > 0, "S"}};
      for (const auto& [exists, port] : neighbours) {
        if (!exists)
          continue;
        mesh_wire_bits += 8 * test::statOf(report, "noc", router + port + ".wire_bytes");
        const double utilisation = test::statOf(report, "noc", router + port + ".utilisation");
        CHECK(utilisation >= 0.0);
        CHECK(utilisation <= 1.0);
        ++links;
      }
    }
  }
  CHECK(links == 48);
  CHECK(mesh_wire_bits > 0);
  std::uint64_t link_bits = 0;
  for (const auto& module : report.modules) {
    if (module.name != "noc")
      continue;
    for (const auto& [action, count] : module.stats.actions()) {
      if (action == "link_bit")
        link_bits = count;
    }
  }
  CHECK(static_cast<double>(link_bits) == mesh_wire_bits);

  int checkers = 0;
  for (const auto& module : report.modules) {
    if (module.type != "protocol_checker")
      continue;
    ++checkers;
    CHECK(test::statOf(report, module.name, "transactions") >= 300);
    CHECK(test::statOf(report, module.name, "violations") == 0);
  }
  CHECK(checkers == 6);
}

namespace {
// Two DMA-like generators, 16 read/write transactions in flight each, into two on_issue hbm
// devices across a 4x4 mesh (with `mesh_extra` parameters): one through nb_transport, which the
// mesh forwards as it comes (END_REQ once a request enters the mesh), one through b_transport,
// which waits whenever its answer is not known yet. The nb_transport one keeps all 16 in flight
// (its bandwidth is 16 x 64 B per mean latency, Little's law) and moves more than twice the
// data; every transaction crosses the mesh twice, the data written is read back and no checker
// reports a violation.
void checkNbTransportAcrossMesh(const std::string& mesh_extra) {
  const RunReport report = runPlatform(
      R"(platform: {protocol_checks: true}
modules:
  nb: {type: traffic_generator, params: {transactions: 2000, size: 64 B, pattern: random,
       read_fraction: 0.7, outstanding: 16, transport: non_blocking, data: pattern,
       address_range: 64 KiB}}
  blocking: {type: traffic_generator, params: {transactions: 2000, size: 64 B, pattern: random,
       read_fraction: 0.7, outstanding: 16, transport: blocking, data: pattern,
       address_base: 0x200000000, address_range: 64 KiB}}
  noc:
    type: mesh
    params:
      in_nodes: [x0y0, x0y1]
      out_nodes: [E2, E3]
      out_base_addresses: [0x0, 0x200000000]
      out_sizes: [8 GiB, 8 GiB]
)" + mesh_extra +
      R"(  hbm_nb: {type: hbm, preset: hbm2, params: {scheduling: on_issue, store_data: true}}
  hbm_blocking: {type: hbm, preset: hbm2, params: {scheduling: on_issue, store_data: true}}
connections:
  - {from: nb.out, to: "noc.in[0]"}
  - {from: blocking.out, to: "noc.in[1]"}
  - {from: "noc.out[0]", to: hbm_nb.target}
  - {from: "noc.out[1]", to: hbm_blocking.target}
)");
  REQUIRE(report.end == RunEnd::kCompleted);
  for (const char* generator : {"nb", "blocking"}) {
    CHECK(test::statOf(report, generator, "requests") == 2000);
    CHECK(test::statOf(report, generator, "data_mismatches") == 0);
    CHECK(test::statOf(report, generator, "checked_reads") > 300);
  }
  CHECK(test::statOf(report, "nb", "accepted_with_response") == 0);
  const double in_flight = test::statOf(report, "nb", "bandwidth") *
                           test::statOf(report, "nb", "mean_latency") * 1e-9 / 64;
  CHECK(in_flight > 0.95 * 16);
  CHECK(in_flight <= 16.0);
  CHECK(test::statOf(report, "nb", "bandwidth") >
        2 * test::statOf(report, "blocking", "bandwidth"));
  CHECK(test::statOf(report, "noc", "transactions") == 4000);
  CHECK(test::statOf(report, "noc", "bytes_in") == test::statOf(report, "noc", "bytes_out"));
  CHECK(test::statOf(report, "noc", "payload_bytes_delivered") ==
        test::statOf(report, "noc", "payload_bytes_injected"));
  CHECK(test::statOf(report, "noc", "queued_requests") == 0);  // the hbm accepts in the call
  CHECK(test::checkersPassed(report) == 4);
}
}  // namespace

TEST_CASE("Mesh TLM: nb_transport keeps requests in flight across the mesh", "[mesh_tlm]") {
  checkNbTransportAcrossMesh("");
}

TEST_CASE("Mesh TLM: nb_transport keeps requests in flight across an arrival-order mesh",
          "[mesh_tlm]") {
  // No thread to wait in: the crossings go to the core at their time and the transactions go
  // on when it has delivered them.
  checkNbTransportAcrossMesh(
      "      arbitration: arrival_order\n      flow_control: wormhole\n"
      "      link: {flit: 16 B}\n");
}

TEST_CASE("Mesh TLM: a node outside the mesh is a located error on its list element",
          "[mesh_tlm][config]") {
  const std::string yaml = probePlatform("      out_nodes: [x4y1]\n");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains(positionOf(yaml, "x4y1") + ": 'modules.noc.params.out_nodes'"));
  CHECK_THAT(error, Contains("router (4, 1) is outside the 4x4 mesh"));
}

TEST_CASE("Mesh TLM: an edge port beyond the mesh side is a located error", "[mesh_tlm][config]") {
  const std::string yaml = probePlatform("      out_nodes: [N4]\n");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains(positionOf(yaml, "N4") + ": 'modules.noc.params.out_nodes'"));
  CHECK_THAT(error, Contains("column 4 is outside"));
}

TEST_CASE("Mesh TLM: an unknown attachment form is a located error naming the forms",
          "[mesh_tlm][config]") {
  std::string yaml = probePlatform("      out_nodes: [E2]\n");
  yaml.replace(yaml.find("[x0y0]"), 6, "[x0y0, node5]");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains(positionOf(yaml, "node5") + ": 'modules.noc.params.in_nodes'"));
  CHECK_THAT(error, Contains("element 1: 'node5' is not an attachment point"));
  CHECK_THAT(error, Contains("'x<X>y<Y>'"));
}

TEST_CASE("Mesh TLM: overlapping output ranges are a located error", "[mesh_tlm][config]") {
  std::string yaml = probePlatform("      out_nodes: [E2, W0]\n");
  yaml.replace(yaml.find("[0x100000]"), 10, "[0x100000, 0x180000]");
  yaml.replace(yaml.find("[1 MiB]"), 7, "[1 MiB, 1 MiB]");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains(positionOf(yaml, "[0x100000, 0x180000]") +
                             ": 'modules.noc.params.out_base_addresses'"));
  CHECK_THAT(error,
             Contains("out[0] [0x100000, 0x200000) and out[1] [0x180000, 0x280000) overlap"));
}

TEST_CASE("Mesh TLM: a packet larger than the input buffer is a located error",
          "[mesh_tlm][config]") {
  const std::string yaml = probePlatform("      out_nodes: [E2]\n      input_buffer: 256 B\n");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains(positionOf(yaml, "input_buffer: 256 B", 14) +
                             ": 'modules.noc.params.input_buffer'"));
  CHECK_THAT(error, Contains("one packet on the wire (272 bytes"));
}

TEST_CASE("Mesh TLM: out_sizes must have one entry per out_nodes entry", "[mesh_tlm][config]") {
  const std::string yaml = probePlatform("      out_nodes: [E2, W0]\n");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains("'modules.noc.params.out_base_addresses'"));
  CHECK_THAT(error, Contains("(2 outputs, 1 base addresses)"));
}

TEST_CASE("Mesh TLM: a mesh of width 0 is rejected", "[mesh_tlm][config]") {
  const std::string yaml = probePlatform("      out_nodes: [E2]\n");
  std::string zero_wide = yaml;
  zero_wide.replace(zero_wide.find("width: 4"), 8, "width: 0");
  const std::string error = meshErrorOf(zero_wide);
  CHECK_THAT(error, Contains(positionOf(zero_wide, "0\n      height") +
                             ": 'modules.noc.params.width': out of range"));
}

TEST_CASE("Mesh TLM: a link of zero bandwidth is rejected", "[mesh_tlm][config]") {
  std::string yaml = probePlatform("      out_nodes: [E2]\n");
  yaml.replace(yaml.find("bandwidth: 64 GB/s, latency"), 18, "bandwidth: 0 GB/s");
  const std::string error = meshErrorOf(yaml);
  CHECK_THAT(error, Contains("'modules.noc.params.link.bandwidth': out of range"));
}

TEST_CASE("Mesh TLM: the example runs and two runs give identical stats", "[mesh_tlm][cli]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(SPATIALVP_BINARY_DIR) / "test-scratch" / "mesh_tlm_example";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto run = [&](const std::string& out) {
    const std::string command =
        "cd '" + dir.string() + "' && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 '" +
        SPATIALVP_BINARY_DIR "/spatialvp' run '" SPATIALVP_SOURCE_DIR
                             "/platform/configs/examples/mesh_4x4.yaml' --quiet --out " +
        out + " 2> " + out + ".err";
    REQUIRE(std::system(command.c_str()) == 0);  // exit code 0
    auto stats = nlohmann::json::parse(slurp(dir / out / "stats.json"));
    stats.erase("performance");
    return stats;
  };
  const auto first = run("a");
  const auto second = run("b");
  CHECK(first.dump() == second.dump());
  const auto& noc = first["modules"]["noc"]["counters"];
  CHECK(noc["transactions"]["value"] == 20000);
  CHECK(noc["bytes_in"]["value"] == noc["bytes_out"]["value"]);
  CHECK(noc["link.x3y2.E.bytes"]["value"].get<double>() > 0);  // hbm1 sits on E2
  CHECK(first["modules"]["noc"]["energy"]["actions"]["edge_port_bit"]["count"].get<double>() > 0);
}
