// The `hbm` module type run from YAML: latencies through TLM against the core's closed forms,
// presets with overrides, streaming bandwidth, energy through the registry, located
// configuration errors, protocol checks and the example. One elaboration per TEST_CASE.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test/models/memory/memory_tlm_test_support.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

// HBM2 preset values (platform/configs/presets/hbm2.yaml), in ps.
constexpr std::uint64_t kRcd = 14000;   // t_rcd_rd
constexpr std::uint64_t kRcdWr = 7000;  // t_rcd_wr
constexpr std::uint64_t kRp = 14000;
constexpr std::uint64_t kCl = 14000;
constexpr std::uint64_t kWl = 4000;
constexpr std::uint64_t kCcdL = 4000;
constexpr std::uint64_t kBurst = 2000;  // BL4 at 2 Gb/s
constexpr double kPeak = 512e9;         // 32 PCs x 64 bit x 2 Gb/s / 8

// A probe in front of an HBM2 device; `hbm_params` are extra lines of the hbm's params.
std::string probePlatform(const std::string& commands, const std::string& addresses,
                          const std::string& sizes, const std::string& hbm_params = "") {
  return "modules:\n"
         "  probe:\n"
         "    type: tlm_probe\n"
         "    params: {commands: " +
         commands + ", addresses: " + addresses + ", sizes: " + sizes +
         ", gap: 10 ns}\n"
         "  hbm:\n"
         "    type: hbm\n"
         "    preset: hbm2\n"
         "    params:\n" +
         (hbm_params.empty() ? std::string("      store_data: false\n") : hbm_params) +
         "connections:\n"
         "  - {from: probe.out, to: hbm.target, check: true}\n";
}

// Two initiators onto one target socket, one through each interface: nb_transport from in[0]
// (with its backward path), b_transport from in[1]. No in-tree interconnect mixes them.
class InterfaceMerge : public Module {
 public:
  InterfaceMerge(sc_core::sc_module_name name, const ModuleContext& context)
      : Module(name, context) {
    nb_in_.register_nb_transport_fw(this, &InterfaceMerge::nbForward);
    b_in_.register_b_transport(this, &InterfaceMerge::bForward);
    out_.register_nb_transport_bw(this, &InterfaceMerge::nbBackward);
  }
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override {
    if (port != "in")
      return nullptr;
    return index == 0 ? &nb_in_ : index == 1 ? &b_in_ : nullptr;
  }
  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override {
    return port == "out" && index == 0 ? &out_ : nullptr;
  }
  static void registerType(ModuleRegistry& registry) {
    ModuleTypeInfo info;
    info.name = "interface_merge";
    info.description = "test interconnect: nb_transport from in[0], b_transport from in[1]";
    info.ports.push_back({"in", PortDirection::kTarget, "in[0] nb, in[1] b", true});
    info.ports.push_back({"out", PortDirection::kInitiator, "to the target", true});
    registry.add<InterfaceMerge>(std::move(info));
  }

