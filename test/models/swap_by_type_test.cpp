// Replaceable by type name (issue 13): one STAR unit, one die compute engine and one memory are
// swapped in YAML for differently-timed types that implement the same interface (two from a
// test plug-in, plugins/swap_alternatives_plugin.cpp; the memory for the in-tree flat `memory`),
// and the platform runs with its timing moved in the expected direction and by about the
// expected amount; so is the single core's controller, for a plug-in controller type. In
// Spatial-STAR, one core's unit is swapped the same way under its spatial_star_core controller,
// and one core's controller itself for a plug-in core type.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using nlohmann::json;

const std::string kPlugin = SPATIALVP_BINARY_DIR "/plugins/libspatialvp_test_swap_plugin.so";

std::string readText(const std::string& path) {
  std::ifstream file(path);
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// `text` with `from` replaced once (the test fails if it is not there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  INFO("expected to find: " << from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string freshDir(const std::string& name) {
  const std::string dir = SPATIALVP_BINARY_DIR "/swap_by_type_" + name;
  REQUIRE(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()) == 0);
  return dir;
}

// Runs `text` (written to dir/name.yaml) with the CLI; its stats.json.
json run(const std::string& dir, const std::string& name, const std::string& text,
         const std::string& settings = "") {
  const std::string config = dir + "/" + name + ".yaml";
  std::ofstream(config) << text;
  const std::string out = dir + "/" + name;
  const std::string command = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 " SPATIALVP_BINARY_DIR
                              "/spatialvp run " +
                              config + " --quiet --out " + out + " " + settings + " > /dev/null";
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream file(out + "/stats.json");
  return json::parse(file);
}

double simulated(const json& stats) {
  return stats["run"]["simulated_time"]["value"].get<double>();
}

double counter(const json& stats, const std::string& module, const std::string& key) {
  return stats["modules"][module]["counters"][key]["value"].get<double>();
}

std::string withPlugin(const std::string& text) {
  return "plugins: [" + kPlugin + "]\n" + text;
}

// The tests' small Spatial-STAR layer (S = 4K, 4 heads, Bc = 256, exact), ring over the 16 cores.
const std::string kSmallSpatialLayer =
    "--set orch.workload.seq_len=4096 --set orch.workload.hidden_size=512 --set "
    "orch.workload.heads=4 "
    "--set orch.workload.tile_length=256 --set orch.tile_group=1 --set orch.sample_rounds=0 "
    "--set orch.operating_point.kv_union_fraction=0.25";

const std::string kStarSads =
    "  sads:\n    type: star_sads_unit\n    preset: star/sads_unit\n"
    "    params: {sram_base: 0x0, sram_window: 4 KiB}\n";

}  // namespace

TEST_CASE("Swap by type: a STAR unit for a plug-in unit with a fixed job time", "[swap]") {
  const std::string dir = freshDir("star_unit");
  const std::string star = readText(SPATIALVP_SOURCE_DIR "/platform/configs/star.yaml");
  const json base = run(dir, "base", star);
  // 20 us per SADS job: far above every unit's own job time, so SADS becomes the bottleneck and
  // the layer takes about jobs x 20 us (the other stages overlap it).
  const json swapped =
      run(dir, "swapped",
          withPlugin(replaced(star, kStarSads,
                              "  sads: {type: test_fixed_latency_unit, params: {job_latency: "
                              "20 us}}\n")));
  CHECK(swapped["modules"]["sads"]["type"] == "test_fixed_latency_unit");
  const double jobs = counter(swapped, "sads", "jobs");
  CHECK(jobs == counter(base, "sads", "jobs"));
  const double bound = jobs * 20e-6;
  INFO("base " << simulated(base) << " s, swapped " << simulated(swapped) << " s, bound " << bound);
  REQUIRE(bound > 2.0 * simulated(base));
  CHECK(simulated(swapped) >= bound);
  CHECK(simulated(swapped) <= 1.2 * bound);
}

