#pragma once
// Cross-stage coordinated tiling planner (sources S2.6): the per-tile schedule of one layer that
// the timed STAR model consumes. Loop nest (sources S2.6): for each head, for each block of T
// queries: Q = the block's Q projection (layer scope only, on the exact PE array; listed after the
// previous block's first K/V job, so it overlaps that block's tiles); then for each
// of the Tc key tiles of Bc keys: A = DLZS (A-hat T x Bc; in the layer scope the K-hat tile
// X.W_k too, once per head), B = SADS, C = on-demand K/V generation, D = SU-FA; after the last
// tile, E = tile synchronisation + division + O write-back. The pre-attention and attention
// matrices never go to DRAM.
//
// Each projection is costed once, as the hardware schedules it (layer scope):
//   Q     X_block.W_q per query block (T x H x d MACs), the only user of those rows;
//   K-hat X_tile.W_k in LZ form on the shift array in the head's first block; the 4 KB DLZS
//         buffer cannot keep a head's K-hat (S x d x 2 B), so it is written to DRAM and later
//         blocks read the tile back, as the attention scope reads K;
//   K, V  on demand: the rows some query keeps (kv_union_fraction u of each tile). With the
//         cache policy they are generated in the head's first block, written to DRAM and read
//         back by later blocks; with regenerate, every block generates its own.
//
// Byte accounting (all parameters below, defaults from sources S2.3, S3.2):
//   DRAM reads:  stage A reads the X tile (Bc x H int8) and the W_k LZ codes (H x d x 4 bit)
//                when it predicts K-hat, the K-hat (or K) tile otherwise; the 16-bit W_k, W_v
//                (2 x H x d x 2 B) are read by a block that generates K/V rows; stage C
//                re-reads the x rows it needs unless the X tile fits in the token SRAM; stage Q
//                reads the block's X rows and W_q; stage E writes O (T x d x 2 B).
//   SRAM:        every operand a stage consumes is read from SRAM once and every result it
//                produces is written once (Q: T x d x 2 B per tile in A and D; A-hat
//                T x Bc x score_bytes; indices T x k Bc x index_bytes; K/V rows;
//                K/V vector loads after RASS = 2 x union rows x d x 2 B).
// Expected counts use k*Bc winners per row and ceil(k Bc / 4) sorter passes (no radius) and
// the `kv_union_fraction` of each tile generated per block, unless measured values are given.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/star/complexity_model.h"
#include "workloads/star/on_demand_kv.h"
#include "workloads/star/op_counts.h"
#include "workloads/star/sads.h"
#include "workloads/star/su_fa.h"