 private:
  tlm::tlm_sync_enum nbForward(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                               sc_core::sc_time& delay) {
    return out_->nb_transport_fw(payload, phase, delay);
  }
  tlm::tlm_sync_enum nbBackward(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                sc_core::sc_time& delay) {
    return nb_in_->nb_transport_bw(payload, phase, delay);
  }
  void bForward(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    out_->b_transport(payload, delay);
  }
  tlm_utils::simple_target_socket<InterfaceMerge> nb_in_{"nb_in"};
  tlm_utils::simple_target_socket<InterfaceMerge> b_in_{"b_in"};
  tlm_utils::simple_initiator_socket<InterfaceMerge> out_{"out"};
};

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("HBM TLM: zero-load latencies through TLM equal the core's closed forms", "[hbm_tlm]") {
  // Default mapping RoBaCoBgPcChCo1 with 32 B bursts: [0, 64) is PC 0, bank group 0, bank 0,
  // row 0; 0x40 is the next channel; 0x80000 (bit 19) is row 1 of the same bank.
  // Arrivals (gap 10 ns after each completion): 0, 40, 70, 124 ns; PC 0 refreshes first at
  // t_refi / 32 = 121.9 ns, after the third request; 0x1fffffff0 + 32 B crosses the 8 GiB end.
  const RunReport report = test::runInline(probePlatform("[read, read, read, write, read]",
                                                         "[0x0, 0x0, 0x80000, 0x40, 0x1fffffff0]",
                                                         "[32 B, 64 B, 32 B, 32 B, 32 B]"));
  REQUIRE(report.end == RunEnd::kCompleted);
  // Row miss: ACT, t_rcd, RD, t_cl, one burst.
  CHECK(test::statOf(report, "probe", "latency_ps.0") == kRcd + kCl + kBurst);
  // Row hit, two bursts in one bank group: the second column waits t_ccd_l.
  CHECK(test::statOf(report, "probe", "latency_ps.1") == kCl + kCcdL + kBurst);
  // Row conflict: PRE, t_rp, ACT, t_rcd, RD, t_cl, burst.
  CHECK(test::statOf(report, "probe", "latency_ps.2") == kRp + kRcd + kCl + kBurst);
  // Write to a closed bank: t_rcd_wr, WR, t_wl, burst.
  CHECK(test::statOf(report, "probe", "latency_ps.3") == kRcdWr + kWl + kBurst);
  CHECK(test::statOf(report, "probe", "latency_ps.4") == 0);
  CHECK(test::statOf(report, "probe", "errors") == 1);
  CHECK(test::statOf(report, "hbm", "address_errors") == 1);
  CHECK(test::statOf(report, "hbm", "reads") == 3);
  CHECK(test::statOf(report, "hbm", "writes") == 1);
  CHECK(test::statOf(report, "hbm", "read_bytes") == 128);
  CHECK(test::statOf(report, "hbm", "row_hits") == 2);
  CHECK(test::statOf(report, "hbm", "row_misses") == 2);
  CHECK(test::statOf(report, "hbm", "row_conflicts") == 1);
  CHECK(test::statOf(report, "hbm", "activates") == 3);
  CHECK(test::actionOf(report, "hbm", "activate") == 3);
  CHECK(test::actionOf(report, "hbm", "read_bit") == 4 * 32 * 8);
  CHECK(test::actionOf(report, "hbm", "write_bit") == 32 * 8);
  CHECK(test::actionOf(report, "hbm", "io_bit") == 5 * 32 * 8);
  CHECK(test::checkersPassed(report) == 1);
}

TEST_CASE("HBM TLM: preset hbm2 with a YAML override and a --set override", "[hbm_tlm][preset]") {
  // controller_latency and t_cl from the module's params, data_rate from --set: the burst
  // takes 4 ns at 1 Gb/s and the peak halves; the command clock halves too (2 ns), so the
  // timings given in cycles (t_cl, t_wl) double in time while those in ns (t_rcd) stay.
  const RunReport report =
      test::runInline(probePlatform("[read, write]", "[0x0, 0x1000]", "[32 B, 32 B]",
                                    "      controller_latency: 5 ns\n      t_cl: 16 cycle\n"),
                      {"hbm.data_rate=1Gb/s"});
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "probe", "latency_ps.0") == 5000 + kRcd + 16 * 2000 + 2 * kBurst);
  CHECK(test::statOf(report, "hbm", "peak_bandwidth") == Approx(kPeak / 2));
  // Untouched preset values stay: the write pays t_wl = 4 cycles = 8 ns.
  CHECK(test::statOf(report, "probe", "latency_ps.1") == 5000 + kRcdWr + 4 * 2000 + 2 * kBurst);
}

TEST_CASE("HBM TLM: the wafer-die preset elaborates and answers at its closed form",
          "[hbm_tlm][preset]") {
  const RunReport report = test::runInline(R"(modules:
  probe: {type: tlm_probe, params: {commands: [read], addresses: [0x2cffffffc0], sizes: [32 B]}}
  hbm: {type: hbm, preset: hbm_wafer_die}
connections:
  - {from: probe.out, to: hbm.target, check: true}
)");
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "hbm", "peak_bandwidth") == Approx(8.0e12));
  // t_rcd_rd + t_cl (27 cycles of 0.512 ns) + BL8 at 7.8125 Gb/s (1.024 ns); the address lies
  // in row 46079, the top row.
  CHECK(test::statOf(report, "probe", "latency_ps.0") == 14000 + 27 * 512 + 1024);
  CHECK(test::statOf(report, "probe", "errors") == 0);
}

