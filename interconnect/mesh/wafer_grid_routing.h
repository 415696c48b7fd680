#pragma once
// Routing over a grid of wafers whose facing edge dies are joined by inter-wafer links, possibly
// only at some positions along the edge. Header-only and SystemC-free on purpose: the mesh timing
// core (MeshNetwork::route) and the MoE algorithm layer (moe::MeshTopology::forEachLink) both
// route with this one rule, so the timed mesh and the analytic link loads cannot disagree.
//
// Coordinates are global over the die grid: wafer (wx, wy) holds x in [wx*W, (wx+1)*W) and
// y in [wy*H, (wy+1)*H). An offset is a position along a wafer edge: the local y of a die on an
// east/west edge, the local x of a die on a north/south edge. The same offsets are linked on
// every facing edge; an empty offset list links every edge die.
//
// Next hop from (x, y) to (to_x, to_y), stateless:
//   - same wafer: dimension order (x first or y first) toward the destination;
//   - other wafer: leave toward the destination wafer, x first over the wafer grid, then y. The
//     gateway is the die on that edge at the linked offset nearest (ties: the lower offset) to
//     the current row for an east/west edge, and to the destination's column for a north/south
//     edge. Step in dimension order toward the gateway; at the gateway, cross.
// With every edge die linked this is exactly global dimension-order routing (x first: the row
// is the source's while x changes, the column the destination's while y changes). Choosing the
// north/south gateway by the current column instead would funnel all traffic that turns at a
// wafer edge (e.g. between diagonal wafers) through the corner column. Moving toward an east/west
// gateway only brings the row nearer to it, so the nearest linked offset never changes on the
// way: this equals choosing the gateway once on entering the wafer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace spatialvp::interconnect {

// Values equal Port (E, W, N, S, Local) and moe::Direction (X+, X-, Y+, Y-); both cast.
enum class GridStep : std::uint8_t {
  kXPlus = 0,
  kXMinus = 1,
  kYPlus = 2,
  kYMinus = 3,
  kArrived = 4
};

class WaferGridRouting {
 public:
  // Problems of an inter-wafer link offset list, each "<field>: expected ..., got ...": an
  // offset outside the longer wafer edge, a duplicate, or a wafer edge that must be crossed
  // (wafers along x cross east/west edges of `wafer_height` dies) but carries no link.
  static std::vector<std::string> validateOffsets(const std::string& field, int wafer_width,
                                                  int wafer_height, int wafers_x, int wafers_y,
                                                  const std::vector<int>& offsets) {
    std::vector<std::string> problems;
    const int edge_length = std::max(wafer_width, wafer_height);
    std::vector<bool> seen(static_cast<std::size_t>(std::max(edge_length, 0)), false);
    bool crosses_columns = false;  // some offset lies on an east/west edge
    bool crosses_rows = false;     // some offset lies on a north/south edge
    for (const int offset : offsets) {
      if (offset < 0 || offset >= edge_length) {
        problems.push_back(field + ": expected offsets 0.." + std::to_string(edge_length - 1) +
                           " (positions along a wafer edge of " + std::to_string(wafer_width) +
                           " x " + std::to_string(wafer_height) + " dies), got " +
                           std::to_string(offset));
        continue;
      }
      if (seen[static_cast<std::size_t>(offset)]) {
        problems.push_back(field + ": expected each offset once, got " + std::to_string(offset) +
                           " twice");
      }
      seen[static_cast<std::size_t>(offset)] = true;
      crosses_columns = crosses_columns || offset < wafer_height;
      crosses_rows = crosses_rows || offset < wafer_width;
    }
    if (offsets.empty() || !problems.empty())
      return problems;
    if (wafers_x > 1 && !crosses_columns) {
      problems.push_back(field + ": expected an offset below " + std::to_string(wafer_height) +
                         " (wafers side by side along x need a link on their east/west edges of " +
                         std::to_string(wafer_height) + " dies), got none");
    }
    if (wafers_y > 1 && !crosses_rows) {
      problems.push_back(field + ": expected an offset below " + std::to_string(wafer_width) +
                         " (wafers stacked along y need a link on their north/south edges of " +
                         std::to_string(wafer_width) + " dies), got none");
    }
    return problems;
  }

  // Throws std::invalid_argument (naming `field`) for a size below 1 or bad offsets.
  WaferGridRouting(int wafer_width, int wafer_height, int wafers_x, int wafers_y,
                   const std::vector<int>& linked_offsets, const std::string& field)
      : wafer_width_(wafer_width),
        wafer_height_(wafer_height),
        wafers_x_(wafers_x),
        wafers_y_(wafers_y) {
    if (wafer_width < 1 || wafer_height < 1 || wafers_x < 1 || wafers_y < 1)
      throw std::invalid_argument(field + ": wafer and wafer-grid sizes must be positive");
    const auto problems =
        validateOffsets(field, wafer_width, wafer_height, wafers_x, wafers_y, linked_offsets);
    if (!problems.empty())
      throw std::invalid_argument(problems.front());
    const int edge_length = std::max(wafer_width, wafer_height);
    linked_.assign(static_cast<std::size_t>(edge_length), linked_offsets.empty());
    for (const int offset : linked_offsets)
      linked_[static_cast<std::size_t>(offset)] = true;
    east_west_gateway_ = nearestLinked(wafer_height);
    north_south_gateway_ = nearestLinked(wafer_width);
    // Lookup tables instead of divisions: nextStep runs once per hop of every packet.
    for (int x = 0; x < gridWidth(); ++x)
      wafer_column_.push_back(x / wafer_width);
    for (int y = 0; y < gridHeight(); ++y)
      wafer_row_.push_back(y / wafer_height);
  }

