#include "models/star/layer_params.h"

#include <algorithm>
#include <string>
#include <systemc>

#include "platform/core/param_choice.h"
#include "workloads/attention/attention_preset_loader.h"

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

workloads::AttentionWorkload layerWorkloadFrom(const ParamValues& params) {
  checkShape(params, "workload.seq_len", kMaxTokens);
  checkShape(params, "workload.hidden_size", kMaxHiddenSize);
  checkShape(params, "workload.heads", kMaxHeads);
  if (params.integer("workload.batch") != 1 && !params.isDefault("workload.batch"))
    params.fail("workload.batch", "this module runs one sequence: must be 1");
  for (const char* key : {"workload.keep_ratio", "workload.kv_union_fraction"}) {
    if (!params.isDefault(key)) {
      params.fail(key,
                  "the operating_point group gives the layer's sparsity: write "
                  "operating_point.keep_ratio / operating_point.kv_union_fraction");
    }
  }
  for (const char* key : {"workload.tiles", "workload.tile_length"}) {
    if (params.integers(key).size() > 1)
      params.fail(key, "this module runs one layer: give one value");
    for (const std::int64_t value : params.integers(key)) {
      if (value > kMaxTokens)
        params.fail(key, "must be at most " + std::to_string(kMaxTokens));
    }
  }
  workloads::AttentionWorkload workload = workloads::attentionWorkloadFrom(params, "workload");
  if (workload.hidden_size % workload.heads != 0)
    params.fail("workload.heads", "must divide hidden_size");
  if (workload.head_dim != workload.hidden_size / workload.heads)
    params.fail("workload.head_dim", "must be hidden_size / heads (" +
                                         std::to_string(workload.hidden_size / workload.heads) +
                                         "); leave it out");
  if (workload.queries > static_cast<std::uint64_t>(kMaxTokens))
    params.fail("workload.queries", "must be at most " + std::to_string(kMaxTokens));
  if (workload.query_block > static_cast<std::uint64_t>(kMaxTokens))
    params.fail("workload.query_block", "must be at most " + std::to_string(kMaxTokens));
  const workloads::OperatingPoint point = workloads::operatingPointFrom(params, "operating_point");
  workload.keep_ratio = {point.keep_ratio};
  workload.kv_union_fraction = point.kv_union_fraction;
  return workload;
}

spatialvp::star::TilingPlanInput tilingInputFrom(const ParamValues& params) {
  const workloads::AttentionWorkload workload = layerWorkloadFrom(params);
  spatialvp::star::TilingPlanInput in;
  in.seq_len = toSize(workload.seq_len);
  in.hidden_size = toSize(workload.hidden_size);
  in.heads = toSize(workload.heads);
  in.query_block = toSize(workload.query_block);
  in.tiles = toSize(workload.tiles.front());
  in.tile_length = workload.tile_length.empty() ? 0 : toSize(workload.tile_length.front());
  in.queries = toSize(workload.queries);
  in.keep_ratio = workload.keep_ratio.front();
  in.kv_union_fraction = workload.kv_union_fraction;
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
    params.fail("workload.seq_len", "the layer needs " + std::to_string(steps) +
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

void declareStageBuffers(ParamSchema& schema) {
  schema
      .integer("stage_buffers",
               "Tiles (Spatial-STAR: items) of buffering between consecutive pipeline stages")
      .byDefault("2")
      .atLeast(1);
}

void declareLayerParams(ParamSchema& schema, const LayerParamDefaults& defaults) {
  const std::string per = defaults.per;
  schema.presetGroup("workload", "presets/workloads", "llama_7b",
                     "the attention layer: a workload preset in presets/workloads/ (llama_7b, "
                     "bert_base, ...), or a map of keys that change it "
                     "(workloads/attention/attention_preset_loader.h); query_block is T" +
                         per);
  workloads::declareAttentionWorkloadParams(schema, "workload");
  schema.presetGroup("operating_point", "presets/operating_points", "loss_2pct",
                     "the sparsity: an operating point preset in presets/operating_points/ "
                     "(loss_0pct, loss_1pct, loss_2pct), or a map of keys that change it");
  workloads::declareOperatingPointParams(schema, "operating_point");
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