TEST_CASE("HBM TLM: streaming generators reach >= 90% of the preset's peak and energy adds up",
          "[hbm_tlm][bandwidth]") {
  // Four DMA-like generators of sequential 1 MiB reads, each in its own 256 MiB window, share
  // the device through a router; every connection has a protocol checker.
  std::string yaml = "platform: {protocol_checks: true}\nmodules:\n";
  for (int i = 0; i < 4; ++i) {
    yaml += "  g" + std::to_string(i) +
            ": {type: traffic_generator, params: {transactions: 8, size: 1 MiB, "
            "read_fraction: 1.0, address_base: " +
            std::to_string(i * 256 * 1024 * 1024) + ", address_range: 256 MiB}}\n";
  }
  yaml +=
      "  bus: {type: router, params: {inputs: 4, base_addresses: [0], sizes: [8 GiB], latency: "
      "0 ns, bandwidth: 100 TB/s}}\n"
      "  hbm: {type: hbm, preset: hbm2}\n"
      "connections:\n";
  for (int i = 0; i < 4; ++i)
    yaml +=
        "  - {from: g" + std::to_string(i) + ".out, to: \"bus.in[" + std::to_string(i) + "]\"}\n";
  yaml += "  - {from: \"bus.out[0]\", to: hbm.target}\n";
  const RunReport report = test::runInline(yaml);
  REQUIRE(report.end == RunEnd::kCompleted);

  const double bandwidth = test::statOf(report, "hbm", "bandwidth");
  CHECK(bandwidth >= 0.90 * kPeak);
  CHECK(bandwidth <= kPeak);
  CHECK(test::statOf(report, "hbm", "bandwidth_utilisation") == Approx(bandwidth / kPeak));
  CHECK(test::statOf(report, "hbm", "read_bytes") == 32.0 * 1024 * 1024);
  const double bursts = 32.0 * 1024 * 1024 / 32;
  CHECK(test::statOf(report, "hbm", "read_bursts") == bursts);
  CHECK(test::statOf(report, "hbm", "row_hit_rate") > 0.95);
  CHECK(test::statOf(report, "hbm", "refreshes") > 0);
  // Every pseudo-channel carries the same share of a sequential stream.
  CHECK(test::statOf(report, "hbm", "pseudo_channel_busy.min") ==
        Approx(bursts / 32 * kBurst * 1e-12));
  CHECK(test::statOf(report, "hbm", "pseudo_channel_busy.max") ==
        Approx(bursts / 32 * kBurst * 1e-12));
  CHECK(test::statOf(report, "hbm", "pseudo_channel_utilisation.max") >= 0.9);

  // Platform energy = counts x energy.<action> of the preset (J).
  const ModuleReport& hbm = test::moduleOf(report, "hbm");
  const double activates = test::statOf(report, "hbm", "activates");
  const double refreshes = test::statOf(report, "hbm", "refreshes");
  const double bits = bursts * 32 * 8;
  const double expected = activates * 250e-12 + bits * 3.1e-12 + refreshes * 12e-9 + bits * 0.8e-12;
  CHECK(hbm.dynamic_energy == Approx(expected));
  // A streaming read costs the public HBM2 figure the preset is sourced from (3.9 pJ/bit,
  // docs/sources.md "HBM energy per bit"): activates and refresh add little to a row-hit stream.
  CHECK(hbm.dynamic_energy / bits == Approx(3.9e-12).epsilon(0.03));
  CHECK(test::checkersPassed(report) == 5);
}

TEST_CASE("HBM TLM: random 64 B reads activate a row almost every time", "[hbm_tlm]") {
  const RunReport report = test::runInline(R"(modules:
  gen: {type: traffic_generator, params: {transactions: 2000, size: 64 B, pattern: random,
        read_fraction: 1.0, address_range: 8 GiB}}
  hbm: {type: hbm, preset: hbm2}
connections:
  - {from: gen.out, to: hbm.target, check: true}
)");
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "hbm", "reads") == 2000);
  const double activates = test::statOf(report, "hbm", "activates");
  CHECK(activates >= 0.95 * 2000);
  // Every activate opens a row for a miss or a conflict (refresh closes rows now and then, so a
  // few reads need a second one).
  CHECK(activates ==
        test::statOf(report, "hbm", "row_misses") + test::statOf(report, "hbm", "row_conflicts"));
  CHECK(activates <= 1.02 * 2000);
  // A lone 64 B read: at least the row-miss closed form, plus refresh waits now and then.
  const double mean_latency_ns = test::statOf(report, "gen", "mean_latency");
  CHECK(mean_latency_ns >= (kRcd + kCl + kCcdL + kBurst) * 1e-3);
  CHECK(mean_latency_ns <= (kRp + kRcd + kCl + kCcdL + kBurst) * 1e-3 + 20);
  CHECK(test::checkersPassed(report) == 1);
}

