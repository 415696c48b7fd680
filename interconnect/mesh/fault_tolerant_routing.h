#pragma once
// Up*/down* routing around the faults of a mesh of dies (Schroeder et al., Autonet, 1991), used
// instead of WaferGridRouting only when dies or links are dead (WaferFaults::reroutes), so
// fault-free runs, and runs with only degraded links or dead HBM stacks, route as before.
// Header-only and SystemC-free: the mesh timing core (MeshNetwork) and the MoE algorithm layer
// (moe::MeshTopology) route with this one rule.
//
// Rule. Take the live link graph (links that exist on the grid, are not dead and join two live
// dies). Its root is the live die nearest the grid centre (ties: lowest node id); BFS from it
// gives every live die a level. A link a -> b is "up" when b is nearer the root: level(b) <
// level(a), or equal levels and b < a; otherwise "down". A legal route is zero or more up links
// followed by zero or more down links. Each packet takes a shortest legal route; at a tie the
// first step in the order +x, -x, +y, -y. Once a packet has taken a down link it may take only
// down links: the next hop depends on the node, the destination and that one bit (`descending`),
// which the caller carries along the route.
//
// Why deadlock-free: "up" orders the links by (level, node id), strictly decreasing along up
// links and strictly increasing along down links, and no route turns from down to up, so a
// channel dependency a -> b (b follows a on some route) goes up->up, up->down or down->down, each
// of which climbs the order ((up, higher) before (up, lower) before (down, lower) before (down,
// higher)); the channel dependency graph has no cycle (Dally and Seitz). test/interconnect
// builds that graph for many random fault sets and checks it. Every live pair is reachable: the
// BFS tree path (up to the common ancestor, then down) is legal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "interconnect/mesh/wafer_faults.h"
#include "interconnect/mesh/wafer_grid_routing.h"

namespace spatialvp::interconnect {

class FaultTolerantRouting {
 public:
  FaultTolerantRouting(const WaferGridRouting& grid, const WaferFaults& faults)
      : width_(grid.gridWidth()), nodes_(grid.gridWidth() * grid.gridHeight()) {
    if (faults.empty() || faults.width() != grid.gridWidth() ||
        faults.height() != grid.gridHeight())
      throw std::invalid_argument("FaultTolerantRouting: needs a fault map of this grid");
    const std::size_t n = static_cast<std::size_t>(nodes_);
    usable_.assign(n * 4, 0);
    live_.assign(n, 0);
    for (int node = 0; node < nodes_; ++node) {
      live_[static_cast<std::size_t>(node)] = faults.dieDead(node) ? 0 : 1;
      for (int step = 0; step < 4; ++step) {
        if (faults.linkFraction(node, static_cast<GridStep>(step)) > 0.0)
          usable_[static_cast<std::size_t>(node * 4 + step)] = 1;
      }
    }
    root_ = chooseRoot(grid.gridHeight());
    buildLevels();
    buildTables();
  }

  int root() const { return root_; }
  int level(int node) const { return level_[static_cast<std::size_t>(node)]; }
  bool live(int node) const { return live_[static_cast<std::size_t>(node)] != 0; }
  bool usable(int node, GridStep step) const {
    return usable_[static_cast<std::size_t>(node * 4 + static_cast<int>(step))] != 0;
  }
  // The link node -> neighbour(node, step) leads toward the root.
  bool isUp(int node, GridStep step) const {
    const int next = neighbour(node, step);
    const int a = level(node);
    const int b = level(next);
    return b < a || (b == a && next < node);
  }
  int neighbour(int node, GridStep step) const {
    switch (step) {
      case GridStep::kXPlus:
        return node + 1;
      case GridStep::kXMinus:
        return node - 1;
      case GridStep::kYPlus:
        return node + width_;
      case GridStep::kYMinus:
        return node - width_;
      case GridStep::kArrived:
        break;
    }
    return node;
  }

  // Next step from `node` toward `destination` (both live); updates `descending` (start a
  // route with false). kArrived at the destination. Throws for a dead end of the route.
  GridStep nextStep(int node, int destination, bool& descending) const {
    if (node == destination)
      return GridStep::kArrived;
    const std::uint8_t step = next_[index(node, destination, descending)];
    if (step == kUnreachable) {
      throw std::invalid_argument("fault-tolerant routing: no route from node " +
                                  std::to_string(node) + " to node " + std::to_string(destination) +
                                  " (a dead die)");
    }
    const auto grid_step = static_cast<GridStep>(step);
    descending = descending || !isUp(node, grid_step);
    return grid_step;
  }

 private:
  static constexpr std::uint8_t kUnreachable = 0xff;

