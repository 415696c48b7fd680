// The `router` module type's nb_transport path: requests stay in flight through it, and it keeps
// the base protocol's request and response exclusion on both sides.
#include <tlm_utils/simple_initiator_socket.h>

#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "support/run_report_lookup.h"
#include "test/models/memory/memory_tlm_test_support.h"

using namespace spatialvp;

namespace {

// A test initiator that reads through nb_transport with up to `outstanding` in flight and takes
// each response slowly: it returns TLM_ACCEPTED to BEGIN_RESP and sends END_RESP `hold` later.
// It counts a BEGIN_RESP that arrives before the previous response's END_RESP (the base
// protocol's response exclusion forbids it) and a BEGIN_REQ sent back before END_REQ.
class SlowReader : public Module {
 public:
  SlowReader(sc_core::sc_module_name name, const ModuleContext& context)
      : Module(name, context),
        count_(static_cast<std::size_t>(params().integer("transactions"))),
        outstanding_(static_cast<std::size_t>(params().integer("outstanding"))),
        hold_(sc_core::sc_time::from_seconds(params().quantity("hold"))) {
    out_.register_nb_transport_bw(this, &SlowReader::nb_transport_bw);
    for (std::size_t i = 0; i < count_; ++i) {
      auto payload = std::make_unique<tlm::tlm_generic_payload>();
      data_.emplace_back(64, 0);
      payload->set_command(tlm::TLM_READ_COMMAND);
      payload->set_address(static_cast<std::uint64_t>(params().integer("address_base")) + i * 64);
      payload->set_data_ptr(data_.back().data());
      payload->set_data_length(64);
      payload->set_streaming_width(64);
      payload->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      payloads_.push_back(std::move(payload));
    }
    becomeActive();
    SC_HAS_PROCESS(SlowReader);
    SC_THREAD(run);
    SC_METHOD(endResponse);
    sensitive << end_resp_event_;
    dont_initialize();
  }

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override {
    return port == "out" && index == 0 ? &out_ : nullptr;
  }

  void reportStats(ModuleStats& stats) const override {
    stats.counter("completed", completed_, "transactions", "responses ended");
    stats.counter("errors", errors_, "transactions", "error responses");
    stats.counter("overlapping_responses", overlaps_, "transactions", "response exclusion broken");
    stats.counter("most_in_flight", most_in_flight_, "transactions", "most requests in flight");
  }

  static void registerType(ModuleRegistry& registry) {
    ModuleTypeInfo info;
    info.name = "slow_reader";
    info.description = "test initiator that ends each response late";
    info.params.integer("transactions", "reads of 64 B");
    info.params.integer("outstanding", "reads in flight at most");
    info.params.integer("address_base", "first address").byDefault("0");
    info.params.quantity("hold", dims::time(), "BEGIN_RESP to END_RESP").byDefault("5 ns");
    info.ports.push_back({"out", PortDirection::kInitiator, "reads", true});
    registry.add<SlowReader>(std::move(info));
  }

 private:
  void run() {
    for (auto& payload : payloads_) {
      while (in_flight_ >= outstanding_ || awaiting_end_req_ != nullptr)
        wait(progress_event_);
      ++in_flight_;
      most_in_flight_ = std::max<std::uint64_t>(most_in_flight_, in_flight_);
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      const tlm::tlm_sync_enum status = out_->nb_transport_fw(*payload, phase, delay);
      if (status == tlm::TLM_ACCEPTED) {
        awaiting_end_req_ = payload.get();
      } else if (status == tlm::TLM_COMPLETED) {
        finish(*payload);
      } else if (phase == tlm::BEGIN_RESP) {
        takeResponse(*payload);
      }
      wait(sc_core::sc_time(1, sc_core::SC_NS));
    }
    while (completed_ < count_)
      wait(progress_event_);
    finished();
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_core::sc_time&) {
    if (awaiting_end_req_ == &payload) {
      awaiting_end_req_ = nullptr;
      progress_event_.notify(sc_core::SC_ZERO_TIME);
    }
    if (phase == tlm::BEGIN_RESP)
      takeResponse(payload);
    return tlm::TLM_ACCEPTED;
  }

  void takeResponse(tlm::tlm_generic_payload& payload) {
    if (responding_ != nullptr)
      ++overlaps_;
    responding_ = &payload;
    end_resp_event_.notify(hold_);
  }

