#pragma once
// The whole STAR functional flow for one head (sources S2.2-2.8): DLZS prediction, SADS
// selection, on-demand K/V plan, RASS schedule and SU-FA, with the accuracy metrics against
// float64 references. This is the golden model the timed STAR model must match.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "workloads/star/dlzs.h"
#include "workloads/star/matrix.h"
#include "workloads/star/on_demand_kv.h"
#include "workloads/star/sads.h"
#include "workloads/star/su_fa.h"
#include "workloads/star/synthetic_workload.h"

namespace spatialvp::star {

struct StarConfig {
  std::size_t query_block = 128;  // T (sources S2.1)
  SadsConfig sads;                // n = Tc, k, r, sorter geometry
  std::size_t tile_length = 0;    // Bc; when > 0 overrides sads.segments = ceil(S / Bc)
  SuFaOrder order = SuFaOrder::Descending;
  bool max_assurance = true;
  double exp_argument_limit = std::numeric_limits<double>::infinity();
  PspMode psp = PspMode::PostNegate;
  int khat_shift = -1;  // < 0: smallest shift without saturation ([UNKNOWN] rule)
  KvReusePolicy kv_policy = KvReusePolicy::CacheAcrossBlocks;
  std::size_t rass_phase_capacity = 32;  // [UNKNOWN] KV pairs per RASS phase
  bool simulate_sorter = false;          // run the round-by-round 16-to-4 sorter (slower)
  bool compute_reference = true;         // float64 dense/masked references and accuracy metrics
};

struct StarRunResult {
  MatrixD output;            // queries x d
  MatrixD predicted_logits;  // queries x S, DLZS A-hat dequantised and scaled by 1/sqrt(d)
  std::vector<RowSelection> selections;
  SuFaStats sufa;
  DlzsStats dlzs;
  int khat_shift = 0;
  KvGenerationPlan kv;
  std::uint64_t rass_naive_loads = 0;
  std::uint64_t rass_loads = 0;
  std::uint64_t sorter_rounds = 0;
  std::uint64_t selected_keys = 0;
  // Accuracy (only when compute_reference):
  double topk_recall = 0.0;       // mean |selected & exact top-k| / k S, exact float64 logits
  double output_rel_error = 0.0;  // vs float64 dense softmax attention
  double masked_rel_error = 0.0;  // vs float64 attention masked to the same selection
};

// Effective SADS configuration (segments from tile_length when given).
SadsConfig effectiveSadsConfig(const StarConfig& config, std::size_t seq_len);

// DLZS A-hat for all queries, dequantised to logits. Uses phase 1.1 on X and W_k when the
// workload has tokens, else K quantised to int16 stands in for K-hat.
MatrixD predictLogitsDlzs(const AttentionWorkload& workload, PspMode psp, int khat_shift,
                          DlzsStats* stats, int* shift_used);

StarRunResult runStar(const AttentionWorkload& workload, const StarConfig& config);

}  // namespace spatialvp::star