  std::size_t index(int node, int destination, bool descending) const {
    return (static_cast<std::size_t>(destination) * static_cast<std::size_t>(nodes_) +
            static_cast<std::size_t>(node)) *
               2 +
           (descending ? 1 : 0);
  }

  int chooseRoot(int height) const {
    int best = -1;
    long best_distance = 0;
    for (int node = 0; node < nodes_; ++node) {
      if (!live(node))
        continue;
      // Twice the distance to the centre, in integers: |2x - (W - 1)| + |2y - (H - 1)|.
      const long distance = std::labs(2L * (node % width_) - (width_ - 1)) +
                            std::labs(2L * (node / width_) - (height - 1));
      if (best < 0 || distance < best_distance) {
        best = node;
        best_distance = distance;
      }
    }
    return best;
  }

  void buildLevels() {
    level_.assign(static_cast<std::size_t>(nodes_), std::numeric_limits<int>::max());
    std::vector<int> queue{root_};
    level_[static_cast<std::size_t>(root_)] = 0;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const int node = queue[head];
      for (int step = 0; step < 4; ++step) {
        if (!usable(node, static_cast<GridStep>(step)))
          continue;
        const int next = neighbour(node, static_cast<GridStep>(step));
        if (level_[static_cast<std::size_t>(next)] == std::numeric_limits<int>::max()) {
          level_[static_cast<std::size_t>(next)] = level(node) + 1;
          queue.push_back(next);
        }
      }
    }
  }

  // Per destination, a backward BFS over the states (node, descending): state (a, up-allowed)
  // reaches (b, up-allowed) over an up link and (b, descending) over a down link; (a,
  // descending) reaches (b, descending) over a down link only.
  void buildTables() {
    const std::size_t states = static_cast<std::size_t>(nodes_) * 2;
    next_.assign(states * static_cast<std::size_t>(nodes_), kUnreachable);
    std::vector<int> distance(states);
    std::vector<int> queue;
    queue.reserve(states);
    for (int destination = 0; destination < nodes_; ++destination) {
      if (!live(destination))
        continue;
      std::fill(distance.begin(), distance.end(), -1);
      queue.clear();
      for (int phase = 0; phase < 2; ++phase) {
        distance[static_cast<std::size_t>(destination * 2 + phase)] = 0;
        queue.push_back(destination * 2 + phase);
      }
      for (std::size_t head = 0; head < queue.size(); ++head) {
        const int state = queue[head];
        const int node = state / 2;
        const bool descending = state % 2 == 1;
        for (int step = 0; step < 4; ++step) {
          // Predecessor `from` reaches `node` by the reverse of this step.
          const auto out = static_cast<GridStep>(step);
          if (!usable(node, out))
            continue;
          const int from = neighbour(node, out);
          const GridStep back = WaferGridRouting::reverse(out);
          const bool up = isUp(from, back);
          if (up && descending)
            continue;  // an up link never enters a descending state
          for (int from_phase = 0; from_phase < 2; ++from_phase) {
            if (from_phase == 1 && up)
              continue;  // a descending packet takes no up link
            if (!up && !descending)
              continue;  // a down link always leads into a descending state
            const int from_state = from * 2 + from_phase;
            if (distance[static_cast<std::size_t>(from_state)] >= 0)
              continue;
            distance[static_cast<std::size_t>(from_state)] =
                distance[static_cast<std::size_t>(state)] + 1;
            queue.push_back(from_state);
          }
        }
      }
      // Next hop: the first step (+x, -x, +y, -y) into a state one nearer the destination.
      for (int node = 0; node < nodes_; ++node) {
        if (!live(node) || node == destination)
          continue;
        for (int phase = 0; phase < 2; ++phase) {
          const int here = distance[static_cast<std::size_t>(node * 2 + phase)];
          if (here <= 0)
            continue;
          for (int step = 0; step < 4; ++step) {
            const auto out = static_cast<GridStep>(step);
            if (!usable(node, out))
              continue;
            const bool up = isUp(node, out);
            if (up && phase == 1)
              continue;
            const int to_state = neighbour(node, out) * 2 + (up ? 0 : 1);
            if (distance[static_cast<std::size_t>(to_state)] == here - 1) {
              next_[index(node, destination, phase == 1)] = static_cast<std::uint8_t>(step);
              break;
            }
          }
        }
      }
    }
  }

  int width_;
  int nodes_;
  int root_ = 0;
  std::vector<char> usable_;  // [node * 4 + step]: link exists, not dead, both ends live
  std::vector<char> live_;
  std::vector<int> level_;
  std::vector<std::uint8_t> next_;  // [(destination * nodes + node) * 2 + descending]
};

}  // namespace spatialvp::interconnect
