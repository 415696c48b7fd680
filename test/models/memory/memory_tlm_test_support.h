#pragma once
// Helpers of the `hbm` / `sram` TLM tests: run a platform written inline as YAML (with the
// scripted tlm_probe initiator of the interconnect tests available), find a module's report and
// locate a token of the YAML text as a ConfigError position.
#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "test/interconnect/tlm_probe.h"
#include "test/platform/config_test_support.h"

namespace spatialvp::test {

// `extra_types` registers a test's own module types beside tlm_probe.
inline RunReport runInline(const std::string& yaml, const std::vector<std::string>& overrides = {},
                           const std::function<void(ModuleRegistry&)>& extra_types = {}) {
  ConfigNode root = parsePlatform(yaml);
  for (const std::string& assignment : overrides)
    ConfigLoader::applyOverride(root, assignment);
  Simulation simulation(root, "test.yaml", [&](ModuleRegistry& registry) {
    TlmProbe::registerType(registry);
    if (extra_types)
      extra_types(registry);
  });
  simulation.elaborate(false, std::nullopt);
  return simulation.run();
}

// Every transaction of generator `gen` answered, more than `min_checked` reads of written data
// checked (data: pattern) and none wrong.
inline void checkAnsweredWithData(const RunReport& report, const std::string& gen,
                                  double transactions, double min_checked) {
  INFO(gen);
  CHECK(statOf(report, gen, "reads") + statOf(report, gen, "writes") == transactions);
  CHECK(statOf(report, gen, "checked_reads") > min_checked);
  CHECK(statOf(report, gen, "data_mismatches") == 0);
}

inline std::string errorOf(const std::string& yaml) {
  return configErrorOf(yaml, TlmProbe::registerType);
}

inline const ModuleReport& moduleOf(const RunReport& report, const std::string& name) {
  for (const ModuleReport& module : report.modules) {
    if (module.name == name)
      return module;
  }
  throw std::runtime_error("no module " + name);
}

inline std::uint64_t actionOf(const RunReport& report, const std::string& module,
                              const std::string& action) {
  for (const EnergyItem& item : moduleOf(report, module).energy_items) {
    if (item.action == action)
      return item.count;
  }
  throw std::runtime_error("no action " + module + "." + action);
}

// "FILE:LINE:COL" (1-based, as ConfigError) of the text `skip` characters into the first
// occurrence of `token` in `text`.
inline std::string positionIn(const std::string& file, const std::string& text,
                              const std::string& token, std::size_t skip = 0) {
  std::size_t at = text.find(token);
  REQUIRE(at != std::string::npos);
  at += skip;
  const std::size_t line_start = text.rfind('\n', at);
  const std::size_t column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// Every protocol checker of the run saw traffic and no violation; returns how many there were.
inline int checkersPassed(const RunReport& report) {
  int checkers = 0;
  for (const ModuleReport& module : report.modules) {
    if (module.type != "protocol_checker")
      continue;
    ++checkers;
    CHECK(statOf(report, module.name, "transactions") > 0);
    CHECK(statOf(report, module.name, "violations") == 0);
  }
  return checkers;
}

}  // namespace spatialvp::test
