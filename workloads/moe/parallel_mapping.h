#pragma once
// Attention TP/DP groups and MoE dispatch sources on the die mesh (sources W2.2, 2.5).
// A "tile" is the area one mapping formula covers: the EP domain for kContiguous and kEntwined,
// one wafer for kHierarchicalEntwined. Inside a tile of TW x TH dies with TP shape tx x ty
// (dx = TW/tx, dy = TH/ty):
//   contiguous: group = (x div tx) + dx*(y div ty), rank = (x mod tx) + tx*(y mod ty)
//   entwined:   group = (x mod dx) + dx*(y mod dy), rank = (x div dx) + tx*(y div dy) = FTD
// Group and FTD ids are global: tile * (groups or FTDs per tile) + local id.
#include <vector>

#include "workloads/moe/mesh_topology.h"

namespace spatialvp::moe {

enum class MappingKind { kContiguous, kEntwined, kHierarchicalEntwined };
// Which member of a token's TP group sends it to an expert ([S3] "SP/owner" and
// "nearest-replica" baseline forms, ER's in-FTD member). kAuto: owner for contiguous, FTD
// member for the entwined mappings.
enum class DispatchSource { kAuto, kTokenOwner, kNearestMember, kFtdMember };
// How expert outputs return (sources W2.2 open question). kAuto: owner for contiguous, reverse path
// plus a group all-reduce of the partial sums on the (entwined) ring for the entwined mappings.
enum class CombinePolicy { kAuto, kReverseThenGroupAllReduce, kToOwnerThenGroupAllGather };
// How HER gets a token to the wafers that host its experts (sources W2.5; the group composition is
// unknown there). kAllGather [I]: every wafer of the EP domain ends up holding every token (the
// attention collective's inter-wafer all-gather), and each wafer dispatches from its own twins.
// kOnDemand: a token crosses once to each other wafer that serves one of its selections, to its
// owner's twin there, which sends it on to those experts; the combine sums the outputs at that
// twin and crosses back once. The collectives stay on the home wafer.
enum class HerForwarding { kAllGather, kOnDemand };

struct MappingConfig {
  MappingKind kind = MappingKind::kEntwined;
  int tp_x = 2;  // [I] TP 4 as 2x2 (the sources W2.3 reference rows)
  int tp_y = 2;
  int ep_domain_wafers = 0;  // wafers per EP domain (consecutive ids, a rectangle); 0 = all
  DispatchSource dispatch = DispatchSource::kAuto;
  CombinePolicy combine = CombinePolicy::kAuto;
  HerForwarding her_forwarding = HerForwarding::kAllGather;
};

const char* mappingKindName(MappingKind kind);

class ParallelMapping {
 public:
  ParallelMapping(const MeshTopology& topology, const MappingConfig& config);

  // After topology().adoptFaults: recomputes the routes' nearest members and marks which TP
  // groups and dies still work (README "Faults"). A group is live when every member can
  // compute, and for HER also every member's twin on the other wafers of its EP domain (its
  // collectives and forwarding run there); a dead group gets no tokens. Experts live only on
  // dies that can compute.
  void adoptFaults();
  bool groupLive(int group) const { return group_live_.empty() || group_live_[group] != 0; }
  int liveGroupCount() const;
  // Dies of an EP domain that can host experts (all its dies when fault-free).
  const std::vector<int>& expertDies(int domain) const {
    return expert_dies_.empty() ? domain_dies_[domain] : expert_dies_[domain];
  }

  const MeshTopology& topology() const { return *topology_; }
  const MappingConfig& config() const { return config_; }  // kAuto resolved
  // Chooses the combine schedule after construction (the timed platform resolves `auto` by a
  // cost estimate once link timing is known, combine_schedule.h); kAuto as in the constructor.
  void setCombinePolicy(CombinePolicy policy);
  MappingKind kind() const { return config_.kind; }
  bool entwined() const { return config_.kind != MappingKind::kContiguous; }
  bool hierarchical() const { return config_.kind == MappingKind::kHierarchicalEntwined; }
  // HER whose collectives replicate every token on every wafer of the EP domain.
  bool replicatesTokens() const {
    return hierarchical() && config_.her_forwarding == HerForwarding::kAllGather;
  }

  int tpSize() const { return tp_size_; }
  int groupCount() const { return static_cast<int>(members_.size()) / tp_size_; }
  int group(int die) const { return group_[die]; }
  int tpRank(int die) const { return rank_[die]; }
  int member(int group, int rank) const { return members_[group * tp_size_ + rank]; }
  // FTD id of a die (entwined mappings), -1 for the contiguous mapping (no FTDs).
  int ftd(int die) const { return entwined() ? tile_[die] * tp_size_ + rank_[die] : -1; }
  int ftdCount() const { return entwined() ? tile_count_ * tp_size_ : 0; }
  bool isIntraFtdLink(int link) const;
  // Ring order of a group's members: a snake Hamiltonian cycle over the tx x ty (sub-)grid
  // when one exists, else a snake path closed by one long edge.
  const std::vector<int>& ringOrder(int group) const { return rings_[group]; }
  // The same ring on another wafer (HER: the group's positional twins there).
  std::vector<int> ringOnWafer(int group, int wafer) const;

  int domainCount() const { return static_cast<int>(domain_dies_.size()); }
  int domain(int die) const { return domain_[die]; }
  const std::vector<int>& domainDies(int domain) const { return domain_dies_[domain]; }
  std::vector<int> domainWafers(int domain) const;

  // Die that sends (and, reversed, receives) a token of `group` owned by `owner_rank` to an
  // expert instance on `expert_die` (same EP domain).
  int dispatchSource(int group, int owner_rank, int expert_die) const;
  // HER on-demand forwarding: the twin of the token's `owner` die that relays it to (and sums
  // its outputs from) `expert_die` on another wafer; -1 when the dispatch source sends direct.
  int relay(int owner, int expert_die) const;

  // Tile-level migration stepping stones (sources W3.2 [I]): the die of FTD(from) nearest to
  // `toward` (ties: lowest id).
  int ftdExitToward(int from, int toward) const;

 private:
  void buildTiles();
  void buildGroups();

  const MeshTopology* topology_;
  MappingConfig config_;
  int tp_size_ = 0;
  int tile_count_ = 0;
  std::vector<int> tile_;
  std::vector<int> group_;
  std::vector<int> rank_;
  std::vector<int> members_;
  std::vector<std::vector<int>> rings_;
  std::vector<int> domain_;
  std::vector<std::vector<int>> domain_dies_;
  std::vector<int> nearest_;      // [group * dies + expert_die], only for kNearestMember
  std::vector<char> group_live_;  // empty = every group live
  std::vector<std::vector<int>> expert_dies_;  // per domain; empty = domain_dies_
  // Tile geometry: origin and size in global die coordinates.
  std::vector<int> tile_x0_, tile_y0_;
  int tile_width_ = 0;
  int tile_height_ = 0;
};

}  // namespace spatialvp::moe