  int waferWidth() const { return wafer_width_; }
  int waferHeight() const { return wafer_height_; }
  int gridWidth() const { return wafers_x_ * wafer_width_; }
  int gridHeight() const { return wafers_y_ * wafer_height_; }

  GridStep nextStep(int x, int y, int to_x, int to_y, bool x_first) const {
    const int wx = wafer_column_[x];
    const int wy = wafer_row_[y];
    const int to_wx = wafer_column_[to_x];
    const int to_wy = wafer_row_[to_y];
    if (wx == to_wx && wy == to_wy)
      return dimensionOrderStep(x, y, to_x, to_y, x_first);
    const int wafer_x0 = wx * wafer_width_;  // the wafer's first column and row
    const int wafer_y0 = wy * wafer_height_;
    if (wx != to_wx) {
      const bool east = to_wx > wx;
      const int gateway_x = wafer_x0 + (east ? wafer_width_ - 1 : 0);
      const int gateway_y = wafer_y0 + east_west_gateway_[y - wafer_y0];
      if (x == gateway_x && y == gateway_y)
        return east ? GridStep::kXPlus : GridStep::kXMinus;
      return dimensionOrderStep(x, y, gateway_x, gateway_y, x_first);
    }
    const bool north = to_wy > wy;
    const int gateway_x = wafer_x0 + north_south_gateway_[to_x - wafer_x0];
    const int gateway_y = wafer_y0 + (north ? wafer_height_ - 1 : 0);
    if (x == gateway_x && y == gateway_y)
      return north ? GridStep::kYPlus : GridStep::kYMinus;
    return dimensionOrderStep(x, y, gateway_x, gateway_y, x_first);
  }

  // The step from (x, y) leaves its wafer (to a neighbour wafer or off the grid).
  bool leavesWafer(int x, int y, GridStep step) const {
    switch (step) {
      case GridStep::kXPlus:
        return localX(x) == wafer_width_ - 1;
      case GridStep::kXMinus:
        return localX(x) == 0;
      case GridStep::kYPlus:
        return localY(y) == wafer_height_ - 1;
      case GridStep::kYMinus:
        return localY(y) == 0;
      case GridStep::kArrived:
        break;
    }
    return false;
  }

  // A link exists for the step: it stays on the grid, and if it crosses a wafer boundary it
  // sits at a linked offset.
  bool linkExists(int x, int y, GridStep step) const {
    if (step == GridStep::kArrived)
      return false;
    int nx = x;
    int ny = y;
    advance(nx, ny, step);
    if (nx < 0 || ny < 0 || nx >= gridWidth() || ny >= gridHeight())
      return false;
    if (!leavesWafer(x, y, step))
      return true;
    const bool along_y = step == GridStep::kXPlus || step == GridStep::kXMinus;
    return linked_[static_cast<std::size_t>(along_y ? localY(y) : localX(x))];
  }

  static void advance(int& x, int& y, GridStep step) {
    switch (step) {
      case GridStep::kXPlus:
        ++x;
        break;
      case GridStep::kXMinus:
        --x;
        break;
      case GridStep::kYPlus:
        ++y;
        break;
      case GridStep::kYMinus:
        --y;
        break;
      case GridStep::kArrived:
        break;
    }
  }

  // The step back over the same link.
  static GridStep reverse(GridStep step) {
    switch (step) {
      case GridStep::kXPlus:
        return GridStep::kXMinus;
      case GridStep::kXMinus:
        return GridStep::kXPlus;
      case GridStep::kYPlus:
        return GridStep::kYMinus;
      case GridStep::kYMinus:
        return GridStep::kYPlus;
      case GridStep::kArrived:
        break;
    }
    return GridStep::kArrived;
  }

  static GridStep dimensionOrderStep(int x, int y, int to_x, int to_y, bool x_first) {
    if (x_first && x != to_x)
      return to_x > x ? GridStep::kXPlus : GridStep::kXMinus;
    if (y != to_y)
      return to_y > y ? GridStep::kYPlus : GridStep::kYMinus;
    if (x != to_x)
      return to_x > x ? GridStep::kXPlus : GridStep::kXMinus;
    return GridStep::kArrived;
  }

 private:
  int localX(int x) const { return x % wafer_width_; }
  int localY(int y) const { return y % wafer_height_; }

  // By position along an edge of `edge_length` dies: the nearest linked offset on that edge,
  // searching outward and trying the lower side first; -1 if the edge has no link (it is then
  // never crossed, see validateOffsets).
  std::vector<int> nearestLinked(int edge_length) const {
    std::vector<int> nearest(static_cast<std::size_t>(edge_length), -1);
    for (int along = 0; along < edge_length; ++along) {
      for (int distance = 0; distance < edge_length; ++distance) {
        if (along - distance >= 0 && linked_[static_cast<std::size_t>(along - distance)]) {
          nearest[static_cast<std::size_t>(along)] = along - distance;
          break;
        }
        if (along + distance < edge_length && linked_[static_cast<std::size_t>(along + distance)]) {
          nearest[static_cast<std::size_t>(along)] = along + distance;
          break;
        }
      }
    }
    return nearest;
  }

  int wafer_width_;
  int wafer_height_;
  int wafers_x_;
  int wafers_y_;
  std::vector<bool> linked_;              // by offset, max(W, H) entries
  std::vector<int> east_west_gateway_;    // by local y: linked row to cross an east/west edge
  std::vector<int> north_south_gateway_;  // by the destination's local x: linked column, N/S edge
  std::vector<int> wafer_column_;         // by global x: the wafer's column in the wafer grid
  std::vector<int> wafer_row_;            // by global y: the wafer's row
};

}  // namespace spatialvp::interconnect