TEST_CASE("HBM TLM: data written through TLM reads back (store_data, sparse pages)", "[hbm_tlm]") {
  const RunReport report = test::runInline(
      probePlatform("[write, write, read, read]", "[0x1ffffff00, 0x1fffc, 0x1ffffff00, 0x1fffc]",
                    "[256 B, 8 B, 256 B, 8 B]", "      store_data: true\n"));
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "probe", "errors") == 0);
  CHECK(test::statOf(report, "probe", "data_mismatches") == 0);
}

TEST_CASE("HBM TLM: a bad address mapping is a located error on address_mapping",
          "[hbm_tlm][config]") {
  const std::string yaml =
      probePlatform("[read]", "[0x0]", "[32 B]", "      address_mapping: RoBaBgPcCh\n");
  const std::string error = test::errorOf(yaml);
  CHECK_THAT(error, Contains(test::positionIn("test.yaml", yaml, "RoBaBgPcCh") +
                             ": 'modules.hbm.params.address_mapping'"));
  CHECK_THAT(error, Contains("lacks field 'Co'"));
}

TEST_CASE("HBM TLM: a zero data rate is rejected at data_rate", "[hbm_tlm][config]") {
  const std::string yaml = probePlatform("[read]", "[0x0]", "[32 B]", "      data_rate: 0 Gb/s\n");
  const std::string error = test::errorOf(yaml);
  CHECK_THAT(error, Contains(test::positionIn("test.yaml", yaml, "0 Gb/s") +
                             ": 'modules.hbm.params.data_rate': out of range"));
  // Positive but below the core's range: the core's message, at the same key.
  const std::string slow =
      probePlatform("[read]", "[0x0]", "[32 B]", "      data_rate: 0.5 Mb/s\n");
  const std::string slow_error = test::errorOf(slow);
  CHECK_THAT(slow_error, Contains(test::positionIn("test.yaml", slow, "0.5 Mb/s") +
                                  ": 'modules.hbm.params.data_rate'"));
  CHECK_THAT(slow_error, Contains("per-pin rate in [1 Mb/s, 1 Tb/s]"));
}

TEST_CASE("HBM TLM: a problem with a preset value is located in the preset file",
          "[hbm_tlm][config]") {
  // t_rfc raised above the preset's t_refi: the core names t_refi, written in hbm2.yaml.
  const std::string yaml = probePlatform("[read]", "[0x0]", "[32 B]", "      t_rfc: 5 us\n");
  const std::string error = test::errorOf(yaml);
  const std::string preset_file = SPATIALVP_SOURCE_DIR "/platform/configs/presets/hbm2.yaml";
  CHECK_THAT(error, Contains(test::positionIn(preset_file, slurp(preset_file), "3.9 us") +
                             ": 'modules.hbm.params.t_refi'"));
  CHECK_THAT(error, Contains("must be greater than t_rfc"));
}

TEST_CASE("HBM TLM: banks that do not divide the capacity are reported at capacity",
          "[hbm_tlm][config]") {
  const std::string yaml = probePlatform("[read]", "[0x0]", "[32 B]", "      banks_per_group: 3\n");
  const std::string error = test::errorOf(yaml);
  CHECK_THAT(error, Contains("'modules.hbm.params.capacity'"));
  // The factors come with their values: here banks_per_group, written elsewhere than capacity.
  CHECK_THAT(error, Contains("multiple of pseudo-channels (32) * banks per pseudo-channel (12) * "
                             "page_size (1024 B) = 393216 B"));
}

