#pragma once
// The in-platform baseline of issue 5: "vanilla dynamic sparsity" on the same STAR hardware
// (sources S2.1, 2.6.1 standard flow, 2.8). Stages run one after another over whole rows:
//   1. (layer scope) generate every K and V row and every Q row and store them to DRAM;
//   2. predict A-hat for full rows and store it to DRAM;
//   3. load A-hat row-wise, select the top-k of the whole row ("vanilla sort");
//   4. formal compute: each query loads its own selected K/V rows from DRAM (no reuse-aware
//      scheduling), FlashAttention-2 update order; write O.
// The plan uses the tiling planner's types; each phase is one "tile" per head and block, and
// the controller runs phases without overlap.
#include "workloads/star/tiling_planner.h"

namespace spatialvp::star {

TilePlan planVanillaDynamicSparsity(const TilingPlanInput& input);

}  // namespace spatialvp::star
