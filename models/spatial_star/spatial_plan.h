#pragma once
// SystemC-free planning for Spatial-STAR (sources S4): which cores form which ring, which heads and
// query blocks each core owns, the order in which a core visits the key tiles of a block, and
// the per-block work of one core taken from the single-core tiling planner (planTiling) and
// grouped into tile groups. The SystemC orchestrator only times what this file plans.
//
// Work decomposition. A core's work is a list of *rounds*; a round is one (head, query block):
// the block's queries meet every key tile once (SU-FA partials are merged by the block's tile
// synchronisation, sources S2.5.3). Tiles are grouped G at a time (`tile_group`) into *items*;
// an item carries the four stage jobs (DLZS, SADS, KV, SU-FA) of its G tiles with the summed
// operation and SRAM byte counts of planTiling(), so totals equal the single-core plan.
//
// Dataflows (a group is a set of cores that share keys; heads are spread over groups):
//   head_parallel  groups of one core; heads round-robin over cores; every core streams its own
//                  K/V from HBM with prefetch (double buffering) and its tile pipeline.
//   ring           one group of all cores in ring order; the query blocks of every head are
//                  split over the cores; key tile groups circulate around the ring in waves of
//                  N (core at ring position p fetches tile group p + wN from HBM in wave w and
//                  forwards it; every core sees all of them), overlapped with compute.
//   hybrid         groups of `ring_group` consecutive ring cores; heads round-robin over groups,
//                  a ring inside each group.
//   baseline       the naive design: queries split over all cores like the ring (or heads, see
//                  `baseline_partition`), but every core fetches every K/V tile it needs from
//                  HBM itself (no on-mesh reuse) and fetch and compute are not overlapped.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "workloads/star/tiling_planner.h"

