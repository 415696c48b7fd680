#pragma once
// Functional mode of the timed STAR core: the data of a small layer flows through the units.
// The controller owns one FunctionalHead per head (seeded synthetic Q, K, V and the buffers
// the units write) and attaches a FunctionalJob to every tile-stage job; the unit receiving it
// computes its stage with the reference library (workloads/star):
//   DLZS   A-hat of the T x Bc tile (DlzsPredictor::predictScores on the int16 Q block and K
//          tile, dequantised to logits exactly as predictLogitsDlzs);
//   SADS   per query, the tile's selection (SadsSelector on the tile: top k*Bc within radius);
//   KV     the selected K/V rows of the tile (union over the block's queries; gathered from the
//          given K and V, scope "attention"), into the head's on-demand K/V buffer;
//   SU-FA  per query, the tile partial (m, l, o) (suFaTile), reading only generated K/V rows;
//   sync   per query, merge + division into O (suFaFinish).
// Timing is untouched: the data rides along in the job extension.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "workloads/star/matrix.h"
#include "workloads/star/on_demand_kv.h"
#include "workloads/star/sads.h"
#include "workloads/star/su_fa.h"
#include "workloads/star/synthetic_workload.h"
#include "workloads/star/tiling_planner.h"

namespace spatialvp::models::star {

struct FunctionalSettings {
  spatialvp::star::SadsConfig sads;  // keep ratio, radius, sorter geometry (segments unused)
  spatialvp::star::SuFaOptions sufa;
  spatialvp::star::KvReusePolicy kv_policy = spatialvp::star::KvReusePolicy::CacheAcrossBlocks;
};

struct FunctionalHead {
  spatialvp::star::AttentionWorkload workload;  // exact Q, K, V (the DRAM contents)
  spatialvp::star::Matrix<std::int16_t> q16;    // int16 Q and K as DLZS reads them
  spatialvp::star::Matrix<std::int16_t> k16;
  double logit_factor = 0.0;        // A-hat integer -> predicted logit
  spatialvp::star::MatrixD logits;  // queries x S, written by DLZS tile by tile
  std::vector<std::vector<spatialvp::star::SegmentSelection>> selections;  // [query][tile]
  spatialvp::star::MatrixD kv_k;  // on-demand K/V buffer (S x d), rows filled by KV jobs
  spatialvp::star::MatrixD kv_v;
  std::vector<std::uint8_t> kv_ready;                               // per key row
  std::vector<std::vector<spatialvp::star::SuFaPartial>> partials;  // [query][tile]
  spatialvp::star::MatrixD output;                                  // queries x d
  spatialvp::star::SuFaStats sufa_stats;
  std::uint64_t kv_rows_moved = 0;  // rows the KV unit generated / gathered
  std::uint64_t selected_keys = 0;  // keys kept by SADS
};

// Quantises the operands and sizes the buffers for `tiles` key tiles.
FunctionalHead prepareFunctionalHead(spatialvp::star::AttentionWorkload workload,
                                     std::size_t tiles);

struct FunctionalJob {
  const FunctionalSettings* settings = nullptr;
  FunctionalHead* head = nullptr;
  std::size_t first_row = 0;  // the query block's rows [first_row, first_row + rows)
  std::size_t rows = 0;
  std::size_t tile = 0;  // key tile [key_begin, key_end)
  std::size_t key_begin = 0;
  std::size_t key_end = 0;
};

// Runs `stage` of `job` on its data. Throws std::runtime_error when the data is inconsistent
// (e.g. SU-FA reads a K/V row no KV job produced, or stages arrive out of order).
void runFunctionalStage(spatialvp::star::PipelineStage stage, const FunctionalJob& job);

}  // namespace spatialvp::models::star
