// The spatial_star_orchestrator type: its parameters, ports and registration (the model is in
// spatial_star_orchestrator.cpp).
#include "models/spatial_star/spatial_star_orchestrator.h"
#include "models/star/layer_params.h"

namespace spatialvp::models::spatial_star {

void registerSpatialStarOrchestrator(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "spatial_star_orchestrator";
  info.description =
      "Spatial-STAR: plans the dataflow (head-parallel, ring, hybrid or naive baseline) over the "
      "spatial_star_core of every mesh node and hands each its work through the control network";
  ParamSchema& p = info.params;
  // The layer: the STAR controller's parameters, with the Spatial-STAR default tile.
  spatialvp::models::star::LayerParamDefaults layer;
  layer.per = " per core";
  spatialvp::models::star::declareLayerParams(p, layer);
  // Topology.
  // The grid is the mesh's (one spatial_star_core per node), read once bound.
  p.stringList("hbm_nodes",
               "Mesh attachment point of each HBM stack (as the mesh's out_nodes), "
               "e.g. [N1, E2, S2, W1]");
  p.integerList("hbm_bases", "Mesh address of each HBM stack's range").atLeast(0);
  p.quantity("hbm_size", dims::data(), "Bytes of each stack's range used for K/V, Q and O")
      .above(0);
  p.quantity("hbm_burst", dims::data(), "Bytes per HBM read/write transaction")
      .byDefault("256 KiB")
      .above(0);
  p.enumeration("hbm_mapping", {"interleave", "nearest"},
                "interleave: tile group g of head h lives in stack (h + g) mod stacks; "
                "nearest: in the stack nearest to the core that owns (fetches) it")
      .byDefault("interleave");
  p.integer("sram_base", "Mesh address of core 0's SRAM receive window")
      .byDefault("0x1000000000")
      .atLeast(0);
  p.quantity("sram_stride", dims::data(), "Address distance between cores' SRAM windows")
      .byDefault("1 MiB")
      .above(0);
  p.quantity("sram_window", dims::data(), "Size of a core's SRAM receive window (token SRAM)")
      .byDefault("192 KiB")
      .above(0);
  p.integer("control_base",
            "Control-network address of core 0's control window (its spatial_star_core's "
            "control port: work descriptors, doorbells, credits)")
      .byDefault("0x0")
      .atLeast(0);
  p.quantity("control_stride", dims::data(), "Address distance between cores' control windows")
      .byDefault("4 KiB")
      .above(0);
  p.quantity("ring_burst", dims::data(), "Bytes per core-to-core write transaction")
      .byDefault("64 KiB")
      .above(0);
  // Dataflow.
  p.enumeration("dataflow", {"head_parallel", "ring", "hybrid", "baseline"},
                "head_parallel: heads over cores; ring: sequence-parallel K/V ring; hybrid: heads "
                "over groups, ring inside a group; baseline: naive (no on-mesh reuse, no overlap)")
      .byDefault("ring");
  p.integer("ring_group", "hybrid: cores per ring (consecutive cores of the ring order)")
      .byDefault("4")
      .atLeast(1);
  p.enumeration("ring_order", {"snake", "row_major"},
                "Ring laid on the mesh: snake = a cycle of one-hop links; row_major = node order")
      .byDefault("snake");
  p.enumeration("ring_payload", {"union", "full_kv", "plan"},
                "What a ring forwards per tile: union = K tile + the V rows any ring member "
                "selects (1 - (1 - u)^M of them [INF]); full_kv = K and V tiles; plan = the "
                "bytes the single-core plan fetches (X tile with the projections)")
      .byDefault("union");
  p.enumeration("baseline_partition", {"sequence", "heads"},
                "baseline: split query blocks over all cores (each fetches all keys) or heads")
      .byDefault("sequence");
  p.boolean("baseline_overlap",
            "baseline: keep prefetch and the tile pipeline (false = fetch, then compute)")
      .byDefault("false");
  // Aggregation.
  p.integer("tile_group", "Aggregation: key tiles per item (one unit job per G tiles)")
      .byDefault("1")
      .atLeast(1);
  p.integer("sample_rounds",
            "Aggregation: simulate this many rounds (head x block) per core and extrapolate "
            "the rest at the steady-state period; 0 = simulate all")
      .byDefault("0")
      .atLeast(0);
  info.ports.push_back({"control", PortDirection::kInitiator,
                        "Work descriptors to the cores' control windows, into the control network "
                        "(a mesh: the grid is read from it)",
                        true});
  registry.add<SpatialStarOrchestrator>(std::move(info));
}

}  // namespace spatialvp::models::spatial_star
