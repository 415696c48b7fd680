#pragma once
// Reads the attention-layer parameters that the STAR controller and the Spatial-STAR
// orchestrator share into a tiling-plan input: the `workload` group (a workload preset:
// shape, T, Tc or Bc, the A100 baseline's attention module), the `operating_point` group (an
// operating point preset: keep ratio k and K/V union fraction u) and the flat knobs kv_reuse,
// order, token_sram, scope, tiling and attention_qk_on_kv_array.
#include "platform/core/param_schema.h"
#include "platform/core/param_values.h"

#include <string>

#include "workloads/attention/attention_workload.h"
#include "workloads/star/tiling_planner.h"

namespace spatialvp::models::star {

// The layer the module runs: the workload group with the operating point's k and u. Located
// config errors for what one simulated layer cannot honour: a batch above 1, per-layer lists
// of more than one entry, k or u written in the workload (the operating point gives them).
workloads::AttentionWorkload layerWorkloadFrom(const ParamValues& params);

// Fails (located config error) when heads does not divide hidden_size.
spatialvp::star::TilingPlanInput tilingInputFrom(const ParamValues& params);

// A whole-layer plan (one entry per head x query block x key tile x stage, as the single-core
// controller keeps) beyond the model's step limit is a located config error on seq_len. The
// Spatial-STAR orchestrator plans one block per shape and needs no such limit.
void failIfPlanTooLarge(const ParamValues& params, const spatialvp::star::TilingPlanInput& in);

// Where the STAR controller and the Spatial-STAR orchestrator differ in the layer parameters.
struct LayerParamDefaults {
  const char* tiling = "balanced";
  const char* per = "";  // " per core" where the parameter is per STAR core of many
};

// Declares every parameter tilingInputFrom reads, once for all module types that plan a STAR
// layer: the groups `workload` (default preset workloads/llama_7b) and `operating_point`
// (default operating_points/loss_2pct), and tiling, attention_qk_on_kv_array, kv_reuse, order,
// scope, token_sram.
void declareLayerParams(ParamSchema& schema, const LayerParamDefaults& defaults);

// `stage_buffers`: the tile-pipeline depth (tile_pipeline.h) of a STAR controller, single core
// or Spatial-STAR core, declared once for both.
void declareStageBuffers(ParamSchema& schema);

// With a fixed tiling whose sort per tile outlasts the formal stage (the sorter bounds the
// pipeline), warns on stderr naming `instance` and returns true.
bool warnIfSorterBound(const spatialvp::star::TilingPlanInput& input, const std::string& instance);

}  // namespace spatialvp::models::star
