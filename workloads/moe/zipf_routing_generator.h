#pragma once
// Seeded synthetic routing (issue 7): per layer, expert popularity is Zipf-like over a random
// rank order, w_e = (rank_e + 1)^-s * exp(u_e), where u_e is a slow Ornstein-Uhlenbeck drift
// (stationary std drift_sigma, correlation time drift_time_constant iterations). Each token
// draws top_k distinct experts with probability proportional to w (alias table + rejection of
// repeats). Portable: std::mt19937_64 and our own distributions only; a (layer, iteration)
// always yields the same selections whatever else was generated before.
#include <cstdint>
#include <vector>

#include "workloads/moe/layer_routing.h"
#include "workloads/star/random.h"

namespace spatialvp::moe {

struct ZipfRoutingConfig {
  int experts = 256;
  int top_k = 8;
  int tokens = 1024;  // tokens per iteration (all DP groups)
  int layers = 1;
  // [I] calibrated once to sources W3.2 [S3]: "peak device load about 2x the mean" without
  // balancing at EP = 256 (one expert per die). Not tuned per figure.
  double zipf_exponent = 0.1;
  double drift_sigma = 0.2;            // [I] std of the log-popularity drift
  double drift_time_constant = 100.0;  // [I] iterations; "slow drift" of the mixed scenario
  std::uint64_t seed = 1;
};

class ZipfRoutingGenerator : public RoutingSource {
 public:
  explicit ZipfRoutingGenerator(const ZipfRoutingConfig& config);

  void route(int iteration, int layer, LayerRouting& out) override;
  // Selection probabilities of a layer at an iteration (advances the drift like route()).
  std::vector<double> probabilities(int iteration, int layer);

 private:
  struct LayerState {
    std::vector<double> base_log_weight;
    std::vector<double> drift;
    int iteration = 0;
    star::DeterministicRng drift_rng{0};
  };
  void advanceTo(LayerState& state, int iteration);
  void buildAlias(const std::vector<double>& weights);
  int sampleAlias(star::DeterministicRng& rng) const;

  ZipfRoutingConfig config_;
  std::vector<LayerState> layers_;
  std::vector<double> alias_probability_;
  std::vector<int> alias_index_;
};

// SplitMix64 mixing of a seed with stream indices (independent, reproducible sub-streams).
std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0);

}  // namespace spatialvp::moe
