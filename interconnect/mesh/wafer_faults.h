#pragma once
// The fault map of a mesh of dies: dead dies (router and compute gone), dead or degraded links
// (a D2D link between two neighbours, both directions; degraded = a fraction of its nominal
// bandwidth) and dead HBM stacks (the die's router still forwards; the die computes nothing,
// see interconnect/README.md "Faults"). Faults are listed explicitly or sampled from defect
// densities with a seed, or both (the union). Header-only and SystemC-free: the mesh timing core
// and the MoE algorithm layer (moe::MeshTopology) read the same map.
//
// Sampling draws one uniform number per die, then two per existing link (dead, then degraded),
// then one per die for its HBM stack, always in node order and whatever the densities: for one
// seed the sampled fault sets are nested as a density grows, so a density sweep degrades one
// wafer step by step instead of drawing unrelated wafers.
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "interconnect/mesh/wafer_grid_routing.h"

namespace spatialvp::interconnect {

// A link named by the node it leaves and the step toward its neighbour; node id = y*width + x.
struct LinkSite {
  int node = 0;
  GridStep step = GridStep::kXPlus;
};

struct WaferFaultSpec {
  std::vector<int> dead_dies;  // node ids
  std::vector<LinkSite> dead_links;
  std::vector<LinkSite> degraded_links;
  std::vector<int> dead_hbm;           // node ids of dies whose HBM stack is dead
  double die_density = 0.0;            // probability a die is dead, [0, 1)
  double link_density = 0.0;           // probability a link is dead, [0, 1)
  double degraded_link_density = 0.0;  // probability a link that is not dead is degraded
  double hbm_density = 0.0;            // probability a (live) die's HBM stack is dead
  double degraded_bandwidth = 0.5;     // fraction of nominal bandwidth a degraded link keeps
  std::uint64_t seed = 1;

  bool any() const {
    return !dead_dies.empty() || !dead_links.empty() || !degraded_links.empty() ||
           !dead_hbm.empty() || die_density > 0.0 || link_density > 0.0 ||
           degraded_link_density > 0.0 || hbm_density > 0.0;
  }
};

// A bad fault spec: `field` is the WaferFaultSpec member ("dead_links", "die_density", or
// "faults" for the fault set as a whole), `element` the list position or -1.
class FaultSpecError : public std::invalid_argument {
 public:
  FaultSpecError(std::string field, int element, const std::string& text)
      : std::invalid_argument(text), field_(std::move(field)), element_(element) {}
  const std::string& field() const { return field_; }
  int element() const { return element_; }

 private:
  std::string field_;
  int element_;
};

class WaferFaults {
 public:
  // Most routers a faulty mesh may have: fault-tolerant routing keeps a next-hop table of
  // 2 x routers^2 bytes (32 MiB at this size).
  static constexpr int kMaxRouters = 4096;

  WaferFaults() = default;  // no faults