TEST_CASE("HBM TLM: the example and its random variant run from the CLI", "[hbm_tlm][cli]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(SPATIALVP_BINARY_DIR) / "test-scratch" / "hbm_tlm_example";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto run = [&](const std::string& out, const std::string& extra) {
    const std::string command =
        "cd '" + dir.string() + "' && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 '" +
        SPATIALVP_BINARY_DIR "/spatialvp' run '" SPATIALVP_SOURCE_DIR
                             "/platform/configs/examples/hbm_stream.yaml' --quiet --out " +
        out + extra + " 2> " + out + ".err";
    REQUIRE(std::system(command.c_str()) == 0);  // exit code 0
    return nlohmann::json::parse(slurp(dir / out / "stats.json"));
  };
  const auto stream = run("stream", "");
  const auto& hbm = stream["modules"]["hbm"]["counters"];
  CHECK(hbm["row_hit_rate"]["value"].get<double>() > 0.9);
  CHECK(hbm["bandwidth_utilisation"]["value"].get<double>() > 0.5);
  CHECK(stream["modules"]["hbm"]["energy"]["actions"]["activate"]["count"].get<double>() > 0);

  const auto random = run("random",
                          " --set dma.pattern=random --set dma.size=64B "
                          "--set dma.transactions=2000");
  const auto& random_hbm = random["modules"]["hbm"]["counters"];
  CHECK(random_hbm["reads"]["value"] == 2000);
  CHECK(random_hbm["activates"]["value"].get<double>() >= 1900);
}

namespace {
// Two generators with 8 reads in flight each into one HBM2 behind a router.
RunReport twoDriftingGenerators(const std::string& quantum) {
  return test::runInline("platform: {quantum: " + quantum + R"(}
modules:
  a: {type: traffic_generator, params: {transactions: 3000, size: 64 B, pattern: random,
      outstanding: 8, address_range: 1 GiB}}
  b: {type: traffic_generator, params: {transactions: 3000, size: 64 B, pattern: random,
      outstanding: 8, address_range: 1 GiB, address_base: 1073741824}}
  bus: {type: router, params: {inputs: 2, base_addresses: [0], sizes: [8 GiB], latency: 0 ns,
        bandwidth: 100 TB/s}}
  hbm: {type: hbm, preset: hbm2}
connections:
  - {from: a.out, to: "bus.in[0]"}
  - {from: b.out, to: "bus.in[1]"}
  - {from: "bus.out[0]", to: hbm.target}
)");
}
}  // namespace

// With a 1 us quantum each generator runs up to 1 us ahead of the other, so the device sees
// many requests far behind the latest arrival (and warns at the end); with a 10 ns quantum they
// stay within a queue's drain time (64 ns).
TEST_CASE("HBM TLM: a quantum that lets initiators drift apart is detected", "[hbm_tlm][quantum]") {
  const RunReport report = twoDriftingGenerators("1 us");
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "hbm", "skewed_requests") > 0.01 * 6000);
}

TEST_CASE("HBM TLM: a short quantum keeps initiators within a queue's drain time",
          "[hbm_tlm][quantum]") {
  const RunReport report = twoDriftingGenerators("10 ns");
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "hbm", "skewed_requests") < 0.01 * 6000);
}

TEST_CASE("HBM TLM: a generator with requests in flight saturates the device", "[hbm_tlm]") {
  // One DMA-like initiator, 64 transactions of 64 B in flight over 4 streams: with one in flight
  // it would see 64 B per ~40 ns (1.6 GB/s); with 64 it moves an order of magnitude more, and
  // the per-request histogram counts requests of 4 transactions.
  const RunReport report = test::runInline(R"(modules:
  gen: {type: traffic_generator, params: {transactions: 4000, size: 64 B, request_size: 256 B,
        pattern: sequential, streams: 4, outstanding: 64, address_range: 64 MiB}}
  hbm: {type: hbm, preset: hbm2}
connections:
  - {from: gen.out, to: hbm.target, check: true}
)");
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "gen", "requests") == 1000);
  CHECK(test::statOf(report, "hbm", "reads") == 4000);
  CHECK(test::statOf(report, "gen", "bandwidth") > 20e9);
  CHECK(test::statOf(report, "gen", "blocking_waits") == 0);  // b_transport returns at once
  CHECK(test::checkersPassed(report) == 1);
}