namespace spatialvp::star {

// Fixed: Tc (or Bc) exactly as configured. Balanced: the configured tiling, with more tiles when
// the sorter would otherwise bound the pipeline (sources S2.6: the offline DSE picks Bc per
// layer with a sorting-cost penalty; its per-layer values are unpublished).
enum class TilingPolicy { Fixed, Balanced };

enum class PipelineStage { Dlzs, Sads, KvGeneration, SuFa, Synchronize, QProjection };
const char* pipelineStageName(PipelineStage stage);

struct TilingPlanInput {
  std::size_t seq_len = 4096;      // S
  std::size_t hidden_size = 4096;  // H
  std::size_t heads = 32;          // A; head dim d = H / A
  std::size_t query_block = 128;   // T (sources S2.1)
  std::size_t tiles = 4;           // Tc (sources S8.2); ignored when tile_length > 0
  std::size_t tile_length = 0;     // Bc
  // Balanced tiling (TilingPolicy::Balanced): refine Tc until a tile's sort takes no longer than
  // its formal stage on one lane (see chooseTileCount).
  TilingPolicy tiling = TilingPolicy::Fixed;
  std::size_t formal_macs_per_lane = 4;  // SU-FA line: SA-1 2 + SA-2 2 PEs (sources S3.2)
  std::size_t queries = 0;               // query rows; 0 = S (self-attention)
  double keep_ratio = 0.25;              // k (sources S8.2)
  double kv_union_fraction = 1.0;        // fraction of a tile's keys needed by a block [measured]
  KvReusePolicy kv_policy = KvReusePolicy::CacheAcrossBlocks;
  SuFaOrder order = SuFaOrder::Descending;
  SadsConfig sorter;             // sorter geometry and comparator count (segments/k/radius unused)
  std::size_t token_bytes = 1;   // int8 X (sources S2.3.3)
  std::size_t weight_bytes = 2;  // 16-bit W_k, W_v for exact generation
  std::size_t lz_code_bits = 4;  // LZ weight codes (sources S2.3.3)
  std::size_t activation_bytes = 2;           // 16-bit Q, K, V, K-hat, O
  std::size_t score_bytes = 2;                // A-hat entries in temp SRAM [INF]
  std::size_t index_bytes = 2;                // selected key indices
  std::size_t token_sram_bytes = 192 * 1024;  // sources S3.2
  // true: the layer includes the Q/K/V projections (K-hat predicted from X by DLZS, K/V rows
  // generated on demand from X). false: the "attention part" of SOFA's Table II (sources S3.5,
  // 6.2): Q, K and V exist in DRAM; DLZS predicts A-hat from K (no K-hat projection) and the
  // selected K/V rows are fetched instead of generated.
  bool include_projections = true;
  // Attention part only, a what-if [INF]: the K/V-generation array, idle when K and V are given,
  // computes Q.K^T of the kept keys (SU-FA's SA-1 work) and SU-FA keeps exp, P.V and the O
  // update. SOFA does not describe this; its Table II throughput implies all 1,024 MACs do
  // attention work (sources S3.5).
  bool qk_on_kv_array = false;
};

struct ByteCounts {
  std::uint64_t dram_read = 0;
  std::uint64_t dram_write = 0;
  std::uint64_t sram_read = 0;
  std::uint64_t sram_write = 0;
  ByteCounts& operator+=(const ByteCounts& other);
};

// Operation counts of one job. The units spread a job over their lanes (sources S3.2: 128 lines
// each) by rows: the query rows of the job (StageWork::rows) for A-hat, SADS and SU-FA, the key
// rows for K-hat, and the produced rows for the exact PE array.
struct StageOps {
  std::uint64_t shift_adds = 0;       // DLZS terms (K-hat and A-hat)
  std::uint64_t khat_shift_adds = 0;  // of which K-hat terms (X.W_k)
  std::uint64_t khat_rows = 0;        // key rows whose K-hat the job predicts
  std::uint64_t lzc = 0;              // leading-zero counts
  std::uint64_t sorter_rounds = 0;    // 16-to-4 rounds
  std::uint64_t sorter_compares = 0;  // rounds x comparators per round
  std::uint64_t macs = 0;             // 16-bit MACs on the exact PE array (K/V, Q projections)
  std::uint64_t mac_rows = 0;         // rows those MACs produce (a K and V row pair counts 1)
  OpCounts formal;                    // SU-FA / synchronisation counts
  StageOps& operator+=(const StageOps& other);
};

struct StageWork {
  std::size_t head = 0;
  std::size_t query_block = 0;
  std::size_t tile = 0;
  PipelineStage stage = PipelineStage::Dlzs;
  std::size_t rows = 0;  // queries in the block
  std::size_t keys = 0;  // keys in the tile
  StageOps ops;
  ByteCounts bytes;
};

struct TilePlan {
  std::size_t head_dim = 0;
  std::size_t tile_length = 0;
  std::size_t tiles = 0;
  std::size_t query_blocks = 0;
  std::vector<StageWork> work;  // head-major, then block, tile, stage order
  StageOps totalOps(PipelineStage stage) const;
  ByteCounts totalBytes(PipelineStage stage) const;
  ByteCounts totalBytes() const;
};

TilePlan planTiling(const TilingPlanInput& input);

// The Q projection of `rows` query rows of one head on the exact PE array: rows x H x d MACs,
// reading the rows' X (int8) and W_q (16-bit), writing Q (16-bit) to SRAM.
StageWork qProjectionWork(const TilingPlanInput& input, std::size_t head, std::size_t block,
                          std::uint64_t rows);

// Key tiles per score row the planner uses: Tc, or ceil(S / Bc) when tile_length > 0; with the
// balanced policy, raised (never lowered) to the fewest tiles whose sort per row and tile
// (ceil(k Bc / 4) passes of ceil(Bc / 12) rounds, one round per lane and cycle) takes no longer
// than the tile's formal stage on one lane (2 k Bc d MACs over formal_macs_per_lane PEs).
// The sort grows with k Bc^2 and the formal stage with k Bc d, so at a fixed Tc the layer's
// sorting grows with S^3; the balanced tiling keeps it at S^2 Bc with Bc <= ~24 d.
std::size_t chooseTileCount(const TilingPlanInput& input);
// True when a tile's sort per row takes longer than its formal stage per row (the sorter bounds
// the pipeline) at `tiles` tiles.
bool sorterBoundsTile(const TilingPlanInput& input, std::size_t tiles);

}  // namespace spatialvp::star
