// The protocol checker catches targets that break base-protocol rules.
#include <tlm_utils/simple_target_socket.h>

#include <catch2/catch.hpp>

#include "config_test_support.h"

using namespace spatialvp;
using Catch::Matchers::Contains;

namespace {

// A deliberately broken target; its flaw is chosen by parameter.
class BrokenTarget : public Module {
 public:
  BrokenTarget(sc_core::sc_module_name name, const ModuleContext& context)
      : Module(name, context), flaw_(params().string("flaw")) {
    target_.register_b_transport(this, &BrokenTarget::b_transport);
  }
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override {
    return port == "target" && index == 0 ? &target_ : nullptr;
  }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    if (flaw_ == "no_response")
      return;  // leaves TLM_INCOMPLETE_RESPONSE
    if (flaw_ == "moves_address")
      payload.set_address(payload.get_address() + 4);
    if (flaw_ == "rewinds_time")
      delay = sc_core::SC_ZERO_TIME;
    delay += sc_core::sc_time(1, sc_core::SC_NS);
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  tlm_utils::simple_target_socket<BrokenTarget> target_{"target"};
  std::string flaw_;
};

void registerBroken(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "broken_target";
  info.description = "test target with a protocol flaw";
  info.params
      .enumeration("flaw", {"none", "no_response", "moves_address", "rewinds_time"}, "the flaw")
      .byDefault("none");
  info.ports.push_back({"target", PortDirection::kTarget, "in", true});
  registry.add<BrokenTarget>(std::move(info));
}

RunReport runWith(const std::string& flaw) {
  const std::string yaml = R"(modules:
  gen: {type: traffic_generator, params: {transactions: 50, issue_gap: 5 ns}}
  bad: {type: broken_target, params: {flaw: )" +
                           flaw + R"(}}
connections:
  - {from: gen.out, to: bad.target, check: true}
)";
  Simulation simulation(test::parsePlatform(yaml), "test.yaml", registerBroken);
  simulation.elaborate(false, std::nullopt);
  return simulation.run();
}

}  // namespace

TEST_CASE("Checker passes a well-behaved target", "[protocol]") {
  const RunReport report = runWith("none");
  CHECK(report.end == RunEnd::kCompleted);
  const auto& checker = report.modules.back();
  CHECK(checker.type == "protocol_checker");
  CHECK(checker.stats.values()[0].value == 50);  // transactions checked
  CHECK(checker.stats.values()[1].value == 0);   // violations
}

TEST_CASE("Checker catches a target that sets no response status", "[protocol]") {
  const RunReport report = runWith("no_response");
  CHECK(report.end == RunEnd::kError);
  CHECK_THAT(report.message, Contains("base-protocol violation [response_status]"));
}

TEST_CASE("Checker catches a target that modifies the address", "[protocol]") {
  const RunReport report = runWith("moves_address");
  CHECK(report.end == RunEnd::kError);
  CHECK_THAT(report.message, Contains("[immutable_attributes]"));
}

TEST_CASE("Checker catches a target that decreases the delay", "[protocol]") {
  const RunReport report = runWith("rewinds_time");
  CHECK(report.end == RunEnd::kError);
  CHECK_THAT(report.message, Contains("[timing]"));
}