TEST_CASE("Swap by type: the STAR controller for a plug-in controller", "[swap]") {
  const std::string dir = freshDir("star_controller");
  const std::string star = readText(SPATIALVP_SOURCE_DIR "/platform/configs/star.yaml");
  const json base = run(dir, "base", star);
  // 20 us of controller time per key tile, one tile after another, before the tile's first job:
  // the layer takes at least tiles x 20 us; each tile's own work overlaps the next tile's
  // overhead, so at most that plus the whole base layer.
  const json swapped = run(dir, "swapped",
                           withPlugin(replaced(star, "    type: star_controller\n",
                                               "    type: test_tile_overhead_controller\n")),
                           "--set 'ctrl.tile_overhead=20 us'");
  CHECK(swapped["modules"]["ctrl"]["type"] == "test_tile_overhead_controller");
  const double tiles = counter(swapped, "ctrl", "tiles");
  CHECK(tiles == counter(base, "ctrl", "tiles"));
  CHECK(counter(swapped, "ctrl", "tiles_accepted") == tiles);
  for (const std::string unit : {"dlzs", "sads", "kv", "sufa"}) {
    INFO(unit);
    CHECK(counter(swapped, unit, "jobs") == counter(base, unit, "jobs"));
  }
  const double bound = tiles * 20e-6;
  const double base_latency = counter(base, "ctrl", "latency");
  const double latency = counter(swapped, "ctrl", "latency");
  INFO("base " << base_latency << " s, swapped " << latency << " s, bound " << bound);
  REQUIRE(bound > 2.0 * base_latency);
  CHECK(latency >= bound);
  CHECK(latency <= bound + base_latency);
}

TEST_CASE("Swap by type: STAR's HBM for a flat memory at a fortieth of its bandwidth", "[swap]") {
  const std::string dir = freshDir("star_memory");
  const std::string star = readText(SPATIALVP_SOURCE_DIR "/platform/configs/star.yaml");
  const json base = run(dir, "base", star);
  const std::string hbm_block =
      star.substr(star.find("  hbm:\n"), star.find("\nconnections:") - star.find("  hbm:\n"));
  // The hbm2 preset peaks at 512 GB/s (16 channels x 128 bit x 2 Gb/s); the flat memory has a
  // fortieth of it, so the DRAM stream alone takes bytes / 12.8 GB/s.
  const json swapped = run(dir, "swapped",
                           replaced(star, hbm_block,
                                    "  hbm: {type: memory, params: {size: 1 GiB, read_latency: "
                                    "100 ns, write_latency: 100 ns, bandwidth: 12.8 GB/s}}\n"));
  CHECK(swapped["modules"]["hbm"]["type"] == "memory");
  const double bytes =
      counter(swapped, "ctrl", "dram_read_bytes") + counter(swapped, "ctrl", "dram_write_bytes");
  CHECK(bytes ==
        counter(base, "ctrl", "dram_read_bytes") + counter(base, "ctrl", "dram_write_bytes"));
  const double stream = bytes / 12.8e9;
  INFO("base " << simulated(base) << " s, swapped " << simulated(swapped) << " s, stream "
               << stream);
  REQUIRE(stream > 2.0 * simulated(base));
  CHECK(simulated(swapped) >= stream);
  CHECK(simulated(swapped) <= 1.3 * stream);
}

TEST_CASE("Swap by type: one wafer die's compute engine for a plug-in engine", "[swap]") {
  const std::string dir = freshDir("die_engine");
  const std::string config = dir + "/wafer.yaml";
  REQUIRE(std::system(("python3 " SPATIALVP_SOURCE_DIR "/scripts/gen_wafer_moe_config --width 4 "
                       "--height 4 --balancer none --output " +
                       config)
                          .c_str()) == 0);
  const std::string wafer = readText(config);
  const std::string settings = "--set orch.sample_layers=2";
  const json base = run(dir, "base", wafer, settings);
  // Die 0 at 10 TFLOPS with 1 us per job, against 2250 TFLOPS x 0.7 on the other dies: die 0
  // finishes both compute phases last, each taking its own jobs' time.
  // The wafer is written in the compact form: die 0's engine is replaced in the expanded form.
  const json swapped = run(dir, "swapped", withPlugin(wafer),
                           settings +
                               " --set 'modules.compute0={type: test_fixed_rate_die_engine, "
                               "params: {rate: 10 TFLOPS, job_latency: 1 us}}'");
  CHECK(swapped["modules"]["compute0"]["type"] == "test_fixed_rate_die_engine");
  const double jobs = counter(swapped, "compute0", "jobs");
  CHECK(jobs == 4.0);  // attention and experts, 2 layers
  const double die0 =
      swapped["modules"]["compute0"]["counters"]["flops"]["value"].get<double>() / 10e12 +
      jobs * 1e-6;
  const double compute = counter(swapped, "orch", "time.attention_compute") +
                         counter(swapped, "orch", "time.moe_compute");
  const double base_compute =
      counter(base, "orch", "time.attention_compute") + counter(base, "orch", "time.moe_compute");
  INFO("base compute " << base_compute << " s, swapped " << compute << " s, die 0's jobs " << die0
                       << " s");
  // Both times are sums over the 2 simulated layers, as are die 0's jobs.
  CHECK(compute == Approx(die0).epsilon(0.01));
  CHECK(compute > 10.0 * base_compute);
  // The other dies' engines did the same work as before.
  CHECK(counter(swapped, "compute1", "jobs") == counter(base, "compute1", "jobs"));
}