namespace spatialvp::models::spatial_star {

enum class Dataflow { kHeadParallel, kRing, kHybrid, kBaseline };
enum class RingOrder { kSnake, kRowMajor };
enum class RingPayload { kUnion, kFullKv, kPlan };

const char* dataflowName(Dataflow dataflow);

// A mesh attachment point as the mesh module writes it: "5", "x3y2", "N3", "S0", "E1", "W2".
struct MeshPoint {
  std::uint32_t x = 0;
  std::uint32_t y = 0;
  bool edge = false;
};
// Parses `text` for a width x height mesh; on failure returns nullopt and sets `problem`.
std::optional<MeshPoint> parseMeshPoint(const std::string& text, std::uint32_t width,
                                        std::uint32_t height, std::string& problem);
// Hops between two routers (XY distance).
std::uint32_t meshDistance(const MeshPoint& a, const MeshPoint& b);

// Node ids (y * width + x) in ring order. kSnake is a cycle of unit hops (a Hamiltonian cycle of
// the grid) whenever one exists (unitHopRingExists); otherwise it is a ring whose longest hop is
// the least possible, 2: one diagonal hop when both dimensions are odd, every other node out and
// back on a 1 x N line. kRowMajor is node order (its closing hop spans the mesh).
std::vector<std::size_t> ringOrder(std::uint32_t width, std::uint32_t height, RingOrder order);
// Hybrid rings of `group` cores: node ids whose consecutive runs of `group` are rings of unit hops
// where the mesh tiles into a x b blocks that have one (squarest first; 2 x 2 for 4 cores on
// 4 x 4), else ringOrder (runs of the snake).
std::vector<std::size_t> groupedRingOrder(std::uint32_t width, std::uint32_t height,
                                          std::size_t group, RingOrder order);
// A cycle of unit hops through every node exists iff W x H is even and W, H >= 2 (or <= 2 nodes).
bool unitHopRingExists(std::uint32_t width, std::uint32_t height);
// Longest XY distance between consecutive ring members, the closing pair included.
std::uint32_t longestRingHop(const std::vector<std::size_t>& ring, std::uint32_t width);

struct SpatialConfig {
  spatialvp::star::TilingPlanInput layer;  // the whole layer: all heads, all queries
  std::uint32_t mesh_width = 4;
  std::uint32_t mesh_height = 4;
  Dataflow dataflow = Dataflow::kRing;
  RingOrder ring_order = RingOrder::kSnake;
  std::size_t ring_group = 4;      // hybrid: cores per ring
  bool baseline_by_heads = false;  // baseline partitions heads instead of queries
  std::size_t tile_group = 1;      // G tiles per item
  RingPayload ring_payload = RingPayload::kUnion;
  std::size_t cores() const { return static_cast<std::size_t>(mesh_width) * mesh_height; }
};

// One core's share.
struct CoreShare {
  std::size_t core = 0;                 // node id
  std::size_t group = 0;                // index into SpatialPlan::groups
  std::size_t position = 0;             // position in the group's ring
  std::vector<std::size_t> heads;       // heads the core works on
  std::vector<std::size_t> block_rows;  // rows of each of its query blocks (per head)
};

struct CoreGroup {
  std::vector<std::size_t> cores;  // node ids in ring order
  std::vector<std::size_t> heads;
  bool circulate = false;  // K/V tiles move core to core (ring / hybrid)
  std::size_t rounds = 0;  // rounds every member takes part in (relay rounds included)
};

// The grouped work of one tile group of one block.
struct Item {
  std::size_t tile_group = 0;
  std::size_t first_tile = 0;
  std::size_t tiles = 0;
  spatialvp::star::StageWork stage[4];  // DLZS, SADS, KV generation, SU-FA
  std::uint64_t shared_bytes = 0;       // key-side DRAM bytes the plan fetches (K/V or X)
  std::uint64_t private_bytes = 0;      // query/weight-side DRAM bytes (Q block, weights)
  std::uint64_t keys = 0;               // keys in the item's tiles
};

// What a ring forwards per item (and its owner reads from HBM once), for a ring of `members`:
//   kUnion   K tile + the V rows some block of the ring selects: keys x d x act x (1 + u_M),
//            u_M = 1 - (1 - u)^M with u = kv_union_fraction (blocks select independently [INF]);
//            with the projections, the X tile (keys x H x token bytes).
//   kFullKv  K and V tiles (2 x keys x d x act); with the projections, the X tile.
//   kPlan    the key-side bytes the single-core plan fetches for the item (shared_bytes).
std::uint64_t ringPayloadBytes(const Item& item, const spatialvp::star::TilingPlanInput& layer,
                               RingPayload payload, std::size_t members);

// One block of one head: the items in tile order plus the tile synchronisation.
struct BlockWork {
  std::size_t rows = 0;
  std::vector<Item> items;
  spatialvp::star::StageWork sync;
  // Layer scope: the block's Q projection on the KV array before its first A-hat (rows = 0:
  // none) and the DRAM bytes it reads (X rows, W_q).
  spatialvp::star::StageWork q_projection;
  std::uint64_t q_projection_bytes = 0;
  std::uint64_t private_bytes = 0;  // Q projection + items (fetched before the first item)
  std::uint64_t shared_bytes = 0;   // sum over items
  std::uint64_t write_bytes = 0;    // O write-back (and K-hat / K/V spills with projections)
};

// Caches BlockWork by (first block of the core, rows): every other block of every head is one
// of at most four shapes, so S = 1M needs no per-block plan.
class BlockTemplates {
 public:
  BlockTemplates(const spatialvp::star::TilingPlanInput& layer, std::size_t tile_group);
  const BlockWork& block(bool first_of_core, std::size_t rows);
  std::size_t tileGroups() const { return tile_groups_; }
  std::size_t tiles() const { return tiles_; }

 private:
  spatialvp::star::TilingPlanInput layer_;
  std::size_t tile_group_;
  std::size_t tiles_ = 0;
  std::size_t tile_groups_ = 0;
  std::map<std::pair<bool, std::size_t>, BlockWork> cache_;
};

struct SpatialPlan {
  std::vector<CoreGroup> groups;
  std::vector<CoreShare> cores;  // indexed by node id
  std::size_t query_blocks = 0;  // blocks of the whole layer per head
  std::size_t queries = 0;
};

// Throws std::invalid_argument with a message naming the parameter ("ring_group: ...").
SpatialPlan planSpatial(const SpatialConfig& config);

// Position of a core's item within a round: which tile group it processes and, for a ring,
// whether the data comes from HBM (step 0 of a wave) or from the previous core.
struct ItemSlot {
  std::size_t tile_group = 0;  // == tileGroups() means empty (the last wave is partial)
  std::size_t wave = 0;
  std::size_t step = 0;  // ring step within the wave: 0 = the core's own tile group
};
// Items per round of a group of `members` cores over `tile_groups` tile groups.
std::size_t itemsPerRound(bool circulate, std::size_t members, std::size_t tile_groups);
ItemSlot itemSlot(bool circulate, std::size_t members, std::size_t position,
                  std::size_t tile_groups, std::size_t index);

}  // namespace spatialvp::models::spatial_star
