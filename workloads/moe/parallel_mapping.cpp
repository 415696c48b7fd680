#include "workloads/moe/parallel_mapping.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace spatialvp::moe {

const char* mappingKindName(MappingKind kind) {
  switch (kind) {
    case MappingKind::kContiguous:
      return "baseline-contiguous";
    case MappingKind::kEntwined:
      return "ER";
    case MappingKind::kHierarchicalEntwined:
      return "HER";
  }
  return "?";
}

namespace {

// Rank sequence (rank = rx + tx*ry) of a cycle through a tx x ty grid.
std::vector<int> snakeCycle(int tx, int ty) {
  std::vector<int> order;
  auto push = [&order, tx](int rx, int ry) { order.push_back(rx + tx * ry); };
  if (tx >= 2 && ty >= 2 && ty % 2 == 0) {
    // Row 0 left to right, rows 1.. snake over columns >= 1, return up column 0.
    for (int rx = 0; rx < tx; ++rx)
      push(rx, 0);
    for (int ry = 1; ry < ty; ++ry) {
      for (int i = 1; i < tx; ++i)
        push(ry % 2 == 1 ? tx - i : i, ry);
    }
    for (int ry = ty - 1; ry >= 1; --ry)
      push(0, ry);
  } else if (tx >= 2 && ty >= 2 && tx % 2 == 0) {
    // Transposed: column 0 top to bottom, columns 1.. snake over rows >= 1, back along row 0.
    for (int ry = 0; ry < ty; ++ry)
      push(0, ry);
    for (int rx = 1; rx < tx; ++rx) {
      for (int i = 1; i < ty; ++i)
        push(rx, rx % 2 == 1 ? ty - i : i);
    }
    for (int rx = tx - 1; rx >= 1; --rx)
      push(rx, 0);
  } else {
    // No Hamiltonian cycle (a line, or both sides odd): snake path, closed by one long edge.
    for (int ry = 0; ry < ty; ++ry) {
      for (int i = 0; i < tx; ++i)
        push(ry % 2 == 0 ? i : tx - 1 - i, ry);
    }
  }
  return order;
}

}  // namespace

ParallelMapping::ParallelMapping(const MeshTopology& topology, const MappingConfig& config)
    : topology_(&topology), config_(config) {
  if (config_.tp_x < 1 || config_.tp_y < 1) {
    throw std::invalid_argument("ParallelMapping: TP shape must be positive");
  }
  tp_size_ = config_.tp_x * config_.tp_y;
  if (config_.ep_domain_wafers == 0) {
    config_.ep_domain_wafers = topology.wafers();
  }
  if (config_.dispatch == DispatchSource::kAuto) {
    config_.dispatch = entwined() ? DispatchSource::kFtdMember : DispatchSource::kTokenOwner;
  }
  setCombinePolicy(config_.combine);
  if (config_.dispatch == DispatchSource::kFtdMember && !entwined()) {
    throw std::invalid_argument("ParallelMapping: FTD-member dispatch needs an entwined mapping");
  }
  buildTiles();
  buildGroups();
}

void ParallelMapping::setCombinePolicy(CombinePolicy policy) {
  config_.combine = policy != CombinePolicy::kAuto ? policy
                    : entwined()                   ? CombinePolicy::kReverseThenGroupAllReduce
                                                   : CombinePolicy::kToOwnerThenGroupAllGather;
}

