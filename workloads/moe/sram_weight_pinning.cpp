#include "workloads/moe/sram_weight_pinning.h"

#include <algorithm>
#include <stdexcept>

namespace spatialvp::moe {

SramWeightPinning::SramWeightPinning(double sram_capacity, int moe_layers, double expert_bytes,
                                     int shared_experts)
    : layer_budget_(moe_layers > 0 ? sram_capacity / moe_layers : 0.0),
      expert_bytes_(expert_bytes),
      shared_experts_(shared_experts) {
  if (sram_capacity < 0.0 || moe_layers < 1 || expert_bytes <= 0.0 || shared_experts < 0) {
    throw std::invalid_argument("SramWeightPinning: capacity >= 0, layers >= 1, bytes > 0");
  }
}

double SramWeightPinning::pinned(double offset) const {
  return std::clamp(layer_budget_ - offset, 0.0, expert_bytes_);
}

WeightSources SramWeightPinning::split(bool shared_used, const double* slot_tokens,
                                       int slots) const {
  WeightSources sources;
  const auto add = [&](double offset) {
    const double from_sram = pinned(offset);
    sources.sram_bytes += from_sram;
    sources.hbm_bytes += expert_bytes_ - from_sram;
  };
  double offset = 0.0;
  for (int e = 0; e < shared_experts_; ++e, offset += expert_bytes_) {
    if (shared_used)
      add(offset);
  }
  for (int s = 0; s < slots; ++s, offset += expert_bytes_) {
    if (slot_tokens[s] > 0.0)
      add(offset);
  }
  return sources;
}

}  // namespace spatialvp::moe
