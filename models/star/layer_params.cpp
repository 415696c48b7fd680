#include "models/star/layer_params.h"

#include <algorithm>
#include <string>
#include <systemc>

#include "platform/core/param_choice.h"

namespace spatialvp::models::star {

namespace {
std::size_t toSize(std::int64_t value) {
  return static_cast<std::size_t>(value);
}

// Absurd shapes fail here, before the plan allocates one entry per head, query block, tile
// and stage (10^9 tokens would need terabytes). The bounds are far beyond today's models:
// 16 M tokens of context, hidden size 1 M, and 64 M (head, block, tile) steps -- the shipped
// Spatial-STAR layer (S = 128K) needs 4 M.
constexpr std::int64_t kMaxTokens = std::int64_t{1} << 24;
constexpr std::int64_t kMaxHiddenSize = std::int64_t{1} << 20;
constexpr std::int64_t kMaxHeads = std::int64_t{1} << 16;
constexpr std::uint64_t kMaxPlanSteps = std::uint64_t{1} << 26;

void checkShape(const ParamValues& params, const std::string& name, std::int64_t maximum) {
  if (params.integer(name) > maximum) {
    params.fail(name, "must be at most " + std::to_string(maximum) + ", got " +
                          std::to_string(params.integer(name)));
  }
}
}  // namespace

spatialvp::star::TilingPlanInput tilingInputFrom(const ParamValues& params) {
  checkShape(params, "seq_len", kMaxTokens);
  checkShape(params, "queries", kMaxTokens);
  checkShape(params, "hidden_size", kMaxHiddenSize);
  checkShape(params, "heads", kMaxHeads);
  checkShape(params, "query_block", kMaxTokens);
  checkShape(params, "tiles", kMaxTokens);
  checkShape(params, "tile_length", kMaxTokens);
  spatialvp::star::TilingPlanInput in;
  in.seq_len = toSize(params.integer("seq_len"));
  in.hidden_size = toSize(params.integer("hidden_size"));
  in.heads = toSize(params.integer("heads"));
  in.query_block = toSize(params.integer("query_block"));
  in.tiles = toSize(params.integer("tiles"));
  in.tile_length = toSize(params.integer("tile_length"));
  in.queries = toSize(params.integer("queries"));
  in.keep_ratio = params.real("keep_ratio");
  in.kv_union_fraction = params.real("kv_union_fraction");
  using spatialvp::star::KvReusePolicy;
  using spatialvp::star::SuFaOrder;
  in.kv_policy = paramChoice<KvReusePolicy>(params, "kv_reuse",
                                            {{"cache", KvReusePolicy::CacheAcrossBlocks},
                                             {"regenerate", KvReusePolicy::RegeneratePerBlock}});
  in.order = paramChoice<SuFaOrder>(params, "order",
                                    {{"descending", SuFaOrder::Descending},
                                     {"ascending", SuFaOrder::Ascending},
                                     {"fa2", SuFaOrder::FlashAttention2}});
  in.token_sram_bytes = static_cast<std::size_t>(params.quantity("token_sram"));
  in.include_projections =
      paramChoice<bool>(params, "scope", {{"layer", true}, {"attention", false}});
  in.qk_on_kv_array = params.boolean("attention_qk_on_kv_array");
  in.tiling = paramChoice<spatialvp::star::TilingPolicy>(
      params, "tiling",
      {{"balanced", spatialvp::star::TilingPolicy::Balanced},
       {"fixed", spatialvp::star::TilingPolicy::Fixed}});
  if (in.hidden_size % in.heads != 0)
    params.fail("heads", "must divide hidden_size");
  if (in.query_block == 0)
    params.fail("query_block", "must be at least 1");
  return in;
}

void failIfPlanTooLarge(const ParamValues& params, const spatialvp::star::TilingPlanInput& in) {
  // Each factor is below 2^24 (heads 2^16), so the products stay inside 64 bits.
  const std::uint64_t queries = in.queries == 0 ? in.seq_len : in.queries;
  const std::uint64_t blocks = (queries + in.query_block - 1) / in.query_block;
  const std::uint64_t tiles =
      in.tile_length > 0 ? (in.seq_len + in.tile_length - 1) / in.tile_length : in.tiles;
  const std::uint64_t steps = in.heads * blocks * std::max<std::uint64_t>(tiles, 1);
  if (steps > kMaxPlanSteps) {
    params.fail("seq_len", "the layer needs " + std::to_string(steps) +
                               " (head, query block, tile) steps, more than the " +
                               std::to_string(kMaxPlanSteps) +
                               " this model plans; raise query_block or tile_length");
  }
}

bool warnIfSorterBound(const spatialvp::star::TilingPlanInput& input, const std::string& instance) {
  if (input.tiling != spatialvp::star::TilingPolicy::Fixed ||
      !spatialvp::star::sorterBoundsTile(input, spatialvp::star::chooseTileCount(input)))
    return false;
  SC_REPORT_WARNING(
      "spatialvp/star",
      (instance + ": the sorter bounds the pipeline at this fixed tiling (its cost grows with "
                  "k Bc^2, so with S at a fixed Tc); set tiling: balanced or a smaller "
                  "tile_length")
          .c_str());
  return true;
}

void declareLayerParams(ParamSchema& schema, const LayerParamDefaults& defaults) {
  const std::string per = defaults.per;
  schema.integer("seq_len", "Sequence length S (keys)").atLeast(1);
  schema.integer("hidden_size", "Hidden size H").atLeast(1);
  schema.integer("heads", "Attention heads A (head dim = H / A)").atLeast(1);
  schema.integer("queries", "Query rows; 0 = S (self-attention prefill)").byDefault("0").atLeast(0);
  schema.integer("query_block", "Queries processed in parallel" + per + ", T (sources S2.1: 128)")
      .byDefault("128")
      .atLeast(1);
  schema.integer("tiles", "Key tiles per row, Tc, when tile_length = 0 (sources S8.2: 4)")
      .byDefault("4")
      .atLeast(1);
  schema
      .integer("tile_length",
               std::string("Keys per tile, Bc; 0 = S / Tc") + defaults.tile_length_why)
      .byDefault(defaults.tile_length)
      .atLeast(0);
  schema
      .enumeration("tiling", {"balanced", "fixed"},
                   "balanced: the configured Tc (or Bc), with more tiles where the 16-to-4 sorter "
                   "would take longer per tile than SU-FA (its cost grows with k Bc^2; the papers' "
                   "DSE picks Bc per layer, sources S2.6); fixed: exactly as configured (warns "
                   "when the sorter bounds the pipeline)")
      .byDefault(defaults.tiling);
  schema
      .boolean("attention_qk_on_kv_array",
               "What-if [INF], scope attention: the idle KV-generation array computes Q.K^T of "
               "the kept keys and SU-FA the rest (SOFA does not describe it; its throughput "
               "implies all 1,024 MACs do attention work)")
      .byDefault("false");
  schema.real("keep_ratio", "Top-k keep ratio k (sources S2.7 operating points)")
      .byDefault("0.25")
      .above(0)
      .atMost(1);
  schema.real("kv_union_fraction", "Fraction of a tile's keys some query of a block selects")
      .byDefault("1.0")
      .above(0)
      .atMost(1);
  schema
      .enumeration("kv_reuse", {"cache", "regenerate"},
                   "Keep generated K/V rows across query blocks [INF]")
      .byDefault("cache");
  schema.enumeration("order", {"descending", "ascending", "fa2"}, "SU-FA update order")
      .byDefault("descending");
  schema
      .enumeration("scope", {"attention", "layer"},
                   "attention: Q/K/V given (SOFA Table II 'attention part'); layer: with Q/K/V "
                   "projections")
      .byDefault("attention");
  schema.quantity("token_sram", dims::data(), "Token SRAM capacity" + per + " (sources S3.2)")
      .byDefault("192 KiB")
      .above(0);
}

}  // namespace spatialvp::models::star
