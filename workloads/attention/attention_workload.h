#pragma once
// One evaluated model's attention workload (sources S2.1, 5.1): its shape, the STAR tiling and
// sparsity knobs per layer, and the dense-equivalent operation counts that effective
// throughput (sources S3.5) and the A100 baseline are measured against.
//
// Dense-equivalent op count (the definition every GOPS figure of the platform uses):
//   MACs per layer = batch x heads x queries x seq_len x head_dim x 2   (QK^T and S.V)
//   ops            = 2 x MACs                                             (multiply + add)
// Projections, softmax, scaling and masking are not counted. Masking (causal) is not
// discounted: like SOFA's accounting, every query scores all seq_len keys.
// Anchor (sources S3.5 / 6.2): Llama-7B at S = 4096, batch 1, one layer has
//   2 x 4096^2 x 4096 = 137.4 G MACs  -- the "137 GOPs" of SOFA Table II, which counts a MAC
//   as one op -- and 274.9 G ops, so the Table II latency 2 x 137 G / (24,423/4 GOPS) = 45 ms is
//   simply ops / throughput. The same 4 S^2 d A figure is FlashAttention-2's forward FLOP count.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace spatialvp::workloads {

struct AttentionWorkload {
  std::string model;
  std::uint64_t layers = 1;
  std::uint64_t hidden_size = 0;  // H: width of the token embeddings (QKV projection input)
  std::uint64_t heads = 0;        // A
  std::uint64_t head_dim = 0;     // d (= H / A for every preset)
  std::uint64_t seq_len = 0;      // S: keys each query attends to
  std::uint64_t batch = 1;
  std::uint64_t queries = 0;        // query rows per sequence; 0 = seq_len (self-attention)
  std::uint64_t query_block = 128;  // T, queries processed in parallel (sources S2.1)
  // Per-layer tiling: Tc (tiles per score row) or Bc (keys per tile). One entry applies to
  // every layer, otherwise one entry per layer. A non-empty tile_length wins over tiles.
  std::vector<std::uint64_t> tiles{4};  // sources S8.2 default
  std::vector<std::uint64_t> tile_length;
  // Top-k keep ratio per layer (one entry = every layer); sources S8.2 default until an operating
  // point is applied.
  std::vector<double> keep_ratio{0.25};
  // Fraction of the seq_len K/V rows generated exactly per layer (sources S2.2); 1 = all.
  double kv_union_fraction = 1.0;
  // The model's HuggingFace / timm attention module, for the eager A100 baseline
  // (workloads/baselines/a100_eager.h): bert, gpt2, llama, bloom or vit.
  std::string hf_attention = "llama";

  // Throws InvalidFieldError (a std::invalid_argument) naming the offending field.
  void validate() const;

  std::uint64_t queryCount() const { return queries == 0 ? seq_len : queries; }
  std::uint64_t queryBlocks() const;                          // ceil(queries / T)
  std::uint64_t tilesForLayer(std::size_t layer) const;       // Tc
  std::uint64_t tileLengthForLayer(std::size_t layer) const;  // Bc = ceil(S / Tc)
  double keepRatioForLayer(std::size_t layer) const;

  std::uint64_t denseAttentionMacsPerLayer() const;
  std::uint64_t denseAttentionOpsPerLayer() const;
  std::uint64_t denseAttentionOps() const;  // all layers
  // Q, K and V projections: batch x (queries + 2 seq_len) x H x (A d) MACs per layer.
  std::uint64_t qkvProjectionMacsPerLayer() const;
  std::uint64_t qkvProjectionOpsPerLayer() const;
  // Dense attention ops scaled by each layer's keep ratio: the exact (formal) work left.
  double keptAttentionOps() const;
};

}  // namespace spatialvp::workloads
