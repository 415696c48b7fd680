#include "workloads/moe/zipf_routing_generator.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace spatialvp::moe {

std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  auto splitmix = [](std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  return splitmix(splitmix(splitmix(seed) ^ a) ^ b);
}

ZipfRoutingGenerator::ZipfRoutingGenerator(const ZipfRoutingConfig& config) : config_(config) {
  if (config.experts < 1 || config.top_k < 1 || config.top_k > config.experts ||
      config.tokens < 1 || config.layers < 1 || config.zipf_exponent < 0.0 ||
      config.drift_sigma < 0.0 || config.drift_time_constant <= 0.0) {
    throw std::invalid_argument("ZipfRoutingGenerator: invalid configuration");
  }
  layers_.resize(config.layers);
  for (int layer = 0; layer < config.layers; ++layer) {
    LayerState& state = layers_[layer];
    star::DeterministicRng setup(mixSeed(config.seed, 1, static_cast<std::uint64_t>(layer)));
    // Random rank order (Fisher-Yates) so that each layer has different hot experts.
    std::vector<int> order(config.experts);
    for (int e = 0; e < config.experts; ++e)
      order[e] = e;
    for (int i = config.experts - 1; i > 0; --i) {
      const int j = static_cast<int>(setup.uniformIndex(static_cast<std::size_t>(i) + 1));
      std::swap(order[i], order[j]);
    }
    state.base_log_weight.assign(config.experts, 0.0);
    for (int rank = 0; rank < config.experts; ++rank) {
      state.base_log_weight[order[rank]] = -config.zipf_exponent * std::log(rank + 1.0);
    }
    state.drift.resize(config.experts);
    for (double& u : state.drift)
      u = config.drift_sigma * setup.normal();  // stationary start
    state.drift_rng =
        star::DeterministicRng(mixSeed(config.seed, 2, static_cast<std::uint64_t>(layer)));
  }
}

void ZipfRoutingGenerator::advanceTo(LayerState& state, int iteration) {
  if (iteration < state.iteration) {
    throw std::logic_error("ZipfRoutingGenerator: iterations of a layer must not go backwards (" +
                           std::to_string(iteration) + " after " + std::to_string(state.iteration) +
                           ")");
  }
  const double rho = std::exp(-1.0 / config_.drift_time_constant);
  const double kick = config_.drift_sigma * std::sqrt(1.0 - rho * rho);
  for (; state.iteration < iteration; ++state.iteration) {
    for (double& u : state.drift)
      u = rho * u + kick * state.drift_rng.normal();
  }
}

std::vector<double> ZipfRoutingGenerator::probabilities(int iteration, int layer) {
  LayerState& state = layers_.at(layer);
  advanceTo(state, iteration);
  std::vector<double> weights(config_.experts);
  double sum = 0.0;
  for (int e = 0; e < config_.experts; ++e) {
    weights[e] = std::exp(state.base_log_weight[e] + state.drift[e]);
    sum += weights[e];
  }
  for (double& w : weights)
    w /= sum;
  return weights;
}

void ZipfRoutingGenerator::buildAlias(const std::vector<double>& weights) {
  // Vose's alias method.
  const int n = static_cast<int>(weights.size());
  alias_probability_.assign(n, 0.0);
  alias_index_.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<int> small;
  std::vector<int> large;
  for (int i = 0; i < n; ++i) {
    scaled[i] = weights[i] * n;
    (scaled[i] < 1.0 ? small : large).push_back(i);
  }
  while (!small.empty() && !large.empty()) {
    const int s = small.back();
    small.pop_back();
    const int l = large.back();
    alias_probability_[s] = scaled[s];
    alias_index_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (int i : large)
    alias_probability_[i] = 1.0;
  for (int i : small)
    alias_probability_[i] = 1.0;  // rounding leftovers
}

int ZipfRoutingGenerator::sampleAlias(star::DeterministicRng& rng) const {
  const int column = static_cast<int>(rng.uniformIndex(alias_probability_.size()));
  return rng.uniform01() < alias_probability_[column] ? column : alias_index_[column];
}

void ZipfRoutingGenerator::route(int iteration, int layer, LayerRouting& out) {
  buildAlias(probabilities(iteration, layer));
  star::DeterministicRng rng(mixSeed(config_.seed, 3 + static_cast<std::uint64_t>(layer),
                                     static_cast<std::uint64_t>(iteration)));
  const int k = config_.top_k;
  out.tokens = config_.tokens;
  out.top_k = k;
  out.experts.assign(static_cast<std::size_t>(config_.tokens) * k, 0);
  for (int token = 0; token < config_.tokens; ++token) {
    std::int32_t* chosen = &out.experts[static_cast<std::size_t>(token) * k];
    for (int j = 0; j < k; ++j) {
      for (;;) {
        const int e = sampleAlias(rng);
        bool repeat = false;
        for (int i = 0; i < j; ++i)
          repeat = repeat || chosen[i] == e;
        if (!repeat) {
          chosen[j] = e;
          break;
        }
      }
    }
  }
}

}  // namespace spatialvp::moe
