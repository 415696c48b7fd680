#pragma once
// Token-to-expert selections of one MoE layer in one iteration, and the interface of whatever
// produces them (the seeded generator or a trace).
#include <cstdint>
#include <vector>

namespace spatialvp::moe {

struct LayerRouting {
  int tokens = 0;
  int top_k = 0;
  std::vector<std::int32_t> experts;  // token-major: experts[token * top_k + j]

  int expert(int token, int choice) const { return experts[token * top_k + choice]; }
  // Tokens per expert (each selection counts once).
  std::vector<double> expertLoads(int expert_count) const;
};

class RoutingSource {
 public:
  virtual ~RoutingSource() = default;
  // Selections of MoE layer `layer` (0-based over MoE layers) in `iteration`.
  virtual void route(int iteration, int layer, LayerRouting& out) = 0;
};

}  // namespace spatialvp::moe
