#include "workloads/moe/mesh_topology.h"

#include <algorithm>
#include <limits>

namespace spatialvp::moe {

namespace {

const WaferSystemSpec& checked(const WaferSystemSpec& spec) {
  if (spec.mesh_width < 1 || spec.mesh_height < 1 || spec.wafers_x < 1 || spec.wafers_y < 1) {
    throw std::invalid_argument("MeshTopology: mesh and wafer grid sizes must be positive");
  }
  if (spec.d2d_bandwidth <= 0.0 || spec.inter_wafer_bandwidth <= 0.0) {
    throw std::invalid_argument("MeshTopology: link bandwidths must be positive");
  }
  return spec;
}

}  // namespace

MeshTopology::MeshTopology(const WaferSystemSpec& spec)
    : spec_(checked(spec)),
      routing_(spec.mesh_width, spec.mesh_height, spec.wafers_x, spec.wafers_y,
               spec.inter_wafer_link_offsets, "MeshTopology: inter_wafer_link_offsets") {
  const int width = spec.mesh_width;
  const int height = spec.mesh_height;
  dies_ = spec.wafers() * width * height;
  grid_width_ = spec.wafers_x * width;
  grid_height_ = spec.wafers_y * height;
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
  for (int die = 0; die < dies_; ++die) {
    for (int dir = 0; dir < 4; ++dir) {
      const auto step = static_cast<interconnect::GridStep>(dir);
      if (!routing_.linkExists(global_x_[die], global_y_[die], step))
        continue;
      int nx = global_x_[die];
      int ny = global_y_[die];
      interconnect::WaferGridRouting::advance(nx, ny, step);
      link_exists_[die * 4 + dir] = true;
      link_target_[die * 4 + dir] = dieAtGlobal(nx, ny);
    }
  }
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

double MeshTopology::zeroLoadTime(int src, int dst, double bytes) const {
  double latency = 0.0;
  double slowest = std::numeric_limits<double>::infinity();
  forEachLink(src, dst, [&](int link) {
    latency += linkLatency(link);
    slowest = std::min(slowest, linkBandwidth(link));
  });
  return src == dst ? 0.0 : bytes / slowest + latency;
}

void MeshTopology::adoptFaults(const interconnect::WaferFaults& faults) {
  if (faults.empty())
    return;
  if (faults.width() != grid_width_ || faults.height() != grid_height_)
    throw std::invalid_argument("MeshTopology: the fault map is of another die grid");
  faults_ = faults;
  if (faults_.reroutes())
    fault_routing_.emplace(routing_, faults_);
  for (int link = 0; link < linkIdCount(); ++link) {
    if (link_exists_[link] &&
        faults_.linkFraction(nodeOf(linkSource(link)),
                             static_cast<interconnect::GridStep>(link % 4)) == 0.0)
      link_exists_[link] = false;
  }
}

void MeshTopology::adoptLinkTiming(double d2d_bandwidth, double d2d_hop_latency,
                                   double inter_wafer_bandwidth, double inter_wafer_latency) {
  if (d2d_bandwidth <= 0.0 || inter_wafer_bandwidth <= 0.0 || d2d_hop_latency < 0.0 ||
      inter_wafer_latency < 0.0)
    throw std::invalid_argument("link bandwidths must be positive and latencies non-negative");
  spec_.d2d_bandwidth = d2d_bandwidth;
  spec_.d2d_hop_latency = d2d_hop_latency;
  spec_.inter_wafer_bandwidth = inter_wafer_bandwidth;
  spec_.inter_wafer_latency = inter_wafer_latency;
}

}  // namespace spatialvp::moe
