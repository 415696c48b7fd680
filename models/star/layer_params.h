#pragma once
// Reads the attention-layer parameters that the STAR controller and the Spatial-STAR
// orchestrator share (seq_len, hidden_size, heads, query_block, tiles, tile_length, queries,
// keep_ratio, kv_union_fraction, kv_reuse, order, token_sram, scope, tiling,
// attention_qk_on_kv_array) into a tiling-plan input.
#include "platform/core/param_schema.h"
#include "platform/core/param_values.h"

#include <string>
#include "workloads/star/tiling_planner.h"

namespace spatialvp::models::star {

// Fails (located config error) when heads does not divide hidden_size.
spatialvp::star::TilingPlanInput tilingInputFrom(const ParamValues& params);

// A whole-layer plan (one entry per head x query block x key tile x stage, as the single-core
// controller keeps) beyond the model's step limit is a located config error on seq_len. The
// Spatial-STAR orchestrator plans one block per shape and needs no such limit.
void failIfPlanTooLarge(const ParamValues& params, const spatialvp::star::TilingPlanInput& in);

// Where the STAR controller and the Spatial-STAR orchestrator differ in the layer parameters.
struct LayerParamDefaults {
  const char* tile_length = "0";     // 0 = S / Tc
  const char* tile_length_why = "";  // appended to the description of a non-zero default
  const char* tiling = "balanced";
  const char* per = "";  // " per core" where the parameter is per STAR core of many
};

// Declares every parameter tilingInputFrom reads, once for all module types that plan a STAR
// layer: seq_len, hidden_size, heads, queries, query_block, tiles, tile_length, tiling,
// attention_qk_on_kv_array, keep_ratio, kv_union_fraction, kv_reuse, order, scope, token_sram.
void declareLayerParams(ParamSchema& schema, const LayerParamDefaults& defaults);

// With a fixed tiling whose sort per tile outlasts the formal stage (the sorter bounds the
// pipeline), warns on stderr naming `instance` and returns true.
bool warnIfSorterBound(const spatialvp::star::TilingPlanInput& input, const std::string& instance);

}  // namespace spatialvp::models::star