  void endResponse() {
    tlm::tlm_generic_payload& payload = *responding_;
    responding_ = nullptr;
    tlm::tlm_phase phase = tlm::END_RESP;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    out_->nb_transport_fw(payload, phase, delay);
    finish(payload);
  }

  void finish(tlm::tlm_generic_payload& payload) {
    if (payload.is_response_error())
      ++errors_;
    --in_flight_;
    ++completed_;
    progress_event_.notify(sc_core::SC_ZERO_TIME);
  }

  tlm_utils::simple_initiator_socket<SlowReader> out_{"out"};
  std::size_t count_;
  std::size_t outstanding_;
  sc_core::sc_time hold_;
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> payloads_;
  std::vector<std::vector<unsigned char>> data_;
  tlm::tlm_generic_payload* awaiting_end_req_ = nullptr;
  tlm::tlm_generic_payload* responding_ = nullptr;
  std::size_t in_flight_ = 0;
  std::uint64_t most_in_flight_ = 0;
  std::uint64_t completed_ = 0;
  std::uint64_t errors_ = 0;
  std::uint64_t overlaps_ = 0;
  sc_core::sc_event progress_event_;
  sc_core::sc_event end_resp_event_;
};

RunReport runPlatform(const std::string& yaml) {
  Simulation simulation(test::parsePlatform(yaml), "test.yaml", SlowReader::registerType);
  simulation.elaborate(false, std::nullopt);
  return simulation.run();
}

// Generators keeping 32 requests in flight into on_issue hbm devices: sequential reads directly
// and through a router (no seed-drawn choice, so both issue the same requests), and a random
// read/write mix with data through a router; every connection has a protocol checker.
const char* const kGeneratorsIntoHbm = R"(platform: {protocol_checks: true}
modules:
  direct_gen: {type: traffic_generator, params: {transactions: 6000, size: 64 B,
      pattern: sequential, streams: 4, outstanding: 32, transport: non_blocking,
      address_range: 1 GiB}}
  direct_hbm: {type: hbm, preset: hbm2, params: {scheduling: on_issue}}
  routed_gen: {type: traffic_generator, params: {transactions: 6000, size: 64 B,
      pattern: sequential, streams: 4, outstanding: 32, transport: non_blocking,
      address_range: 1 GiB}}
  bus: {type: router, params: {inputs: 2, base_addresses: [0, 0x200000000], sizes: [8 GiB, 8 GiB],
        latency: 0 ns, bandwidth: 100 TB/s}}
  routed_hbm: {type: hbm, preset: hbm2, params: {scheduling: on_issue}}
  mixed_gen: {type: traffic_generator, params: {transactions: 6000, size: 64 B, pattern: random,
      read_fraction: 0.7, outstanding: 32, transport: non_blocking, data: pattern,
      address_range: 64 KiB, address_base: 0x200000000}}
  mixed_hbm: {type: hbm, preset: hbm2, params: {scheduling: on_issue, store_data: true}}
connections:
  - {from: direct_gen.out, to: direct_hbm.target}
  - {from: routed_gen.out, to: "bus.in[0]"}
  - {from: mixed_gen.out, to: "bus.in[1]"}
  - {from: "bus.out[0]", to: routed_hbm.target}
  - {from: "bus.out[1]", to: mixed_hbm.target}
)";

}  // namespace

TEST_CASE("router: nb_transport keeps an on_issue hbm's requests in flight", "[router]") {
  const RunReport report = runPlatform(kGeneratorsIntoHbm);
  REQUIRE(report.end == RunEnd::kCompleted);
  for (const char* gen : {"direct_gen", "routed_gen", "mixed_gen"}) {
    CHECK(test::statOf(report, gen, "requests") == 6000);
    CHECK(test::statOf(report, gen, "accepted_with_response") == 0);  // END_REQ before the response
  }
  // A router of no latency and ample bandwidth changes next to nothing: the device sees the
  // same requests, each 1 ps later (64 B on the router's output at 100 TB/s, rounded up).
  // Through b_transport it would see one at a time, about a tenth of the bandwidth.
  CHECK(test::statOf(report, "routed_gen", "bandwidth") ==
        Approx(test::statOf(report, "direct_gen", "bandwidth")).epsilon(1e-4));
  CHECK(test::statOf(report, "routed_gen", "mean_latency") ==
        Approx(test::statOf(report, "direct_gen", "mean_latency")).epsilon(1e-4));
  CHECK(test::statOf(report, "routed_hbm", "row_hits") ==
        test::statOf(report, "direct_hbm", "row_hits"));
  CHECK(test::statOf(report, "bus", "queued_requests") == 0);  // the hbm accepts in the call
  // Two initiators through one router, each to its own device: data written is read back.
  CHECK(test::statOf(report, "mixed_gen", "data_mismatches") == 0);
  CHECK(test::statOf(report, "mixed_gen", "checked_reads") > 1000);
  CHECK(test::checkersPassed(report) == 5);
}

