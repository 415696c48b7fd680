// Every registered module type elaborates alone, with only the peers its required ports need
// (issue 13). The list of types comes from the registry, so a new type without a platform here
// fails the first case. Each platform goes through `spatialvp check` (one elaboration per
// process: SystemC's kernel is process-global), which builds every module, binds every socket
// and runs the end-of-elaboration checks (Module::connected).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "platform/elab/builtin_models.h"
#include "platform/sim/module_registry.h"

namespace {

// An initiator for a target-only type (elaboration only: it never runs), its window small
// enough for the smallest target (elaboration checks that it exists behind the port).
const std::string kDriver = "  gen: {type: traffic_generator, params: {address_range: 1 KiB}}\n";
const std::string kMemory = "  mem: {type: memory, params: {size: 1 MiB}}\n";

std::string platform(const std::string& modules, const std::string& connections) {
  return "platform: {name: alone}\nmodules:\n" + modules + "connections:\n" + connections;
}

std::string shipped(const std::string& file) {
  return "include: [" SPATIALVP_SOURCE_DIR "/platform/configs/" + file + "]\n";
}

std::string starUnit(const std::string& type, const std::string& preset) {
  return platform(kDriver + kMemory + "  unit: {type: " + type + ", preset: star/" + preset + "}\n",
                  "  - {from: gen.out, to: unit.jobs}\n  - {from: unit.sram, to: mem.target}\n");
}

// A Spatial-STAR core's controller with its four units and a memory for each of its mesh ports
// (no orchestrator: it is only elaborated, never handed work).
std::string spatialStarCore() {
  std::string modules = kDriver + "  core: {type: spatial_star_core}\n";
  std::string connections = "  - {from: gen.out, to: core.control}\n";
  const char* units[][3] = {{"dlzs", "star_dlzs_unit", "dlzs_unit"},
                            {"sads", "star_sads_unit", "sads_unit"},
                            {"kv", "star_kv_array", "kv_array"},
                            {"sufa", "star_sufa_unit", "sufa_unit"}};
  for (const auto& unit : units) {
    const std::string name = unit[0];
    modules += "  " + name + ": {type: " + unit[1] + ", preset: star/" + unit[2] + "}\n" + "  " +
               name + "_mem: {type: memory, params: {size: 1 MiB}}\n";
    connections += "  - {from: core." + name + ", to: " + name + ".jobs}\n  - {from: " + name +
                   ".sram, to: " + name + "_mem.target}\n";
  }
  for (const char* port : {"mesh", "control_out"}) {
    modules += std::string("  ") + port + "_mem: {type: memory, params: {size: 1 MiB}}\n";
    connections += std::string("  - {from: core.") + port + ", to: " + port + "_mem.target}\n";
  }
  return platform(modules, connections);
}

// The smallest platform around each built-in type.
std::map<std::string, std::string> minimalPlatforms() {
  const std::string mesh_2x1 =
      "  net: {type: mesh, params: {width: 2, height: 1, in_nodes: [0], out_nodes: [1], "
      "out_base_addresses: [0], out_sizes: [1 MiB]}}\n";
  return {
      {"crossbar_switch",
       platform(kDriver + kMemory +
                    "  switch: {type: crossbar_switch, params: {ports: 1, window_stride: 1 MiB}}\n",
                "  - {from: gen.out, to: \"switch.in[0]\"}\n"
                "  - {from: \"switch.out[0]\", to: mem.target}\n")},
      {"d2d_link", platform(kDriver + kMemory + "  gen_b: {type: traffic_generator}\n" +
                                "  mem_a: {type: memory, params: {size: 1 MiB}}\n" +
                                "  link: {type: d2d_link}\n",
                            "  - {from: gen.out, to: link.a_in}\n"
                            "  - {from: link.b_out, to: mem.target}\n"
                            "  - {from: gen_b.out, to: link.b_in}\n"
                            "  - {from: link.a_out, to: mem_a.target}\n")},
      {"die_compute_engine",
       platform(kDriver + "  engine: {type: die_compute_engine, preset: die_compute_b200}\n",
                "  - {from: gen.out, to: engine.jobs}\n")},
      {"hbm", platform(kDriver + "  hbm: {type: hbm, preset: hbm2}\n",
                       "  - {from: gen.out, to: hbm.target}\n")},
      {"memory", platform(kDriver + kMemory, "  - {from: gen.out, to: mem.target}\n")},
      {"mesh", platform(kDriver + kMemory + mesh_2x1,
                        "  - {from: gen.out, to: \"net.in[0]\"}\n"
                        "  - {from: \"net.out[0]\", to: mem.target}\n")},
      {"moe_orchestrator", shipped("wafer_moe.yaml")},
      {"network_port", platform(kDriver + kMemory + "  gen_b: {type: traffic_generator}\n" +
                                    "  mem_b: {type: memory, params: {size: 1 MiB}}\n" +
                                    "  port: {type: network_port}\n",
                                "  - {from: gen.out, to: port.tx}\n"
                                "  - {from: port.out, to: mem.target}\n"
                                "  - {from: gen_b.out, to: port.in}\n"
                                "  - {from: port.rx, to: mem_b.target}\n")},
      {"protocol_checker",
       platform(kDriver + kMemory + "  check: {type: protocol_checker}\n",
                "  - {from: gen.out, to: check.in}\n  - {from: check.out, to: mem.target}\n")},
      {"router", platform(kDriver + kMemory +
                              "  bus: {type: router, params: {base_addresses: [0], sizes: [1 "
                              "MiB]}}\n",
                          "  - {from: gen.out, to: \"bus.in[0]\"}\n"
                          "  - {from: \"bus.out[0]\", to: mem.target}\n")},
      {"spatial_star_core", spatialStarCore()},
      {"spatial_star_orchestrator", shipped("spatial_star.yaml")},
      {"sram", platform(kDriver + "  sram: {type: sram, preset: sram_28nm/token_sram}\n",
                        "  - {from: gen.out, to: sram.target}\n")},
      {"star_controller", shipped("star.yaml")},
      {"star_dlzs_unit", starUnit("star_dlzs_unit", "dlzs_unit")},
      {"star_kv_array", starUnit("star_kv_array", "kv_array")},
      {"star_sads_unit", starUnit("star_sads_unit", "sads_unit")},
      {"star_sufa_unit", starUnit("star_sufa_unit", "sufa_unit")},
      {"trace_player",
       platform(kMemory + "  player: {type: trace_player, params: {file: one.trace}}\n",
                "  - {from: player.out, to: mem.target}\n")},
      {"traffic_generator", platform(kDriver + kMemory, "  - {from: gen.out, to: mem.target}\n")},
  };
}

}  // namespace

