#pragma once
// Dies on one or more wafers, joined by directed D2D links (mesh) and inter-wafer links at the
// facing edge dies. Die id = wafer * (W*H) + y*W + x with wafer = wy*wafers_x + wx. A directed
// link is identified by (source die, direction): id = die*4 + direction.
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <vector>

#include "interconnect/mesh/fault_tolerant_routing.h"
#include "interconnect/mesh/wafer_faults.h"
#include "interconnect/mesh/wafer_grid_routing.h"
#include "workloads/moe/hardware_spec.h"

namespace spatialvp::moe {

enum class Direction { kXPlus = 0, kXMinus = 1, kYPlus = 2, kYMinus = 3 };

class MeshTopology {
 public:
  explicit MeshTopology(const WaferSystemSpec& spec);

  const WaferSystemSpec& spec() const { return spec_; }
  // The network that carries the traffic owns link timing; a timed platform adopts its values
  // once the orchestrator is bound to it, so estimates (NI chunk admission) use the same links.
  void adoptLinkTiming(double d2d_bandwidth, double d2d_hop_latency, double inter_wafer_bandwidth,
                       double inter_wafer_latency);
  // The fault map the network owns (mesh node ids = globalY * gridWidth + globalX), adopted
  // once bound: dead links vanish, degraded links keep their fraction of the bandwidth, and
  // with dead dies or links routes follow the network's up*/down* rule. Throws
  // std::invalid_argument for a map of another grid.
  void adoptFaults(const interconnect::WaferFaults& faults);
  const interconnect::WaferFaults& faults() const { return faults_; }
  // Dead die (no router, no compute), or a live router whose die cannot compute (dead HBM).
  bool dieDead(int die) const { return faults_.dieDead(nodeOf(die)); }
  bool computeDead(int die) const { return faults_.computeDead(nodeOf(die)); }
  int nodeOf(int die) const { return global_y_[die] * grid_width_ + global_x_[die]; }
  int dies() const { return dies_; }
  int diesPerWafer() const { return spec_.mesh_width * spec_.mesh_height; }
  int wafers() const { return spec_.wafers(); }
  int linkIdCount() const { return dies_ * 4; }
  int gridWidth() const { return grid_width_; }  // global die grid over all wafers
  int gridHeight() const { return grid_height_; }

  int globalX(int die) const { return global_x_[die]; }
  int globalY(int die) const { return global_y_[die]; }
  int dieAtGlobal(int gx, int gy) const { return die_at_[gy * grid_width_ + gx]; }
  int waferOf(int die) const { return die / diesPerWafer(); }
  int localX(int die) const { return (die % diesPerWafer()) % spec_.mesh_width; }
  int localY(int die) const { return (die % diesPerWafer()) / spec_.mesh_width; }
  int dieAt(int wafer, int x, int y) const {
    return wafer * diesPerWafer() + y * spec_.mesh_width + x;
  }
  // The die at the same on-wafer position on another wafer.
  int twinOn(int die, int wafer) const { return dieAt(wafer, localX(die), localY(die)); }

  bool linkExists(int link) const { return link_exists_[link]; }
  int linkSource(int link) const { return link / 4; }
  int linkTarget(int link) const { return link_target_[link]; }
  bool isInterWafer(int link) const {
    return waferOf(linkSource(link)) != waferOf(linkTarget(link));
  }
  double linkBandwidth(int link) const {
    const double nominal = isInterWafer(link) ? spec_.inter_wafer_bandwidth : spec_.d2d_bandwidth;
    return faults_.empty()
               ? nominal
               : nominal * faults_.linkFraction(nodeOf(linkSource(link)),
                                                static_cast<interconnect::GridStep>(link % 4));
  }
  double linkLatency(int link) const {
    return isInterWafer(link) ? spec_.inter_wafer_latency : spec_.d2d_hop_latency;
  }

  // Calls visit(link) for every link of the route src -> dst: dimension order (X then Y) inside
  // a wafer; between wafers, X-then-Y over the wafer grid through linked edge dies (exactly
  // global XY routing when every edge die is linked). The rule is
  // interconnect::WaferGridRouting, the one the timed mesh routes with; with faults, the
  // mesh's up*/down* rule (interconnect::FaultTolerantRouting) instead.
  template <typename Visit>
  void forEachLink(int src, int dst, Visit&& visit) const;
  int hops(int src, int dst) const;
  std::vector<int> route(int src, int dst) const;
  // Seconds for `bytes` to cross the idle route src -> dst: serialisation at the route's
  // slowest link plus every link's latency (cut-through); 0 for src == dst.
  double zeroLoadTime(int src, int dst, double bytes) const;

 private:
  WaferSystemSpec spec_;
  interconnect::WaferGridRouting routing_;
  interconnect::WaferFaults faults_;
  std::optional<interconnect::FaultTolerantRouting> fault_routing_;  // if faults_.reroutes()
  int dies_ = 0;
  int grid_width_ = 0;
  int grid_height_ = 0;
  std::vector<int> global_x_;
  std::vector<int> global_y_;
  std::vector<int> die_at_;
  std::vector<bool> link_exists_;
  std::vector<int> link_target_;
};

template <typename Visit>
void MeshTopology::forEachLink(int src, int dst, Visit&& visit) const {
  static_assert(
      static_cast<int>(interconnect::GridStep::kXPlus) == static_cast<int>(Direction::kXPlus) &&
          static_cast<int>(interconnect::GridStep::kYMinus) == static_cast<int>(Direction::kYMinus),
      "a grid step is a link direction");
  if (fault_routing_) {
    int node = nodeOf(src);
    const int to = nodeOf(dst);
    bool descending = false;
    for (;;) {
      const interconnect::GridStep step = fault_routing_->nextStep(node, to, descending);
      if (step == interconnect::GridStep::kArrived)
        return;
      visit(die_at_[node] * 4 + static_cast<int>(step));
      node = fault_routing_->neighbour(node, step);
    }
  }
  int x = globalX(src);
  int y = globalY(src);
  const int to_x = globalX(dst);
  const int to_y = globalY(dst);
  for (;;) {
    const interconnect::GridStep step = routing_.nextStep(x, y, to_x, to_y, /*x_first=*/true);
    if (step == interconnect::GridStep::kArrived)
      return;
    visit(dieAtGlobal(x, y) * 4 + static_cast<int>(step));
    interconnect::WaferGridRouting::advance(x, y, step);
  }
}

}  // namespace spatialvp::moe
