#pragma once
// Helpers shared by the wafer MoE test files: run a config in-process (one elaboration per test
// case) or through the CLI (cases comparing runs), generated configs, CSV and stats readers.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "platform/sim/simulation.h"

namespace spatialvp::test {

// Elaborates and runs `path` (or a shipped config under platform/configs) with --set settings.
RunReport runConfig(const std::string& path, const std::vector<std::string>& settings);
RunReport runShipped(const std::string& file, const std::vector<std::string>& settings);
// The configuration error of wafer_moe.yaml with one --set `setting` (elaborates once).
std::string shippedConfigError(const std::string& setting);
// The configuration error of the config at `path` with --set `settings` (elaborates once).
std::string configError(const std::string& path, const std::vector<std::string>& settings = {});

// Rows of a module's stats table as the output layer writes them to CSV (after the header,
// split at commas).
std::vector<std::vector<std::string>> tableRows(const ModuleReport& module,
                                                const std::string& table);
// An empty directory under the build tree.
std::string freshDir(const std::string& name);
// scripts/gen_wafer_moe_config with `arguments`, written to `dir`/`file`; returns that path.
std::string generatedConfig(const std::string& dir, const std::string& file,
                            const std::string& arguments);

// Runs `spatialvp run config --set ...` into <build>/wafer_moe_<name>; the orchestrator's
// counters from its stats.json.
nlohmann::json cliCounters(const std::string& name, const std::vector<std::string>& settings,
                           const std::string& config = SPATIALVP_SOURCE_DIR
                           "/platform/configs/wafer_moe.yaml");
double jsonCounter(const nlohmann::json& counters, const std::string& key);
// Every module's stats of the run cliCounters(name, ...) made.
nlohmann::json cliModules(const std::string& name);

}  // namespace spatialvp::test
