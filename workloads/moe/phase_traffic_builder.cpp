#include "workloads/moe/phase_traffic_builder.h"

#include <algorithm>
#include <stdexcept>

namespace spatialvp::moe {

PhaseTrafficBuilder::PhaseTrafficBuilder(const ParallelMapping& mapping, ReplicaSplit split)
    : mapping_(&mapping), split_(split) {
  if (split == ReplicaSplit::kNearest && mapping.hierarchical() && !mapping.replicatesTokens()) {
    // tokensPerWafer spreads a selection by the planned shares, not by distance.
    throw std::invalid_argument(
        "PhaseTrafficBuilder: nearest-replica split is not supported with HER on-demand "
        "forwarding");
  }
  const std::size_t dies = static_cast<std::size_t>(mapping.topology().dies());
  dispatch_pairs_.assign(dies * dies, 0.0);
  combine_pairs_.assign(dies * dies, 0.0);
}

void PhaseTrafficBuilder::accumulate(std::vector<double>& matrix, std::vector<int>& touched,
                                     int src, int dst, double bytes) {
  const int key = src * mapping_->topology().dies() + dst;
  if (matrix[key] == 0.0)
    touched.push_back(key);
  matrix[key] += bytes;
}

void PhaseTrafficBuilder::flush(std::vector<double>& matrix, std::vector<int>& touched, Phase phase,
                                std::vector<Transfer>& out) {
  std::sort(touched.begin(), touched.end());  // deterministic order independent of demand
  const int dies = mapping_->topology().dies();
  const MeshTopology& topology = mapping_->topology();
  for (int key : touched) {
    const int src = key / dies;
    const int dst = key % dies;
    // Only HER on-demand's owner <-> twin legs join dies of different wafers in these phases.
    const TransferStep step = topology.waferOf(src) != topology.waferOf(dst) &&
                                      mapping_->hierarchical() && !mapping_->replicatesTokens()
                                  ? TransferStep::kWaferRelay
                                  : TransferStep::kTokenFlow;
    out.push_back(Transfer{src, dst, matrix[key], phase, step});
    matrix[key] = 0.0;
  }
  touched.clear();
}

void PhaseTrafficBuilder::buildMoeLayer(const std::vector<double>& demand,
                                        const ExpertPlacement& placement, double token_bytes,
                                        MoeLayerTraffic& out,
                                        const std::vector<double>* wafer_tokens) {
  const ParallelMapping& mapping = *mapping_;
  const MeshTopology& topology = mapping.topology();
  const int dies = topology.dies();
  const int experts = placement.experts();
  if (demand.size() != static_cast<std::size_t>(dies) * experts) {
    throw std::invalid_argument("PhaseTrafficBuilder: demand must have dies x experts entries");
  }
  out.dispatch.clear();
  out.combine.clear();
  out.instance_tokens.assign(static_cast<std::size_t>(dies) * placement.slotsPerDie(), 0.0);
  const bool to_owner = mapping.config().combine == CombinePolicy::kToOwnerThenGroupAllGather;
  for (int owner = 0; owner < dies; ++owner) {
    const int group = mapping.group(owner);
    const int rank = mapping.tpRank(owner);
    const int domain = placement.domainOf(owner);
    for (int e = 0; e < experts; ++e) {
      const double tokens = demand[owner * experts + e];
      if (tokens <= 0.0)
        continue;
      const std::vector<int>& instances = placement.instances(domain, e);
      if (instances.empty()) {
        throw std::logic_error("PhaseTrafficBuilder: expert without a live instance");
      }
      sources_.clear();
      for (int instance : instances) {
        sources_.push_back(mapping.dispatchSource(group, rank, placement.dieOfInstance(instance)));
      }
      std::size_t first = 0;
      std::size_t last = instances.size();
      const bool nearest = split_ == ReplicaSplit::kNearest;
      if (nearest) {
        int best_hops = -1;
        for (std::size_t i = 0; i < instances.size(); ++i) {
          const int expert_die = placement.dieOfInstance(instances[i]);
          const int via = mapping.relay(owner, expert_die);
          const int h = via < 0 ? topology.hops(sources_[i], expert_die)
                                : topology.hops(owner, via) + topology.hops(via, expert_die);
          if (best_hops < 0 || h < best_hops) {
            best_hops = h;
            first = i;
          }
        }
        last = first + 1;
      }
      for (std::size_t i = first; i < last; ++i) {
        const double share = nearest ? tokens : placement.shareOf(domain, e, instances[i], tokens);
        const int expert_die = placement.dieOfInstance(instances[i]);
        const double bytes = share * token_bytes;
        out.instance_tokens[instances[i]] += share;
        // HER on demand: the relay's leg only; the wafer crossing is added once per token below.
        const int via = mapping.relay(owner, expert_die);
        const int source = via < 0 ? sources_[i] : via;
        accumulate(dispatch_pairs_, dispatch_touched_, source, expert_die, bytes);
        accumulate(combine_pairs_, combine_touched_, expert_die,
                   via < 0 && to_owner ? owner : source, bytes);
      }
    }
  }
  if (mapping.hierarchical() && !mapping.replicatesTokens()) {
    const int wafers = topology.wafers();
    if (wafer_tokens == nullptr ||
        wafer_tokens->size() != static_cast<std::size_t>(dies) * static_cast<std::size_t>(wafers)) {
      throw std::invalid_argument(
          "PhaseTrafficBuilder: HER on-demand forwarding needs tokens per (owner, wafer)");
    }
    for (int owner = 0; owner < dies; ++owner) {
      for (int w = 0; w < wafers; ++w) {
        const double tokens = (*wafer_tokens)[static_cast<std::size_t>(owner) * wafers + w];
        if (tokens <= 0.0 || w == topology.waferOf(owner))
          continue;
        const int twin = topology.twinOn(owner, w);
        accumulate(dispatch_pairs_, dispatch_touched_, owner, twin, tokens * token_bytes);
        accumulate(combine_pairs_, combine_touched_, twin, owner, tokens * token_bytes);
      }
    }
  }
  flush(dispatch_pairs_, dispatch_touched_, Phase::kDispatch, out.dispatch);
  flush(combine_pairs_, combine_touched_, Phase::kCombine, out.combine);
}

std::vector<double> PhaseTrafficBuilder::tokensPerWafer(const LayerRouting& routing,
                                                        const std::vector<int>& token_owner,
                                                        const ExpertPlacement& placement) const {
  const MeshTopology& topology = mapping_->topology();
  const std::size_t wafers = static_cast<std::size_t>(topology.wafers());
  const int experts = placement.experts();
  // share[(domain * experts + e) * wafers + w]: fraction of e's selections served on wafer w.
  std::vector<double> share(static_cast<std::size_t>(mapping_->domainCount()) * experts * wafers,
                            0.0);
  for (int domain = 0; domain < mapping_->domainCount(); ++domain) {
    for (int e = 0; e < experts; ++e) {
      double* row = &share[(static_cast<std::size_t>(domain) * experts + e) * wafers];
      for (int instance : placement.instances(domain, e)) {
        row[topology.waferOf(placement.dieOfInstance(instance))] +=
            placement.shareOf(domain, e, instance, 1.0);
      }
    }
  }
  std::vector<double> out(static_cast<std::size_t>(topology.dies()) * wafers, 0.0);
  std::vector<double> none(wafers);  // P(no selection of the token served on wafer w)
  for (int token = 0; token < routing.tokens; ++token) {
    const int owner = token_owner.at(static_cast<std::size_t>(token));
    if (owner < 0)
      continue;  // a token no live group serves (faults)
    const int domain = placement.domainOf(owner);
    std::fill(none.begin(), none.end(), 1.0);
    for (int j = 0; j < routing.top_k; ++j) {
      const double* row =
          &share[(static_cast<std::size_t>(domain) * experts + routing.expert(token, j)) * wafers];
      for (std::size_t w = 0; w < wafers; ++w)
        none[w] *= 1.0 - row[w];
    }
    for (std::size_t w = 0; w < wafers; ++w)
      out[static_cast<std::size_t>(owner) * wafers + w] += 1.0 - none[w];
  }
  return out;
}

void PhaseTrafficBuilder::appendRing(const std::vector<int>& ring, double bytes_per_edge,
                                     Phase phase, TransferStep step,
                                     std::vector<Transfer>& out) const {
  if (ring.size() < 2 || bytes_per_edge <= 0.0)
    return;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    out.push_back(Transfer{ring[i], ring[(i + 1) % ring.size()], bytes_per_edge, phase, step});
  }
}