TEST_CASE("HBM TLM: a full per-bank buffer holds the generator back until it accepts",
          "[hbm_tlm][acceptance]") {
  // A one-bank stream (row-major mapping) with 64 reads in flight, into a device without and
  // one with 8 places per bank, on_arrival through b_transport and on_issue through
  // nb_transport_fw behind protocol checkers (one elaboration, four pairs): with the places,
  // requests beyond them wait outside, so the generator issues later and each request's latency
  // counts at most one wait; the bank delivers the same bandwidth either way. on_issue returns
  // END_REQ in the call even to a request that waits (no other request can reach the socket
  // before it, so the device decides up to its acceptance there): none on the backward path.
  const std::string generator =
      "{type: traffic_generator, params: {transactions: 3000, size: 32 B, pattern: sequential, "
      "outstanding: 64, issue_interval: 1 ns, address_range: 64 MiB, transport: ";
  const std::string device =
      "{type: hbm, preset: hbm2, params: {address_mapping: PcChBgBaRoCo, refresh_policy: none, "
      "queue_depth: 64, scheduling: ";
  std::string modules = "modules:\n";
  std::string connections = "connections:\n";
  for (const char* scheduling : {"on_arrival", "on_issue"}) {
    const std::string transport =
        scheduling == std::string("on_issue") ? "non_blocking" : "blocking";
    for (const char* places : {"0", "8"}) {
      const std::string name = std::string(scheduling) + "_" + places;
      modules += "  " + name + "_gen: " + generator + transport + "}}\n  " + name +
                 "_hbm: " + device + scheduling + ", bank_queue_depth: " + places + "}}\n";
      connections += "  - {from: " + name + "_gen.out, to: " + name + "_hbm.target, check: true}\n";
    }
  }
  const RunReport report = test::runInline(modules + connections);
  REQUIRE(report.end == RunEnd::kCompleted);
  for (const std::string scheduling : {"on_arrival", "on_issue"}) {
    INFO(scheduling);
    const std::string free = scheduling + "_0";
    const std::string bank = scheduling + "_8";
    CHECK(test::statOf(report, free + "_hbm", "queue_full_stalls") == 0);
    CHECK(test::statOf(report, bank + "_hbm", "queue_full_stalls") > 2000);
    CHECK(test::statOf(report, bank + "_gen", "reads") == 3000);
    CHECK(test::statOf(report, bank + "_gen", "bandwidth") ==
          Approx(test::statOf(report, free + "_gen", "bandwidth")).epsilon(0.02));
    CHECK(test::statOf(report, bank + "_gen", "mean_latency") <
          0.3 * test::statOf(report, free + "_gen", "mean_latency"));
  }
  CHECK(test::statOf(report, "on_issue_8_gen", "end_req_waits") == 0);
  CHECK(test::statOf(report, "on_issue_8_hbm", "late_arrivals") == 0);
  CHECK(test::checkersPassed(report) == 4);
}

TEST_CASE("HBM TLM: on_issue through nb_transport answers every request on every preset",
          "[hbm_tlm][on_issue]") {
  // Deciding ahead in the call (up to each request's acceptance and before its acceptance
  // time) on devices that wait for places often: HBM2 with closed pages, a 4-deep queue and one
  // place per bank under 128 B random mixes (two pseudo-channels per request), HBM2E under
  // 256 B streams, HBM3 under 64 B random mixes and the wafer-die stack with a controller
  // latency; one elaboration, each through a protocol checker. Every request is answered with
  // its data, END_REQ always in the call, and no request arrives in a span already decided.
  struct Case {
    const char* name;
    const char* generator;
    const char* device;
  };
  const Case cases[] = {
      {"closed", "size: 128 B, pattern: random, read_fraction: 0.5",
       "preset: hbm2, params: {page_policy: closed, queue_depth: 4, bank_queue_depth: 1, "},
      {"stream", "size: 256 B, pattern: sequential, read_fraction: 0.5",
       "preset: hbm2e, params: {"},
      {"hbm3", "size: 64 B, pattern: random, read_fraction: 0.7", "preset: hbm3, params: {"},
      {"wafer", "size: 64 B, pattern: random, read_fraction: 0.5",
       "preset: hbm_wafer_die, params: {controller_latency: 3 ns, "}};
  std::string modules = "modules:\n";
  std::string connections = "connections:\n";
  for (const Case& c : cases) {
    const std::string name = c.name;
    modules += "  " + name + "_gen: {type: traffic_generator, params: {transactions: 1500, " +
               c.generator +
               ", outstanding: 24, issue_interval: 1 ns, transport: non_blocking, data: "
               "pattern, address_range: 32 KiB}}\n  " +
               name + "_hbm: {type: hbm, " + c.device +
               "store_data: true, scheduling: on_issue}}\n";
    connections += "  - {from: " + name + "_gen.out, to: " + name + "_hbm.target, check: true}\n";
  }
  const RunReport report = test::runInline(modules + connections);
  REQUIRE(report.end == RunEnd::kCompleted);
  for (const Case& c : cases) {
    const std::string name = c.name;
    INFO(name);
    const std::string gen = name + "_gen";
    test::checkAnsweredWithData(report, gen, 1500, 50);
    CHECK(test::statOf(report, gen, "end_req_waits") == 0);
    CHECK(test::statOf(report, name + "_hbm", "late_arrivals") == 0);
  }
  CHECK(test::statOf(report, "closed_hbm", "queue_full_stalls") > 100);
  CHECK(test::checkersPassed(report) == 4);
}

