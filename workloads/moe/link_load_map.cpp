#include "workloads/moe/link_load_map.h"

#include <algorithm>

namespace spatialvp::moe {

LinkLoadMap::LinkLoadMap(const MeshTopology& topology) : topology_(&topology) {
  for (auto& per_link : bytes_)
    per_link.assign(topology.linkIdCount(), 0.0);
}

void LinkLoadMap::add(const Transfer& transfer) {
  if (transfer.src == transfer.dst || transfer.bytes <= 0.0)
    return;
  const int p = index(transfer.phase);
  std::vector<double>& loads = bytes_[p];
  double latency = 0.0;
  int hops = 0;
  const MeshTopology& topology = *topology_;
  topology.forEachLink(transfer.src, transfer.dst, [&](int link) {
    loads[link] += transfer.bytes;
    latency += topology.linkLatency(link);
    ++hops;
  });
  max_latency_[p] = std::max(max_latency_[p], latency);
  hop_bytes_[p] += hops * transfer.bytes;
  moved_bytes_[p] += transfer.bytes;
}

void LinkLoadMap::add(const std::vector<Transfer>& transfers) {
  for (const Transfer& transfer : transfers)
    add(transfer);
}

void LinkLoadMap::clear() {
  for (auto& per_link : bytes_)
    std::fill(per_link.begin(), per_link.end(), 0.0);
  max_latency_.fill(0.0);
  hop_bytes_.fill(0.0);
  moved_bytes_.fill(0.0);
}

double LinkLoadMap::maxBytes(Phase phase) const {
  const auto& loads = bytes_[index(phase)];
  return loads.empty() ? 0.0 : *std::max_element(loads.begin(), loads.end());
}

double LinkLoadMap::maxBytes(Phase phase, const std::function<bool(int)>& select) const {
  double best = 0.0;
  for (int link = 0; link < topology_->linkIdCount(); ++link) {
    if (topology_->linkExists(link) && select(link))
      best = std::max(best, bytes(phase, link));
  }
  return best;
}

double LinkLoadMap::meanBytes(Phase phase, const std::function<bool(int)>& select) const {
  double sum = 0.0;
  int count = 0;
  for (int link = 0; link < topology_->linkIdCount(); ++link) {
    if (topology_->linkExists(link) && select(link)) {
      sum += bytes(phase, link);
      ++count;
    }
  }
  return count == 0 ? 0.0 : sum / count;
}

double LinkLoadMap::totalBytes(Phase phase) const {
  double sum = 0.0;
  for (double value : bytes_[index(phase)])
    sum += value;
  return sum;
}

double LinkLoadMap::bandwidthTime(Phase phase) const {
  const auto& loads = bytes_[index(phase)];
  double worst = 0.0;
  for (int link = 0; link < topology_->linkIdCount(); ++link) {
    if (loads[link] > 0.0)
      worst = std::max(worst, loads[link] / topology_->linkBandwidth(link));
  }
  return worst;
}

double LinkLoadMap::phaseTime(Phase phase) const {
  return bandwidthTime(phase) + latency(phase);
}

double LinkLoadMap::meanHops(Phase phase) const {
  const int p = index(phase);
  return moved_bytes_[p] > 0.0 ? hop_bytes_[p] / moved_bytes_[p] : 0.0;
}

}  // namespace spatialvp::moe
