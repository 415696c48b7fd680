#include "workloads/attention/attention_workload.h"

#include "workloads/attention/invalid_field_error.h"

namespace spatialvp::workloads {
namespace {

void require(bool condition, const std::string& field, const std::string& why) {
  if (!condition)
    throw InvalidFieldError("attention workload", field, why);
}

template <typename T>
const T& perLayer(const std::vector<T>& values, std::size_t layer) {
  return values.size() == 1 ? values.front() : values.at(layer);
}

std::uint64_t ceilDiv(std::uint64_t a, std::uint64_t b) {
  return (a + b - 1) / b;
}

}  // namespace

void AttentionWorkload::validate() const {
  require(!model.empty(), "model", "must be named");
  require(layers > 0, "layers", "must be positive");
  require(hidden_size > 0, "hidden_size", "must be positive");
  require(heads > 0, "heads", "must be positive");
  require(head_dim > 0, "head_dim", "must be positive");
  require(seq_len > 0, "seq_len", "must be positive");
  require(batch > 0, "batch", "must be positive");
  require(query_block > 0, "query_block", "must be positive");
  const bool use_length = !tile_length.empty();
  const std::vector<std::uint64_t>& tiling = use_length ? tile_length : tiles;
  const std::string tiling_name = use_length ? "tile_length" : "tiles";
  require(tiling.size() == 1 || tiling.size() == layers, tiling_name,
          "needs one entry or one per layer");
  for (std::uint64_t value : tiling) {
    require(value > 0 && value <= seq_len, tiling_name, "entries must be in [1, seq_len]");
  }
  require(keep_ratio.size() == 1 || keep_ratio.size() == layers, "keep_ratio",
          "needs one entry or one per layer");
  for (double k : keep_ratio)
    require(k > 0.0 && k <= 1.0, "keep_ratio", "must be in (0, 1]");
  require(kv_union_fraction > 0.0 && kv_union_fraction <= 1.0, "kv_union_fraction",
          "must be in (0, 1]");
}

std::uint64_t AttentionWorkload::queryBlocks() const {
  return ceilDiv(queryCount(), query_block);
}

std::uint64_t AttentionWorkload::tilesForLayer(std::size_t layer) const {
  if (!tile_length.empty())
    return ceilDiv(seq_len, perLayer(tile_length, layer));
  return perLayer(tiles, layer);
}

std::uint64_t AttentionWorkload::tileLengthForLayer(std::size_t layer) const {
  if (!tile_length.empty())
    return perLayer(tile_length, layer);
  return ceilDiv(seq_len, perLayer(tiles, layer));
}

double AttentionWorkload::keepRatioForLayer(std::size_t layer) const {
  return perLayer(keep_ratio, layer);
}

std::uint64_t AttentionWorkload::denseAttentionMacsPerLayer() const {
  // Q K^T: queries x seq_len scores of head_dim MACs; S V: the same again.
  return batch * heads * queryCount() * seq_len * head_dim * 2;
}

std::uint64_t AttentionWorkload::denseAttentionOpsPerLayer() const {
  return 2 * denseAttentionMacsPerLayer();
}

std::uint64_t AttentionWorkload::denseAttentionOps() const {
  return layers * denseAttentionOpsPerLayer();
}

std::uint64_t AttentionWorkload::qkvProjectionMacsPerLayer() const {
  return batch * (queryCount() + 2 * seq_len) * hidden_size * heads * head_dim;
}

std::uint64_t AttentionWorkload::qkvProjectionOpsPerLayer() const {
  return 2 * qkvProjectionMacsPerLayer();
}

double AttentionWorkload::keptAttentionOps() const {
  const double per_layer = static_cast<double>(denseAttentionOpsPerLayer());
  double total = 0.0;
  for (std::size_t layer = 0; layer < layers; ++layer) {
    total += keepRatioForLayer(layer) * per_layer;
  }
  return total;
}

}  // namespace spatialvp::workloads