TEST_CASE("HBM TLM: on_issue counts b_transport requests arriving in a span decided ahead",
          "[hbm_tlm][on_issue]") {
  // An nb_transport generator, whose calls have the device decide ahead of the kernel time (up
  // to each request's acceptance; the base protocol lets no other nb_transport request precede
  // it), and a b_transport generator, which that rule does not bind, share one on_issue device.
  // Every request is answered with its data, and the b_transport requests that arrive in a span
  // already decided are counted (they take part from the latest decision on).
  const std::string generator =
      "{type: traffic_generator, params: {transactions: 2000, size: 64 B, pattern: random, "
      "read_fraction: 0.5, outstanding: 16, issue_interval: 1 ns, data: pattern, "
      "address_range: 64 KiB, address_base: ";
  const std::string yaml =
      "modules:\n  nb_gen: " + generator + "0, transport: non_blocking}}\n  b_gen: " + generator +
      "65536}}\n  merge: {type: interface_merge}\n"
      "  hbm: {type: hbm, preset: hbm2, params: {store_data: true, scheduling: on_issue}}\n"
      "connections:\n"
      "  - {from: nb_gen.out, to: 'merge.in[0]', check: true}\n"
      "  - {from: b_gen.out, to: 'merge.in[1]', check: true}\n"
      "  - {from: merge.out, to: hbm.target, check: true}\n";
  const RunReport report = test::runInline(yaml, {}, InterfaceMerge::registerType);
  REQUIRE(report.end == RunEnd::kCompleted);
  for (const char* gen : {"nb_gen", "b_gen"})
    test::checkAnsweredWithData(report, gen, 2000, 100);
  CHECK(test::statOf(report, "hbm", "late_arrivals") > 0);
  CHECK(test::statOf(report, "hbm", "late_arrivals") < 2000);
  CHECK(test::checkersPassed(report) == 3);
}

TEST_CASE("HBM TLM: deferred writes are answered later on the backward path, data intact",
          "[hbm_tlm][buffer]") {
  // A 50% read/write mix over a small range through nb_transport_fw, into a device whose
  // buffered writes are answered when written (BEGIN_RESP later) and one that posts them (one
  // elaboration): every transaction is answered, reads of written addresses see the data
  // written before them, and deferred writes are answered later than posted ones.
  const std::string generator =
      "{type: traffic_generator, params: {transactions: 4000, size: 32 B, pattern: random, "
      "read_fraction: 0.5, outstanding: 16, outstanding_writes: 16, issue_interval: 1 ns, "
      "transport: non_blocking, data: pattern, address_range: 4 KiB}}";
  const std::string device =
      "{type: hbm, preset: hbm2, params: {store_data: true, write_batch: 8, "
      "write_completion: ";
  const RunReport report =
      test::runInline("modules:\n  deferred_gen: " + generator + "\n  deferred_hbm: " + device +
                      "deferred}}\n  posted_gen: " + generator + "\n  posted_hbm: " + device +
                      "posted}}\n  routed_gen: " + generator + "\n  routed_hbm: " + device +
                      "deferred}}\n  bus: {type: router, params: {inputs: 1, base_addresses: "
                      "[0x0], sizes: [8 GiB], latency: 2 ns, bandwidth: 128 GB/s}}\n"
                      "connections:\n"
                      "  - {from: deferred_gen.out, to: deferred_hbm.target, check: true}\n"
                      "  - {from: posted_gen.out, to: posted_hbm.target}\n"
                      "  - {from: routed_gen.out, to: 'bus.in[0]', check: true}\n"
                      "  - {from: 'bus.out[0]', to: routed_hbm.target, check: true}\n");
  REQUIRE(report.end == RunEnd::kCompleted);
  for (const char* gen : {"deferred_gen", "posted_gen", "routed_gen"})
    test::checkAnsweredWithData(report, gen, 4000, 1000);
  CHECK(test::statOf(report, "deferred_hbm", "writes") ==
        test::statOf(report, "deferred_gen", "writes"));
  CHECK(test::statOf(report, "deferred_gen", "mean_latency") >
        1.2 * test::statOf(report, "posted_gen", "mean_latency"));
  CHECK(test::checkersPassed(report) == 3);  // nb_transport direct and through a router
}

