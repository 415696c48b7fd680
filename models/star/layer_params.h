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

// Declares the `tiling` parameter (balanced or fixed) with `default_policy` and the
// `attention_qk_on_kv_array` what-if, for every module whose layer parameters tilingInputFrom
// reads.
void declareTilingParam(ParamSchema& schema, const char* default_policy);

// With a fixed tiling whose sort per tile outlasts the formal stage (the sorter bounds the
// pipeline), warns on stderr naming `instance` and returns true.
bool warnIfSorterBound(const spatialvp::star::TilingPlanInput& input, const std::string& instance);

}  // namespace spatialvp::models::star
