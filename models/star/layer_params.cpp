#include "models/star/layer_params.h"

namespace spatialvp::models::star {

namespace {
std::size_t toSize(std::int64_t value) {
  return static_cast<std::size_t>(value);
}
}  // namespace

spatialvp::star::TilingPlanInput tilingInputFrom(const ParamValues& params) {
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
  in.kv_policy = params.string("kv_reuse") == "cache"
                     ? spatialvp::star::KvReusePolicy::CacheAcrossBlocks
                     : spatialvp::star::KvReusePolicy::RegeneratePerBlock;
  const std::string& order = params.string("order");
  in.order = order == "descending"  ? spatialvp::star::SuFaOrder::Descending
             : order == "ascending" ? spatialvp::star::SuFaOrder::Ascending
                                    : spatialvp::star::SuFaOrder::FlashAttention2;
  in.token_sram_bytes = static_cast<std::size_t>(params.quantity("token_sram"));
  in.include_projections = params.string("scope") == "layer";
  if (in.hidden_size % in.heads != 0)
    params.fail("heads", "must divide hidden_size");
  return in;
}

}  // namespace spatialvp::models::star
