#include "workloads/moe/phase_traffic_builder.h"

#include <algorithm>
#include <stdexcept>

namespace spatialvp::moe {

PhaseTrafficBuilder::PhaseTrafficBuilder(const ParallelMapping& mapping, ReplicaSplit split)
    : mapping_(&mapping), split_(split) {
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
  for (int key : touched) {
    out.push_back(Transfer{key / dies, key % dies, matrix[key], phase});
    matrix[key] = 0.0;
  }
  touched.clear();
}

void PhaseTrafficBuilder::buildMoeLayer(const std::vector<double>& demand,
                                        const ExpertPlacement& placement, double token_bytes,
                                        MoeLayerTraffic& out) {
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
          const int h = topology.hops(sources_[i], placement.dieOfInstance(instances[i]));
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
        out.instance_tokens[instances[i]] += share;
        accumulate(dispatch_pairs_, dispatch_touched_, sources_[i], expert_die,
                   share * token_bytes);
        accumulate(combine_pairs_, combine_touched_, expert_die, to_owner ? owner : sources_[i],
                   share * token_bytes);
      }
    }
  }
  flush(dispatch_pairs_, dispatch_touched_, Phase::kDispatch, out.dispatch);
  flush(combine_pairs_, combine_touched_, Phase::kCombine, out.combine);
}

void PhaseTrafficBuilder::appendRing(const std::vector<int>& ring, double bytes_per_edge,
                                     Phase phase, std::vector<Transfer>& out) const {
  if (ring.size() < 2 || bytes_per_edge <= 0.0)
    return;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    out.push_back(Transfer{ring[i], ring[(i + 1) % ring.size()], bytes_per_edge, phase});
  }
}

void PhaseTrafficBuilder::appendAttentionCollective(const std::vector<double>& group_bytes,
                                                    std::vector<Transfer>& out) const {
  const ParallelMapping& mapping = *mapping_;
  const double t = mapping.tpSize();
  const Phase phase = Phase::kAttentionAllReduce;
  for (int g = 0; g < mapping.groupCount(); ++g) {
    const double bytes = group_bytes.at(g);
    const std::vector<int>& ring = mapping.ringOrder(g);
    appendRing(ring, 2.0 * (t - 1.0) / t * bytes, phase, out);
    if (!mapping.hierarchical())
      continue;
    const MeshTopology& topology = mapping.topology();
    const int home = topology.waferOf(ring.front());
    for (int wafer : mapping.domainWafers(mapping.domain(ring.front()))) {
      if (wafer == home)
        continue;
      for (int die : ring)
        out.push_back(Transfer{die, topology.twinOn(die, wafer), bytes / t, phase});
      appendRing(mapping.ringOnWafer(g, wafer), (t - 1.0) / t * bytes, phase, out);
    }
  }
}

void PhaseTrafficBuilder::appendCombineCollective(const std::vector<double>& group_bytes,
                                                  std::vector<Transfer>& out) const {
  const ParallelMapping& mapping = *mapping_;
  const double t = mapping.tpSize();
  const Phase phase = Phase::kCombineCollective;
  const bool all_gather = mapping.config().combine == CombinePolicy::kToOwnerThenGroupAllGather;
  for (int g = 0; g < mapping.groupCount(); ++g) {
    const double bytes = group_bytes.at(g);
    const std::vector<int>& ring = mapping.ringOrder(g);
    if (all_gather) {
      appendRing(ring, (t - 1.0) / t * bytes, phase, out);
      continue;
    }
    appendRing(ring, 2.0 * (t - 1.0) / t * bytes, phase, out);
    if (!mapping.hierarchical())
      continue;
    const MeshTopology& topology = mapping.topology();
    const int home = topology.waferOf(ring.front());
    for (int wafer : mapping.domainWafers(mapping.domain(ring.front()))) {
      if (wafer == home)
        continue;
      appendRing(mapping.ringOnWafer(g, wafer), (t - 1.0) / t * bytes, phase, out);
      for (int die : ring)
        out.push_back(Transfer{topology.twinOn(die, wafer), die, bytes / t, phase});
    }
  }
}

}  // namespace spatialvp::moe
