#pragma once
// Dies on one or more wafers, joined by directed D2D links (mesh) and inter-wafer links at the
// facing edge dies. Die id = wafer * (W*H) + y*W + x with wafer = wy*wafers_x + wx. A directed
// link is identified by (source die, direction): id = die*4 + direction.
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "workloads/moe/hardware_spec.h"

namespace spatialvp::moe {

enum class Direction { kXPlus = 0, kXMinus = 1, kYPlus = 2, kYMinus = 3 };

class MeshTopology {
 public:
  explicit MeshTopology(const WaferSystemSpec& spec);

  const WaferSystemSpec& spec() const { return spec_; }
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
    return isInterWafer(link) ? spec_.inter_wafer_bandwidth : spec_.d2d_bandwidth;
  }
  double linkLatency(int link) const {
    return isInterWafer(link) ? spec_.inter_wafer_latency : spec_.d2d_hop_latency;
  }

  // Calls visit(link) for every link of the route src -> dst: dimension order (X then Y) inside
  // a wafer; between wafers, X-then-Y over the wafer grid through the linked edge die nearest to
  // the current position (equals global XY routing when every edge die is linked).
  template <typename Visit>
  void forEachLink(int src, int dst, Visit&& visit) const;
  int hops(int src, int dst) const;
  std::vector<int> route(int src, int dst) const;

 private:
  // Nearest linked offset to `along` on an edge of `edge_length` dies.
  int gatewayOffset(int along, int edge_length) const;
  template <typename Visit>
  int walkXY(int die, int target, Visit& visit) const;  // within one wafer, returns target

  WaferSystemSpec spec_;
  int dies_ = 0;
  int grid_width_ = 0;
  int grid_height_ = 0;
  std::vector<int> global_x_;
  std::vector<int> global_y_;
  std::vector<int> die_at_;
  std::vector<bool> link_exists_;
  std::vector<int> link_target_;
  std::vector<bool> offset_linked_;  // by offset along an edge, max(W, H) entries
};

template <typename Visit>
int MeshTopology::walkXY(int die, int target, Visit& visit) const {
  int x = globalX(die);
  int y = globalY(die);
  const int tx = globalX(target);
  const int ty = globalY(target);
  while (x != tx) {
    const Direction dir = tx > x ? Direction::kXPlus : Direction::kXMinus;
    visit(dieAtGlobal(x, y) * 4 + static_cast<int>(dir));
    x += tx > x ? 1 : -1;
  }
  while (y != ty) {
    const Direction dir = ty > y ? Direction::kYPlus : Direction::kYMinus;
    visit(dieAtGlobal(x, y) * 4 + static_cast<int>(dir));
    y += ty > y ? 1 : -1;
  }
  return target;
}

template <typename Visit>
void MeshTopology::forEachLink(int src, int dst, Visit&& visit) const {
  const int width = spec_.mesh_width;
  const int height = spec_.mesh_height;
  int current = src;
  const int dst_wafer = waferOf(dst);
  const int dst_wx = dst_wafer % spec_.wafers_x;
  const int dst_wy = dst_wafer / spec_.wafers_x;
  while (waferOf(current) != dst_wafer) {
    const int wafer = waferOf(current);
    const int wx = wafer % spec_.wafers_x;
    const int wy = wafer / spec_.wafers_x;
    int gateway = 0;
    Direction dir = Direction::kXPlus;
    if (wx != dst_wx) {
      dir = dst_wx > wx ? Direction::kXPlus : Direction::kXMinus;
      const int edge_x = dir == Direction::kXPlus ? width - 1 : 0;
      gateway = dieAt(wafer, edge_x, gatewayOffset(localY(current), height));
    } else {
      dir = dst_wy > wy ? Direction::kYPlus : Direction::kYMinus;
      const int edge_y = dir == Direction::kYPlus ? height - 1 : 0;
      gateway = dieAt(wafer, gatewayOffset(localX(current), width), edge_y);
    }
    walkXY(current, gateway, visit);
    const int link = gateway * 4 + static_cast<int>(dir);
    visit(link);
    current = linkTarget(link);
  }
  walkXY(current, dst, visit);
}

}  // namespace spatialvp::moe