void PhaseTrafficBuilder::appendGroupAllReduce(int group, double bytes, Phase phase,
                                               bool shards_home, std::vector<Transfer>& out) const {
  const ParallelMapping& mapping = *mapping_;
  const double t = mapping.tpSize();
  const std::vector<int>& ring = mapping.ringOrder(group);
  appendRing(ring, 2.0 * (t - 1.0) / t * bytes, phase, TransferStep::kRingEdge, out);
  if (!mapping.replicatesTokens())
    return;
  const MeshTopology& topology = mapping.topology();
  const int home = topology.waferOf(ring.front());
  for (int wafer : mapping.domainWafers(mapping.domain(ring.front()))) {
    if (wafer == home)
      continue;
    if (shards_home) {
      appendRing(mapping.ringOnWafer(group, wafer), (t - 1.0) / t * bytes, phase,
                 TransferStep::kTwinRingEdge, out);
    }
    for (int die : ring) {
      const int twin = topology.twinOn(die, wafer);
      out.push_back(shards_home
                        ? Transfer{twin, die, bytes / t, phase, TransferStep::kShardHome}
                        : Transfer{die, twin, bytes / t, phase, TransferStep::kShardToTwin});
    }
    if (!shards_home) {
      appendRing(mapping.ringOnWafer(group, wafer), (t - 1.0) / t * bytes, phase,
                 TransferStep::kTwinRingEdge, out);
    }
  }
}

void PhaseTrafficBuilder::appendAttentionCollective(const std::vector<double>& group_bytes,
                                                    std::vector<Transfer>& out) const {
  for (int g = 0; g < mapping_->groupCount(); ++g)
    appendGroupAllReduce(g, group_bytes.at(g), Phase::kAttentionAllReduce, false, out);
}

void PhaseTrafficBuilder::appendCombineCollective(const std::vector<double>& group_bytes,
                                                  std::vector<Transfer>& out) const {
  const double t = mapping_->tpSize();
  const bool all_gather = mapping_->config().combine == CombinePolicy::kToOwnerThenGroupAllGather;
  for (int g = 0; g < mapping_->groupCount(); ++g) {
    const double bytes = group_bytes.at(g);
    if (all_gather)
      appendRing(mapping_->ringOrder(g), (t - 1.0) / t * bytes, Phase::kCombineCollective,
                 TransferStep::kRingEdge, out);
    else
      appendGroupAllReduce(g, bytes, Phase::kCombineCollective, true, out);
  }
}

}  // namespace spatialvp::moe
