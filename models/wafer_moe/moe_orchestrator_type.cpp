// The `moe_orchestrator` module type: its parameter schema and ports (what `spatialvp models
// moe_orchestrator` prints), kept apart from the run loop in moe_orchestrator.cpp.
#include "models/wafer_moe/moe_orchestrator.h"
#include "workloads/moe/moe_model.h"

namespace spatialvp::models::wafer_moe {

void registerMoeOrchestrator(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "moe_orchestrator";
  info.description =
      "Wafer-scale MoE inference (issue 7): per layer attention, TP collective, dispatch, "
      "expert compute (HBM weight reads), combine as TLM traffic; balancers and NI migration";
  auto& s = info.params;
  std::string models;
  for (const std::string& name : moe::moeModelPresetNames())
    models += (models.empty() ? "" : ", ") + name;
  s.presetGroup(
      "model", "presets/moe", "deepseek_v3",
      "the MoE model: a preset in presets/moe (" + models + "), or a map of keys that change it");
  moe::declareMoeModelParams(s, "model");
  s.enumeration("network", {"mesh", "switch"}, "Wafer mesh, or single-hop switch (NVL72)")
      .byDefault("mesh");
  // The die grid, the wafers, the inter-wafer link placement and the link timing are the
  // mesh's: the orchestrator reads them once bound (moe_orchestrator_connect.cpp).
  s.integer("devices", "Devices on the switch (network: switch)").byDefault("72").atLeast(1);
  s.integer("dies",
            "Dies in total: the width of net[], rx[], hbm[] and compute[] (must match the system)")
      .byDefault("64")
      .atLeast(1);
  s.enumeration("mapping", {"baseline", "er", "her"},
                "Attention TP/DP mapping: contiguous, entwined ring, hierarchical ER")
      .byDefault("er");
  s.integer("tp_x", "TP group extent along x").byDefault("2").atLeast(1);
  s.integer("tp_y", "TP group extent along y").byDefault("2").atLeast(1);
  s.integer("ep_domain_wafers", "Wafers per EP domain (0 = all)").byDefault("0").atLeast(0);
  s.enumeration("combine", {"auto", "reverse_allreduce", "owner_allgather"},
                "Combine schedule (sources W2.2 open question; every TP member needs every "
                "token's full sum before the next layer's norm): reverse_allreduce = reverse "
                "path + group all-reduce of the partial sums; owner_allgather = to the token's "
                "owner + group all-gather; auto = the cheaper of the two by a fluid estimate on "
                "the bound mesh (owner_allgather for baseline / switch, where it dominates)")
      .byDefault("auto");
  s.enumeration("her_forwarding", {"all_gather", "on_demand"},
                "HER (sources W2.5 [I]): all_gather = every wafer of the EP domain receives every "
                "token in the attention collective and dispatches from its own twins; on_demand "
                "= a token crosses to a wafer only for an expert there, relayed by the twin in "
                "that expert's FTD, collectives stay on the home wafer")
      .byDefault("all_gather");
  s.boolean("phase_barrier",
            "Every communication phase starts at a barrier (synchronous collectives, the phase "
            "times are then isolated from earlier phases); false = dataflow on per-die ready "
            "times")
      .byDefault("true");
  s.enumeration("mode", {"decode", "prefill"}, "Iteration kind").byDefault("decode");
  // Bounded so the int casts and the tokens-per-iteration product are checked before any
  // routing table is allocated (16 M sequences or tokens of context is beyond any deployment).
  s.integer("batch_per_group", "Sequences per attention DP group")
      .byDefault("256")
      .atLeast(1)
      .atMost(16777216);
  s.integer("sequence_length", "Decode context / prefill prompt length")
      .byDefault("4096")
      .atLeast(1)
      .atMost(16777216);
  s.integer("iterations", "Iterations to simulate").byDefault("1").atLeast(1);
  s.integer("report_from_iteration", "First iteration of the reported means (warm-up)")
      .byDefault("0")
      .atLeast(0);
  s.integer("sample_layers",
            "MoE layers simulated per iteration (0 = all); times are scaled by layers / sample")
      .byDefault("0")
      .atLeast(0);
  s.stringList("traffic_phases",
               "Phases whose transfers go on the network: all, attention_allreduce, dispatch, "
               "combine, combine_collective, migration_local, migration_global")
      .byDefault("[all]");
  s.stringList("segment_phases",
               "Phases whose flows the mesh carries as merged straight route segments: the "
               "same bytes on every link, far fewer transfers to simulate (README \"Route "
               "segments\"): combine, or none ([])")
      .byDefault("[combine]");
  s.enumeration("datatype", {"bf16", "fp8"},
                "GEMM and stored-weight datatype: the die jobs' datatype (the compute engine's "
                "peak for it) and 2 or 1 bytes per weight; activations stay as the preset")
      .byDefault("bf16");
  // The dies' HBM and SRAM capacities and bandwidths are the memory modules' (on hbm[] and
  // sram[]): read once bound (moe_orchestrator_memories.cpp), never repeated here.
  s.boolean("sram",
            "Dies have an SRAM for expert weights on sram[] (its module's capacity and "
            "bandwidth); each MoE layer gets an equal share of the capacity, shared experts "
            "pinned first, then the die's slots")
      .byDefault("false");
  s.string("routing_trace", "Expert-selection trace (CSV/JSONL); empty = Zipf generator")
      .byDefault("");
  s.real("zipf_exponent", "Zipf skew of expert popularity").byDefault("0.1").atLeast(0);
  s.real("drift_sigma", "Std of the log-popularity drift").byDefault("0.2").atLeast(0);
  s.real("drift_time_constant", "Drift correlation time (iterations)").byDefault("100").above(0);
  s.enumeration("balancer", {"none", "greedy", "topology", "ni"},
                "none, greedy invasive, topology-aware invasive, NI-Balancer")
      .byDefault("none");
  s.integer("balancer_interval", "Invasive kinds: iterations between plans")
      .byDefault("10")
      .atLeast(1);
  s.real("balancer_alpha", "NI: accumulated (imbalance - 1) that triggers a plan")
      .byDefault("1.0")
      .above(0);
  s.integer("history_window", "Iterations of load history").byDefault("10").atLeast(1);
  s.real("target_imbalance", "Planner stops at max/mean load <= this").byDefault("1.05").atLeast(1);
  s.integer("shadow_slots", "Shadow expert slots per die and layer").byDefault("1").atLeast(0);
  s.enumeration("replica_split", {"weighted", "even"},
                "Token split between an expert's instances the planner assumes and dispatch "
                "uses: weighted = planned shares (water filling), even = l_e / r_e")
      .byDefault("weighted");
  s.enumeration("migration_window", {"layer", "collective"},
                "NI windows: layer = a whole attention layer (local steps) / MoE layer (global "
                "steps), compute gaps included; collective = only the collective's or the "
                "all-to-all's own network window")
      .byDefault("layer");
  s.quantity("migration_chunk", dims::data(), "Migration chunk size").byDefault("2 MiB").above(0);
  s.enumeration("chunk_admission", {"booked", "zero_load"},
                "NI chunk admission: booked = zero-load arrival plus the route's booked bytes of "
                "the window must fit the window; zero_load = zero-load arrival only")
      .byDefault("booked");
  s.quantity("burst", dims::data(), "Largest TLM write on the network").byDefault("4 MiB").above(0);
  s.quantity("hbm_burst", dims::data(), "Largest TLM read of the die HBM")
      .byDefault("16 MiB")
      .above(0);
  s.quantity("hbm_size", dims::data(), "Address range used in each die's HBM")
      .byDefault("16 GiB")
      .above(0);
  s.integer("window_base", "Network address of die 0's receive window").byDefault("0").atLeast(0);
  s.quantity("window_stride", dims::data(), "Receive window per die (die j at base + j*stride)")
      .byDefault("1 GiB")
      .above(0);
  info.ports.push_back({"net", PortDirection::kInitiator, "Die i's network injection", true});
  info.ports.push_back({"hbm", PortDirection::kInitiator, "Die i's HBM", true});
  info.ports.push_back(
      {"sram", PortDirection::kInitiator, "Die i's SRAM (only with sram: true)", true});
  info.ports.push_back({"compute", PortDirection::kInitiator,
                        "Die i's compute engine (die jobs: models/wafer_moe/die_job.h)", true});
  info.ports.push_back({"rx", PortDirection::kTarget, "Die j's receive window", true});
  registry.add<MoeOrchestrator>(std::move(info));
}

}  // namespace spatialvp::models::wafer_moe