void ParallelMapping::buildTiles() {
  const WaferSystemSpec& spec = topology_->spec();
  const int n = config_.ep_domain_wafers;
  const int wafers = topology_->wafers();
  int domain_wx = 0;
  int domain_wy = 0;
  if (n >= 1 && n <= spec.wafers_x && spec.wafers_x % n == 0) {
    domain_wx = n;
    domain_wy = 1;
  } else if (n > spec.wafers_x && n % spec.wafers_x == 0 && wafers % n == 0) {
    domain_wx = spec.wafers_x;
    domain_wy = n / spec.wafers_x;
  } else {
    throw std::invalid_argument("ParallelMapping: ep_domain_wafers = " + std::to_string(n) +
                                " does not cut the " + std::to_string(spec.wafers_x) + "x" +
                                std::to_string(spec.wafers_y) + " wafer grid into rectangles");
  }
  const int domains = wafers / n;
  const int dies = topology_->dies();
  domain_.assign(dies, 0);
  domain_dies_.assign(domains, {});
  std::vector<int> domain_x0(domains), domain_y0(domains);
  for (int d = 0; d < domains; ++d) {
    const int first_wafer = d * n;
    domain_x0[d] = (first_wafer % spec.wafers_x) * spec.mesh_width;
    domain_y0[d] = (first_wafer / spec.wafers_x) * spec.mesh_height;
    for (int gy = 0; gy < domain_wy * spec.mesh_height; ++gy) {
      for (int gx = 0; gx < domain_wx * spec.mesh_width; ++gx) {
        const int die = topology_->dieAtGlobal(domain_x0[d] + gx, domain_y0[d] + gy);
        domain_[die] = d;
        domain_dies_[d].push_back(die);
      }
    }
  }
  tile_.assign(dies, 0);
  if (hierarchical()) {
    tile_count_ = wafers;
    tile_width_ = spec.mesh_width;
    tile_height_ = spec.mesh_height;
    for (int w = 0; w < wafers; ++w) {
      tile_x0_.push_back((w % spec.wafers_x) * spec.mesh_width);
      tile_y0_.push_back((w / spec.wafers_x) * spec.mesh_height);
    }
    for (int die = 0; die < dies; ++die)
      tile_[die] = topology_->waferOf(die);
  } else {
    tile_count_ = domains;
    tile_width_ = domain_wx * spec.mesh_width;
    tile_height_ = domain_wy * spec.mesh_height;
    tile_x0_ = domain_x0;
    tile_y0_ = domain_y0;
    for (int die = 0; die < dies; ++die)
      tile_[die] = domain_[die];
  }
  if (tile_width_ % config_.tp_x != 0 || tile_height_ % config_.tp_y != 0) {
    throw std::invalid_argument("ParallelMapping: TP " + std::to_string(config_.tp_x) + "x" +
                                std::to_string(config_.tp_y) + " does not tile a " +
                                std::to_string(tile_width_) + "x" + std::to_string(tile_height_) +
                                " area");
  }
}

void ParallelMapping::buildGroups() {
  const int dies = topology_->dies();
  const int tx = config_.tp_x;
  const int ty = config_.tp_y;
  const int dx = tile_width_ / tx;
  const int dy = tile_height_ / ty;
  const int groups_per_tile = dx * dy;
  group_.assign(dies, 0);
  rank_.assign(dies, 0);
  members_.assign(tile_count_ * groups_per_tile * tp_size_, -1);
  for (int die = 0; die < dies; ++die) {
    const int x = topology_->globalX(die) - tile_x0_[tile_[die]];
    const int y = topology_->globalY(die) - tile_y0_[tile_[die]];
    int local_group = 0;
    if (entwined()) {
      local_group = (x % dx) + dx * (y % dy);
      rank_[die] = (x / dx) + tx * (y / dy);
    } else {
      local_group = (x / tx) + dx * (y / ty);
      rank_[die] = (x % tx) + tx * (y % ty);
    }
    group_[die] = tile_[die] * groups_per_tile + local_group;
    members_[group_[die] * tp_size_ + rank_[die]] = die;
  }
  const std::vector<int> cycle = snakeCycle(tx, ty);
  rings_.assign(groupCount(), {});
  for (int g = 0; g < groupCount(); ++g) {
    for (int rank : cycle)
      rings_[g].push_back(member(g, rank));
  }
  if (config_.dispatch == DispatchSource::kNearestMember) {
    nearest_.assign(groupCount() * dies, -1);
    for (int g = 0; g < groupCount(); ++g) {
      const int home = member(g, 0);
      for (int x : domain_dies_[domain_[home]]) {
        int best = -1;
        int best_hops = 0;
        for (int r = 0; r < tp_size_; ++r) {
          int candidate = member(g, r);
          if (replicatesTokens() && topology_->waferOf(candidate) != topology_->waferOf(x)) {
            candidate = topology_->twinOn(candidate, topology_->waferOf(x));
          }
          const int h = topology_->hops(candidate, x);
          if (best < 0 || h < best_hops) {
            best = candidate;
            best_hops = h;
          }
        }
        nearest_[g * dies + x] = best;
      }
    }
  }
}

