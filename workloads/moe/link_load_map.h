#pragma once
// Bytes per directed link per phase (sources W2.3): every transfer adds its size to each link of
// its route. Phase time is fluid and bandwidth-bound:
//   T = max_link bytes(link) / bandwidth(link) + max_transfer route latency.
#include <array>
#include <functional>
#include <vector>

#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/transfer.h"

namespace spatialvp::moe {

class LinkLoadMap {
 public:
  explicit LinkLoadMap(const MeshTopology& topology);

  void add(const Transfer& transfer);
  void add(const std::vector<Transfer>& transfers);
  void clear();

  double bytes(Phase phase, int link) const { return bytes_[index(phase)][link]; }
  const std::vector<double>& phaseBytes(Phase phase) const { return bytes_[index(phase)]; }
  double maxBytes(Phase phase) const;
  // Max and mean over the existing links that satisfy `select`.
  double maxBytes(Phase phase, const std::function<bool(int)>& select) const;
  double meanBytes(Phase phase, const std::function<bool(int)>& select) const;
  double totalBytes(Phase phase) const;
  // Fluid phase time: max over links of bytes / bandwidth, plus the longest route latency.
  double phaseTime(Phase phase) const;
  double bandwidthTime(Phase phase) const;
  double latency(Phase phase) const { return max_latency_[index(phase)]; }
  // Byte-weighted mean hop count of the phase's transfers (self-transfers excluded).
  double meanHops(Phase phase) const;

 private:
  static int index(Phase phase) { return static_cast<int>(phase); }

  const MeshTopology* topology_;
  std::array<std::vector<double>, kPhaseCount> bytes_;
  std::array<double, kPhaseCount> max_latency_{};
  std::array<double, kPhaseCount> hop_bytes_{};
  std::array<double, kPhaseCount> moved_bytes_{};
};

}  // namespace spatialvp::moe
