#pragma once
// The measured figures of the STAR algorithm study (sources S6.3 and the issue): accuracy (top-k
// recall, output error), SADS index error, and complexity relative to the paper's baseline
// "4-bit prediction + vanilla sort + FlashAttention-2", all computed from one run of the
// reference library with the counting model of complexity_model.h.
//
// Complexity configurations (cumulative, as in SOFA Fig. 17), per head over all queries:
//   baseline: Q, K, V generated densely (16-bit MACs); A-hat by int4 MACs; vanilla sort =
//             the same iterative 16-to-4 sorter over the whole row (ceil(kS/4) passes of
//             ceil(S/12) rounds); FA-2 over the row-wise top-kS of the prediction.
//   +DLZS:    K-hat by DLZS shift-adds, A-hat by shift-adds + LZC, only the K/V rows selected
//             by some query generated (on-demand KV, sources S2.2); sort and FA-2 unchanged.
//   +SADS:    per-sub-segment selection within radius r (counted rounds), on-demand KV and
//             FA-2 over the SADS selection.
//   +SU-FA:   descending-order SU-FA instead of FA-2.
#include <optional>
#include <string>
#include <vector>

#include "workloads/star/complexity_model.h"
#include "workloads/star/op_counts.h"
#include "workloads/star/star_pipeline.h"
#include "workloads/star/synthetic_workload.h"

namespace spatialvp::star {

struct Figure {
  std::string key;    // stable identifier (JSON key)
  std::string label;  // human-readable
  double measured = 0.0;
  std::optional<double> published;
  std::string note;  // conditions or why measured and published differ
};

// How a figure is to be read: "model" (an outcome of the reference algorithms on the workload)
// or "check" (the implementation reproduces a worked example or an identity of the method, so
// agreement with the paper holds by construction and says nothing about the design).
std::string figureKind(const Figure& figure);

struct FigureReport {
  std::vector<Figure> figures;
  std::vector<ComplexityBreakdown> configurations;  // baseline, +DLZS, +SADS, +SU-FA
  OpCounts formal_descending;                       // SADS selection, analytic counts
  OpCounts formal_ascending;
  OpCounts formal_fa2;
  StarRunResult run;
  double sads_index_error = 0.0;
  double seconds = 0.0;

  const Figure* find(const std::string& key) const;
};

FigureReport measureStarFigures(const AttentionWorkload& workload, const StarConfig& config,
                                const OpCostWeights& weights);

}  // namespace spatialvp::star