void ParallelMapping::adoptFaults() {
  if (topology_->faults().empty())
    return;
  buildGroups();  // nearest members by the routes around the faults
  group_live_.assign(static_cast<std::size_t>(groupCount()), 1);
  for (int g = 0; g < groupCount(); ++g) {
    for (int r = 0; r < tp_size_; ++r) {
      const int die = member(g, r);
      bool live = !topology_->computeDead(die);
      if (hierarchical()) {
        for (int wafer : domainWafers(domain_[die]))
          live = live && !topology_->computeDead(topology_->twinOn(die, wafer));
      }
      if (!live)
        group_live_[static_cast<std::size_t>(g)] = 0;
    }
  }
  expert_dies_.assign(domain_dies_.size(), {});
  for (std::size_t d = 0; d < domain_dies_.size(); ++d) {
    for (int die : domain_dies_[d]) {
      if (!topology_->computeDead(die))
        expert_dies_[d].push_back(die);
    }
  }
}

int ParallelMapping::liveGroupCount() const {
  int live = 0;
  for (int g = 0; g < groupCount(); ++g)
    live += groupLive(g) ? 1 : 0;
  return live;
}

bool ParallelMapping::isIntraFtdLink(int link) const {
  return entwined() && ftd(topology_->linkSource(link)) == ftd(topology_->linkTarget(link));
}

std::vector<int> ParallelMapping::ringOnWafer(int group, int wafer) const {
  std::vector<int> ring;
  for (int die : rings_[group])
    ring.push_back(topology_->twinOn(die, wafer));
  return ring;
}

std::vector<int> ParallelMapping::domainWafers(int domain) const {
  std::vector<int> wafers;
  const int n = config_.ep_domain_wafers;
  for (int w = domain * n; w < (domain + 1) * n; ++w)
    wafers.push_back(w);
  return wafers;
}

int ParallelMapping::dispatchSource(int group, int owner_rank, int expert_die) const {
  int source = 0;
  switch (config_.dispatch) {
    case DispatchSource::kNearestMember:
      return nearest_[group * topology_->dies() + expert_die];
    case DispatchSource::kFtdMember:
      source = member(group, rank_[expert_die]);
      break;
    case DispatchSource::kTokenOwner:
    case DispatchSource::kAuto:
      source = member(group, owner_rank);
      break;
  }
  if (replicatesTokens() && topology_->waferOf(source) != topology_->waferOf(expert_die)) {
    source = topology_->twinOn(source, topology_->waferOf(expert_die));
  }
  return source;
}

int ParallelMapping::relay(int owner, int expert_die) const {
  if (!hierarchical() || replicatesTokens())
    return -1;
  const int wafer = topology_->waferOf(expert_die);
  return topology_->waferOf(owner) == wafer ? -1 : topology_->twinOn(owner, wafer);
}

int ParallelMapping::ftdExitToward(int from, int toward) const {
  if (!entwined()) {
    throw std::logic_error("ParallelMapping::ftdExitToward: the contiguous mapping has no FTDs");
  }
  const int dx = tile_width_ / config_.tp_x;
  const int dy = tile_height_ / config_.tp_y;
  const int rank = rank_[from];
  const int x0 = tile_x0_[tile_[from]] + (rank % config_.tp_x) * dx;
  const int y0 = tile_y0_[tile_[from]] + (rank / config_.tp_x) * dy;
  int best = -1;
  int best_hops = 0;
  for (int y = y0; y < y0 + dy; ++y) {
    for (int x = x0; x < x0 + dx; ++x) {
      const int die = topology_->dieAtGlobal(x, y);
      if (die != from && topology_->computeDead(die))
        continue;  // a stepping stone must hold the chunk
      const int h = topology_->hops(die, toward);
      if (best < 0 || h < best_hops || (h == best_hops && die < best)) {
        best = die;
        best_hops = h;
      }
    }
  }
  return best;
}

}  // namespace spatialvp::moe