TEST_CASE("Swap by type: one Spatial-STAR core's SADS unit for a plug-in unit", "[swap]") {
  const std::string dir = freshDir("spatial_star_unit");
  const std::string star = readText(SPATIALVP_SOURCE_DIR "/platform/configs/spatial_star.yaml");
  const std::string settings = kSmallSpatialLayer;
  const json base = run(dir, "base", star, settings);
  // Core 5's SADS at 20 us per job: its controller waits for each job, so core 5 takes at least
  // jobs x 20 us, and the ring, which moves in lockstep, waits for it.
  const json swapped = run(dir, "swapped", withPlugin(star),
                           settings +
                               " --set 'modules.c5_sads={type: test_fixed_latency_unit, params: "
                               "{job_latency: 20 us}}'");
  CHECK(swapped["modules"]["c5_sads"]["type"] == "test_fixed_latency_unit");
  const double jobs = counter(swapped, "c5_sads", "jobs");
  CHECK(jobs == counter(base, "c5_sads", "jobs"));
  const double bound = jobs * 20e-6;
  const double latency = counter(swapped, "orch", "latency");
  INFO("base " << counter(base, "orch", "latency") << " s, swapped " << latency << " s, bound "
               << bound);
  REQUIRE(bound > 2.0 * counter(base, "orch", "latency"));
  CHECK(latency >= bound);
  CHECK(latency <= 1.2 * bound);
  // The other cores' units did the same work as before.
  CHECK(counter(swapped, "c4_sads", "jobs") == counter(base, "c4_sads", "jobs"));
}

TEST_CASE("Swap by type: one Spatial-STAR core's controller for a plug-in core", "[swap]") {
  const std::string dir = freshDir("spatial_star_core");
  const std::string star = readText(SPATIALVP_SOURCE_DIR "/platform/configs/spatial_star.yaml");
  const json base = run(dir, "base", star, kSmallSpatialLayer);
  // Core 5's controller spends 20 us on each item's descriptor, one after another, before it may
  // fetch, forward or compute the item: core 5 takes at least items x 20 us, and the ring, which
  // moves in lockstep, waits for it. Each item's own work overlaps the next descriptor, so the
  // layer takes at most that plus the whole base layer.
  const json swapped = run(dir, "swapped", withPlugin(star),
                           kSmallSpatialLayer +
                               " --set 'modules.c5_ctrl={type: test_item_overhead_core, params: "
                               "{kv_buffers: 4, item_overhead: 20 us}}'");
  CHECK(swapped["modules"]["c5_ctrl"]["type"] == "test_item_overhead_core");
  const double items = counter(swapped, "c5_ctrl", "items");
  CHECK(items == counter(base, "c5_ctrl", "items"));
  CHECK(counter(swapped, "c5_ctrl", "items_accepted") == items);
  CHECK(counter(swapped, "c5_ctrl", "jobs") == counter(base, "c5_ctrl", "jobs"));
  const double bound = items * 20e-6;
  const double base_latency = counter(base, "orch", "latency");
  const double latency = counter(swapped, "orch", "latency");
  INFO("base " << base_latency << " s, swapped " << latency << " s, bound " << bound);
  REQUIRE(bound > 2.0 * base_latency);
  CHECK(latency >= bound);
  CHECK(latency <= bound + base_latency);
  // The other cores did the same work as before, through the same ring protocol.
  for (const std::string core : {"c4_ctrl", "c6_ctrl"}) {
    INFO(core);
    CHECK(swapped["modules"][core]["type"] == "spatial_star_core");
    CHECK(counter(swapped, core, "items") == counter(base, core, "items"));
    CHECK(counter(swapped, core, "jobs") == counter(base, core, "jobs"));
    CHECK(counter(swapped, core, "doorbells_received") ==
          counter(base, core, "doorbells_received"));
    CHECK(counter(swapped, core, "credits_received") == counter(base, core, "credits_received"));
  }
}