  // Resolves `spec` on the links `grid` says exist (sparse inter-wafer links included). Throws
  // FaultSpecError for a die or link that does not exist, a density outside [0, 1), a degraded
  // bandwidth outside (0, 1), a link both dead and degraded, or a fault set that leaves no die
  // or splits the live dies into parts that cannot reach each other.
  WaferFaults(const WaferFaultSpec& spec, const WaferGridRouting& grid)
      : width_(grid.gridWidth()), height_(grid.gridHeight()) {
    const int nodes = width_ * height_;
    if (!spec.any())
      return;
    if (nodes > kMaxRouters) {
      throw FaultSpecError("faults", -1,
                           "faults need a mesh of at most " + std::to_string(kMaxRouters) +
                               " routers (fault-tolerant routing tables), got " +
                               std::to_string(nodes));
    }
    checkDensity("die_density", spec.die_density);
    checkDensity("link_density", spec.link_density);
    checkDensity("degraded_link_density", spec.degraded_link_density);
    checkDensity("hbm_density", spec.hbm_density);
    if (!(spec.degraded_bandwidth > 0.0 && spec.degraded_bandwidth < 1.0)) {
      throw FaultSpecError("degraded_bandwidth", -1,
                           "expected a fraction of the nominal bandwidth in (0, 1), got " +
                               std::to_string(spec.degraded_bandwidth));
    }
    dead_die_.assign(static_cast<std::size_t>(nodes), 0);
    dead_hbm_.assign(static_cast<std::size_t>(nodes), 0);
    link_fraction_.assign(static_cast<std::size_t>(nodes) * 4, 0.0);
    link_exists_.assign(static_cast<std::size_t>(nodes) * 4, 0);
    for (int node = 0; node < nodes; ++node) {
      for (int step = 0; step < 4; ++step) {
        if (grid.linkExists(node % width_, node / width_, static_cast<GridStep>(step))) {
          link_fraction_[static_cast<std::size_t>(node * 4 + step)] = 1.0;
          link_exists_[static_cast<std::size_t>(node * 4 + step)] = 1;
        }
      }
    }

    for (std::size_t i = 0; i < spec.dead_dies.size(); ++i)
      dead_die_[checkedNode("dead_dies", i, spec.dead_dies[i])] = 1;
    for (std::size_t i = 0; i < spec.dead_hbm.size(); ++i)
      dead_hbm_[checkedNode("dead_hbm", i, spec.dead_hbm[i])] = 1;
    for (std::size_t i = 0; i < spec.dead_links.size(); ++i)
      setLink(checkedLink("dead_links", i, spec.dead_links[i]), 0.0);
    for (std::size_t i = 0; i < spec.degraded_links.size(); ++i) {
      const LinkSite site = checkedLink("degraded_links", i, spec.degraded_links[i]);
      if (fraction(site) == 0.0) {
        throw FaultSpecError("degraded_links", static_cast<int>(i),
                             "link " + linkName(site) + " is also listed in dead_links");
      }
      setLink(site, spec.degraded_bandwidth);
    }

    std::mt19937_64 engine(spec.seed);
    const auto draw = [&engine] { return static_cast<double>(engine() >> 11) * 0x1.0p-53; };
    for (int node = 0; node < nodes; ++node) {
      if (draw() < spec.die_density)
        dead_die_[static_cast<std::size_t>(node)] = 1;
    }
    for (int node = 0; node < nodes; ++node) {
      for (const GridStep step : {GridStep::kXPlus, GridStep::kYPlus}) {
        const LinkSite site{node, step};
        if (!existsInGrid(site))
          continue;  // no such link: nothing drawn, so the sequence depends on the grid only
        const double dead = draw();
        const double degraded = draw();
        if (dead < spec.link_density)
          setLink(site, 0.0);
        else if (degraded < spec.degraded_link_density && fraction(site) == 1.0)
          setLink(site, spec.degraded_bandwidth);
      }
    }
    for (int node = 0; node < nodes; ++node) {
      if (draw() < spec.hbm_density)
        dead_hbm_[static_cast<std::size_t>(node)] = 1;
    }

    // A dead die takes its links and its HBM stack with it.
    for (int node = 0; node < nodes; ++node) {
      if (!dead_die_[static_cast<std::size_t>(node)])
        continue;
      dead_hbm_[static_cast<std::size_t>(node)] = 0;
      for (int step = 0; step < 4; ++step) {
        if (link_fraction_[static_cast<std::size_t>(node * 4 + step)] > 0.0)
          setLink({node, static_cast<GridStep>(step)}, 0.0);
      }
    }
    count();
    empty_ = dead_dies_ == 0 && dead_links_ == 0 && degraded_links_ == 0 && dead_hbm_count_ == 0;
    checkConnected();
  }

  bool empty() const { return empty_; }
  // Dies or links are missing, so routes must change (up*/down*, fault_tolerant_routing.h).
  // Degraded links and dead HBM stacks leave the fault-free routes in place.
  bool reroutes() const { return dead_dies_ > 0 || dead_links_ > 0; }
  int width() const { return width_; }
  int height() const { return height_; }
  bool dieDead(int node) const { return !empty_ && dead_die_[static_cast<std::size_t>(node)]; }
  bool hbmDead(int node) const { return !empty_ && dead_hbm_[static_cast<std::size_t>(node)]; }
  // The die cannot compute: it is dead, or its HBM stack is (no weights, no KV cache).
  bool computeDead(int node) const { return dieDead(node) || hbmDead(node); }
  // Bandwidth fraction of the link leaving `node` by `step`: 1 healthy, 0 dead or absent,
  // in between degraded. Only meaningful for a non-empty map.
  double linkFraction(int node, GridStep step) const {
    return link_fraction_[static_cast<std::size_t>(node * 4 + static_cast<int>(step))];
  }

  int deadDies() const { return dead_dies_; }
  int deadLinks() const { return dead_links_; }  // links that exist on the grid, both directions
  int degradedLinks() const { return degraded_links_; }
  int deadHbm() const { return dead_hbm_count_; }  // on live dies

  static std::string nodeName(int node, int width) {
    return "x" + std::to_string(node % width) + "y" + std::to_string(node / width);
  }

 private:
  static void checkDensity(const char* field, double density) {
    if (!(density >= 0.0 && density < 1.0)) {
      throw FaultSpecError(field, -1,
                           "expected a probability in [0, 1), got " + std::to_string(density));
    }
  }

  std::size_t checkedNode(const char* field, std::size_t element, int node) const {
    if (node < 0 || node >= width_ * height_) {
      throw FaultSpecError(field, static_cast<int>(element),
                           "node " + std::to_string(node) + " is not on the " +
                               std::to_string(width_) + " x " + std::to_string(height_) + " mesh");
    }
    return static_cast<std::size_t>(node);
  }

