#include "workloads/moe/mesh_topology.h"

#include <algorithm>
#include <string>

namespace spatialvp::moe {

MeshTopology::MeshTopology(const WaferSystemSpec& spec) : spec_(spec) {
  if (spec.mesh_width < 1 || spec.mesh_height < 1 || spec.wafers_x < 1 || spec.wafers_y < 1) {
    throw std::invalid_argument("MeshTopology: mesh and wafer grid sizes must be positive");
  }
  if (spec.d2d_bandwidth <= 0.0 || spec.inter_wafer_bandwidth <= 0.0) {
    throw std::invalid_argument("MeshTopology: link bandwidths must be positive");
  }
  const int width = spec.mesh_width;
  const int height = spec.mesh_height;
  dies_ = spec.wafers() * width * height;
  grid_width_ = spec.wafers_x * width;
  grid_height_ = spec.wafers_y * height;
  const int edge_length = std::max(width, height);
  offset_linked_.assign(edge_length, spec.inter_wafer_link_offsets.empty());
  for (int offset : spec.inter_wafer_link_offsets) {
    if (offset < 0 || offset >= edge_length) {
      throw std::invalid_argument("MeshTopology: inter-wafer link offset " +
                                  std::to_string(offset) + " is outside the wafer edge");
    }
    offset_linked_[offset] = true;
  }
  if (spec.wafers() > 1 && !spec.inter_wafer_link_offsets.empty() &&
      *std::min_element(spec.inter_wafer_link_offsets.begin(),
                        spec.inter_wafer_link_offsets.end()) >= std::min(width, height)) {
    throw std::invalid_argument("MeshTopology: every wafer edge needs an inter-wafer link");
  }
  global_x_.resize(dies_);
  global_y_.resize(dies_);
  die_at_.resize(dies_);
  for (int die = 0; die < dies_; ++die) {
    const int wafer = waferOf(die);
    global_x_[die] = (wafer % spec.wafers_x) * width + localX(die);
    global_y_[die] = (wafer / spec.wafers_x) * height + localY(die);
    die_at_[global_y_[die] * grid_width_ + global_x_[die]] = die;
  }
  link_exists_.assign(dies_ * 4, false);
  link_target_.assign(dies_ * 4, -1);
  const int step_x[4] = {1, -1, 0, 0};
  const int step_y[4] = {0, 0, 1, -1};
  for (int die = 0; die < dies_; ++die) {
    for (int dir = 0; dir < 4; ++dir) {
      const int nx = global_x_[die] + step_x[dir];
      const int ny = global_y_[die] + step_y[dir];
      if (nx < 0 || ny < 0 || nx >= grid_width_ || ny >= grid_height_) {
        continue;
      }
      const int neighbour = dieAtGlobal(nx, ny);
      if (waferOf(neighbour) != waferOf(die)) {
        const int along = dir < 2 ? localY(die) : localX(die);
        if (!offset_linked_[along]) {
          continue;
        }
      }
      link_exists_[die * 4 + dir] = true;
      link_target_[die * 4 + dir] = neighbour;
    }
  }
}

int MeshTopology::gatewayOffset(int along, int edge_length) const {
  for (int distance = 0; distance < edge_length; ++distance) {
    if (along - distance >= 0 && offset_linked_[along - distance]) {
      return along - distance;
    }
    if (along + distance < edge_length && offset_linked_[along + distance]) {
      return along + distance;
    }
  }
  throw std::logic_error("MeshTopology: no inter-wafer link on the edge");
}

int MeshTopology::hops(int src, int dst) const {
  int count = 0;
  forEachLink(src, dst, [&count](int) { ++count; });
  return count;
}

std::vector<int> MeshTopology::route(int src, int dst) const {
  std::vector<int> links;
  forEachLink(src, dst, [&links](int link) { links.push_back(link); });
  return links;
}

}  // namespace spatialvp::moe