TEST_CASE("Every registered module type has a minimal platform", "[module_types]") {
  spatialvp::ModuleRegistry registry;
  spatialvp::registerBuiltinModels(registry);
  const auto platforms = minimalPlatforms();
  for (const auto* type : registry.types()) {
    INFO("module type " << type->name
                        << " has no minimal platform in module_type_elaboration_test.cpp");
    CHECK(platforms.count(type->name) == 1);
  }
  for (const auto& [name, yaml] : platforms) {
    INFO("minimal platform for an unregistered type " << name);
    CHECK(registry.find(name) != nullptr);
  }
}

TEST_CASE("Every registered module type elaborates alone", "[module_types]") {
  const std::string dir = SPATIALVP_BINARY_DIR "/module_type_elaboration";
  REQUIRE(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()) == 0);
  std::ofstream(dir + "/one.trace") << "0 ns, W, 0x0, 64 B\n";
  for (const auto& [name, yaml] : minimalPlatforms()) {
    DYNAMIC_SECTION(name) {
      const std::string config = dir + "/" + name + ".yaml";
      std::ofstream(config) << yaml;
      const std::string command = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 " SPATIALVP_BINARY_DIR
                                  "/spatialvp check " +
                                  config + " > " + config + ".log 2>&1";
      INFO(command << "\n(see the .log next to the config)");
      CHECK(std::system(command.c_str()) == 0);
    }
  }
}