TEST_CASE("router: requests for a target that accepts later wait in the router", "[router]") {
  // Two generators, 8 in flight each, share an sram that serves nb_transport through its
  // b_transport (TLM_ACCEPTED, then BEGIN_RESP): the router holds every later request until the
  // one before it is answered, so the sram never sees two requests before an END_REQ.
  const RunReport report = runPlatform(R"(platform: {protocol_checks: true}
modules:
  a: {type: traffic_generator, params: {transactions: 2000, size: 64 B, pattern: random,
      read_fraction: 0.5, outstanding: 8, transport: non_blocking, data: pattern,
      address_range: 16 KiB}}
  b: {type: traffic_generator, params: {transactions: 2000, size: 64 B, pattern: random,
      read_fraction: 0.5, outstanding: 8, transport: non_blocking, data: pattern,
      address_range: 16 KiB, address_base: 16384}}
  bus: {type: router, params: {inputs: 2, base_addresses: [0], sizes: [1 MiB], latency: 2 ns,
        bandwidth: 64 GB/s}}
  mem: {type: sram, params: {capacity: 1 MiB, store_data: true}}
connections:
  - {from: a.out, to: "bus.in[0]"}
  - {from: b.out, to: "bus.in[1]"}
  - {from: "bus.out[0]", to: mem.target}
)");
  REQUIRE(report.end == RunEnd::kCompleted);
  for (const char* gen : {"a", "b"}) {
    CHECK(test::statOf(report, gen, "requests") == 2000);
    CHECK(test::statOf(report, gen, "data_mismatches") == 0);
    CHECK(test::statOf(report, gen, "checked_reads") > 500);
  }
  CHECK(test::statOf(report, "bus", "queued_requests") > 1000);
  CHECK(test::statOf(report, "mem", "reads") + test::statOf(report, "mem", "writes") == 4000);
  CHECK(test::checkersPassed(report) == 3);
}

TEST_CASE("router: responses for an initiator that ends them late wait in the router", "[router]") {
  // 16 reads in flight into an on_issue hbm whose answers come about a data burst apart; the
  // reader ends each response 5 ns after it (TLM_ACCEPTED, then END_RESP), so the router must
  // hold the others back until then. Through the router it never sees two at once; every read
  // completes.
  const RunReport report = runPlatform(R"(platform: {protocol_checks: true}
modules:
  reader: {type: slow_reader, params: {transactions: 400, outstanding: 16, hold: 5 ns}}
  bus: {type: router, params: {inputs: 1, base_addresses: [0], sizes: [8 GiB], latency: 1 ns,
        bandwidth: 100 TB/s}}
  hbm: {type: hbm, preset: hbm2, params: {scheduling: on_issue}}
connections:
  - {from: reader.out, to: "bus.in[0]"}
  - {from: "bus.out[0]", to: hbm.target}
)");
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "reader", "completed") == 400);
  CHECK(test::statOf(report, "reader", "errors") == 0);
  CHECK(test::statOf(report, "reader", "overlapping_responses") == 0);
  CHECK(test::statOf(report, "reader", "most_in_flight") == 16);
  CHECK(test::statOf(report, "bus", "queued_responses") > 0);
  CHECK(test::statOf(report, "hbm", "reads") == 400);
  CHECK(test::checkersPassed(report) == 2);
}

TEST_CASE("router: an unmapped address through nb_transport is answered with an address error",
          "[router]") {
  const RunReport report = runPlatform(R"(modules:
  reader: {type: slow_reader, params: {transactions: 4, outstanding: 2,
           address_base: 0x80000000}}
  bus: {type: router, params: {inputs: 1, base_addresses: [0], sizes: [1 MiB]}}
  mem: {type: sram, params: {capacity: 1 MiB}}
connections:
  - {from: reader.out, to: "bus.in[0]"}
  - {from: "bus.out[0]", to: mem.target}
)");
  REQUIRE(report.end == RunEnd::kCompleted);
  CHECK(test::statOf(report, "reader", "completed") == 4);
  CHECK(test::statOf(report, "reader", "errors") == 4);
  CHECK(test::statOf(report, "bus", "decode_errors") == 4);
}
