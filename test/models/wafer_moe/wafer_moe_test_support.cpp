#include "models/wafer_moe/wafer_moe_test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "platform/core/config_error.h"
#include "platform/core/config_loader.h"
#include "platform/elab/document_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/output/stats_writer.h"

namespace spatialvp::test {

namespace {

ConfigNode loadConfig(const std::string& path) {
  ConfigLoader loader({SPATIALVP_SOURCE_DIR "/platform/configs"},
                      [](const std::string& name) { return embeddedConfig(name); });
  return loader.loadFile(path);
}

ConfigNode loadShipped(const std::string& file) {
  return loadConfig(SPATIALVP_SOURCE_DIR "/platform/configs/" + file);
}

}  // namespace

RunReport runConfig(const std::string& path, const std::vector<std::string>& settings) {
  ConfigNode root = loadConfig(path);
  applyOverridesAndExpand(root, settings);
  Simulation simulation(root, path);
  simulation.elaborate(false, std::nullopt);
  return simulation.run();
}

RunReport runShipped(const std::string& file, const std::vector<std::string>& settings) {
  return runConfig(SPATIALVP_SOURCE_DIR "/platform/configs/" + file, settings);
}

std::string shippedConfigError(const std::string& setting) {
  ConfigNode root = loadShipped("wafer_moe.yaml");
  applyOverridesAndExpand(root, {setting});
  try {
    Simulation simulation(root, "wafer_moe.yaml");
    simulation.elaborate(false, std::nullopt);
  } catch (const ConfigError& error) {
    return error.what();
  }
  FAIL("expected a configuration error");
  return "";
}

std::string configError(const std::string& path, const std::vector<std::string>& settings) {
  ConfigNode root = loadConfig(path);
  applyOverridesAndExpand(root, settings);
  try {
    Simulation simulation(root, path);
    simulation.elaborate(false, std::nullopt);
  } catch (const ConfigError& error) {
    return error.what();
  }
  FAIL("expected a configuration error");
  return "";
}

std::vector<std::vector<std::string>> tableRows(const ModuleReport& module,
                                                const std::string& table) {
  const auto& tables = module.stats.tables();
  const auto found = std::find_if(tables.begin(), tables.end(),
                                  [&](const StatTable& t) { return t.name() == table; });
  INFO(module.name << " has no table " << table);
  REQUIRE(found != tables.end());
  std::stringstream file(tableCsv(*found));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(file, line);  // header
  while (std::getline(file, line)) {
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, ','))
      cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

std::string freshDir(const std::string& name) {
  const std::string dir = SPATIALVP_BINARY_DIR "/wafer_moe_" + name;
  REQUIRE(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()) == 0);
  return dir;
}

std::string generatedConfig(const std::string& dir, const std::string& file,
                            const std::string& arguments) {
  const std::string config = dir + "/" + file;
  REQUIRE(std::system(("python3 " SPATIALVP_SOURCE_DIR "/scripts/gen_wafer_moe_config " +
                       arguments + " --output " + config)
                          .c_str()) == 0);
  return config;
}

double jsonCounter(const nlohmann::json& counters, const std::string& key) {
  return counters[key]["value"].get<double>();
}

nlohmann::json cliCounters(const std::string& name, const std::vector<std::string>& settings,
                           const std::string& config) {
  const std::string out = SPATIALVP_BINARY_DIR "/wafer_moe_" + name;
  std::string command = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 " SPATIALVP_BINARY_DIR
                        "/spatialvp run " +
                        config + " --quiet --out " + out;
  for (const auto& setting : settings)
    command += " --set " + setting;
  REQUIRE(std::system((command + " > /dev/null").c_str()) == 0);
  return cliModules(name)["orch"]["counters"];
}

nlohmann::json cliModules(const std::string& name) {
  std::ifstream file(SPATIALVP_BINARY_DIR "/wafer_moe_" + name + "/stats.json");
  REQUIRE(file);
  return nlohmann::json::parse(file)["modules"];
}

}  // namespace spatialvp::test