TEST_CASE(
    "HBM TLM: scheduling on_issue answers every request later, groups directions, "
    "keeps the data",
    "[hbm_tlm][on_issue]") {
  // A 50% read/write stream that one pseudo-channel serves, rotating over its bank groups and
  // banks (as DRAMSys' comparison's bank-interleaved mapping), 32 reads and 32 writes in flight,
  // into an on_arrival and an on_issue device (one elaboration), each through a protocol checker,
  // plus a blocking generator into an on_issue device behind a router (b_transport waits). on_issue
  // chooses among the queued bursts when a command can issue, so it turns the bus around less often
  // and moves more data; every request is answered, data written before a read is read back, and
  // END_REQ / BEGIN_RESP follow the base protocol.
  const std::string generator =
      "{type: traffic_generator, params: {transactions: 4000, size: 32 B, pattern: sequential, "
      "read_fraction: 0.5, outstanding: 32, outstanding_writes: 32, issue_interval: 1 ns, "
      "transport: TRANSPORT, data: pattern, address_range: 16 KiB}}";
  auto with = [&](const std::string& transport) {
    std::string text = generator;
    text.replace(text.find("TRANSPORT"), 9, transport);
    return text;
  };
  const std::string device =
      "{type: hbm, preset: hbm2, params: {store_data: true, refresh_policy: none, "
      "address_mapping: RoChPcCoBaBg, bank_queue_depth: 8, scheduling: ";
  const RunReport report = test::runInline(
      "modules:\n  arrival_gen: " + with("non_blocking") + "\n  arrival_hbm: " + device +
      "on_arrival}}\n  issue_gen: " + with("non_blocking") + "\n  issue_hbm: " + device +
      "on_issue}}\n  blocking_gen: " + with("blocking") + "\n  blocking_hbm: " + device +
      "on_issue}}\n  bus: {type: router, params: {inputs: 1, base_addresses: [0x0], sizes: "
      "[8 GiB], latency: 2 ns, bandwidth: 128 GB/s}}\nconnections:\n"
      "  - {from: arrival_gen.out, to: arrival_hbm.target, check: true}\n"
      "  - {from: issue_gen.out, to: issue_hbm.target, check: true}\n"
      "  - {from: blocking_gen.out, to: 'bus.in[0]', check: true}\n"
      "  - {from: 'bus.out[0]', to: blocking_hbm.target, check: true}\n");
  REQUIRE(report.end == RunEnd::kCompleted);
  for (const char* gen : {"arrival_gen", "issue_gen", "blocking_gen"})
    test::checkAnsweredWithData(report, gen, 4000, 1000);
  CHECK(test::statOf(report, "issue_hbm", "reads") == test::statOf(report, "issue_gen", "reads"));
  // b_transport waits for the answer, so the blocking generator keeps one in flight meanwhile
  // (counted, and warned about at the end: outstanding 32 is not reached).
  CHECK(test::statOf(report, "blocking_gen", "blocking_waits") > 100);
  CHECK(test::statOf(report, "issue_gen", "bandwidth") >
        1.5 * test::statOf(report, "arrival_gen", "bandwidth"));
  CHECK(test::checkersPassed(report) == 4);
}