  LinkSite checkedLink(const char* field, std::size_t element, const LinkSite& site) const {
    checkedNode(field, element, site.node);
    if (site.step == GridStep::kArrived || !existsInGrid(site)) {
      throw FaultSpecError(field, static_cast<int>(element),
                           "there is no link from " + nodeName(site.node, width_) + " toward " +
                               stepName(site.step) +
                               " (off the mesh, or an inter-wafer position without a link)");
    }
    return site;
  }

  bool existsInGrid(const LinkSite& site) const {
    return link_exists_[static_cast<std::size_t>(site.node * 4 + static_cast<int>(site.step))] != 0;
  }

  double fraction(const LinkSite& site) const {
    return link_fraction_[static_cast<std::size_t>(site.node * 4 + static_cast<int>(site.step))];
  }

  int neighbour(const LinkSite& site) const {
    int x = site.node % width_;
    int y = site.node / width_;
    WaferGridRouting::advance(x, y, site.step);
    return y * width_ + x;
  }

  static const char* stepName(GridStep step) {
    switch (step) {
      case GridStep::kXPlus:
        return "+x";
      case GridStep::kXMinus:
        return "-x";
      case GridStep::kYPlus:
        return "+y";
      case GridStep::kYMinus:
        return "-y";
      case GridStep::kArrived:
        break;
    }
    return "nowhere";
  }

  std::string linkName(const LinkSite& site) const {
    return nodeName(site.node, width_) + "-" + nodeName(neighbour(site), width_);
  }

  // Both directions of a link share its fate.
  void setLink(const LinkSite& site, double value) {
    link_fraction_[static_cast<std::size_t>(site.node * 4 + static_cast<int>(site.step))] = value;
    link_fraction_[static_cast<std::size_t>(
        neighbour(site) * 4 + static_cast<int>(WaferGridRouting::reverse(site.step)))] = value;
  }

  void count() {
    const int nodes = width_ * height_;
    for (int node = 0; node < nodes; ++node) {
      dead_dies_ += dead_die_[static_cast<std::size_t>(node)];
      dead_hbm_count_ += dead_hbm_[static_cast<std::size_t>(node)];
      for (const GridStep step : {GridStep::kXPlus, GridStep::kYPlus}) {
        if (!existsInGrid({node, step}))
          continue;
        const double value = fraction({node, step});
        dead_links_ += value == 0.0 ? 1 : 0;
        degraded_links_ += value > 0.0 && value < 1.0 ? 1 : 0;
      }
    }
  }

  void checkConnected() const {
    const int nodes = width_ * height_;
    int first = -1;
    int live = 0;
    for (int node = 0; node < nodes; ++node) {
      if (!dead_die_[static_cast<std::size_t>(node)]) {
        ++live;
        if (first < 0)
          first = node;
      }
    }
    if (live == 0)
      throw FaultSpecError("faults", -1, "every die is dead");
    std::vector<char> seen(static_cast<std::size_t>(nodes), 0);
    std::vector<int> queue{first};
    seen[static_cast<std::size_t>(first)] = 1;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      for (int step = 0; step < 4; ++step) {
        const LinkSite site{queue[head], static_cast<GridStep>(step)};
        if (fraction(site) == 0.0)
          continue;
        const int next = neighbour(site);
        if (!seen[static_cast<std::size_t>(next)]) {
          seen[static_cast<std::size_t>(next)] = 1;
          queue.push_back(next);
        }
      }
    }
    if (static_cast<int>(queue.size()) == live)
      return;
    // Name a die of the smaller part first: that is the one the faults cut off.
    int outside = -1;
    for (int node = 0; node < nodes && outside < 0; ++node) {
      if (!dead_die_[static_cast<std::size_t>(node)] && !seen[static_cast<std::size_t>(node)])
        outside = node;
    }
    const int reached = static_cast<int>(queue.size());
    const bool first_cut_off = reached < live - reached;
    throw FaultSpecError("faults", -1,
                         "the faults disconnect the wafer: live die " +
                             nodeName(first_cut_off ? first : outside, width_) +
                             " cannot reach live die " +
                             nodeName(first_cut_off ? outside : first, width_) + " (" +
                             std::to_string(first_cut_off ? reached : live - reached) + " of " +
                             std::to_string(live) + " live dies cut off)");
  }

  int width_ = 0;
  int height_ = 0;
  bool empty_ = true;
  std::vector<char> dead_die_;
  std::vector<char> dead_hbm_;
  std::vector<double> link_fraction_;  // [node * 4 + step]
  std::vector<char> link_exists_;      // [node * 4 + step]: the link is on the grid
  int dead_dies_ = 0;
  int dead_links_ = 0;
  int degraded_links_ = 0;
  int dead_hbm_count_ = 0;
};

}  // namespace spatialvp::interconnect
