#pragma once
// Die SRAM holding part of the expert weights (issue 7 die SRAM; its size is not in any source,
// so the default capacity is 0 and nothing is pinned). Every MoE layer gets an equal share of the
// SRAM, so a sample of layers sees the same split as all of them. Within a layer's share the
// shared experts are pinned first, then the die's expert slots in slot order, the last one
// partly (weights are read tile by tile, so a pinned prefix of a matrix is useful). A used
// expert's pinned bytes are read from SRAM, the rest streams from HBM.

namespace spatialvp::moe {

struct WeightSources {
  double sram_bytes = 0.0;
  double hbm_bytes = 0.0;
};

class SramWeightPinning {
 public:
  SramWeightPinning(double sram_capacity, int moe_layers, double expert_bytes, int shared_experts);

  double layerBudget() const { return layer_budget_; }
  // Weights one die reads in one layer: the shared experts if `shared_used`, and every slot
  // with tokens (slot_tokens[s] > 0).
  WeightSources split(bool shared_used, const double* slot_tokens, int slots) const;

 private:
  // Pinned bytes of the item at `offset` bytes into the layer's pinning order.
  double pinned(double offset) const;

  double layer_budget_;
  double expert_bytes_;
  int shared_experts_;
};

}  // namespace spatialvp::moe
