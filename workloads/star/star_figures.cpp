#include "workloads/star/star_figures.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>

#include "workloads/star/dlzs.h"
#include "workloads/star/int4_predictor.h"
#include "workloads/star/on_demand_kv.h"
#include "workloads/star/rass.h"
#include "workloads/star/reference_attention.h"
#include "workloads/star/sads.h"

namespace spatialvp::star {
namespace {

double recallAgainst(const std::vector<std::uint32_t>& chosen,
                     const std::vector<std::uint32_t>& exact) {
  std::vector<std::uint32_t> common;
  std::set_intersection(chosen.begin(), chosen.end(), exact.begin(), exact.end(),
                        std::back_inserter(common));
  return exact.empty() ? 1.0
                       : static_cast<double>(common.size()) / static_cast<double>(exact.size());
}

// A row-wide selection expressed per tile, so tile sizes and KV plans can be derived.
RowSelection asTiledSelection(const std::vector<std::uint32_t>& keys, std::size_t length,
                              std::size_t segments) {
  RowSelection row;
  for (const auto& [begin, end] : segmentBounds(length, segments)) {
    SegmentSelection seg;
    seg.begin = begin;
    seg.end = end;
    for (std::uint32_t key : keys) {
      if (key >= begin && key < end) {
        seg.keys.push_back(key);
      }
    }
    row.segments.push_back(std::move(seg));
  }
  return row;
}

std::vector<std::size_t> tileSizes(const RowSelection& row) {
  std::vector<std::size_t> sizes;
  for (const auto& seg : row.segments) {
    sizes.push_back(seg.keys.size());
  }
  return sizes;
}

double fraction(double numerator, double denominator) {
  return denominator > 0.0 ? numerator / denominator : 0.0;
}

}  // namespace

const Figure* FigureReport::find(const std::string& key) const {
  for (const auto& f : figures) {
    if (f.key == key) {
      return &f;
    }
  }
  return nullptr;
}

FigureReport measureStarFigures(const AttentionWorkload& w, const StarConfig& config,
                                const OpCostWeights& weights) {
  const auto start = std::chrono::steady_clock::now();
  FigureReport report;
  StarConfig run_config = config;
  run_config.compute_reference = true;
  report.run = runStar(w, run_config);
  const StarRunResult& run = report.run;

  const std::size_t S = w.seqLen();
  const std::size_t d = w.headDim();
  const std::size_t queries = w.q.rows();
  const std::size_t hidden = w.hasTokens() ? w.x.cols() : w.hidden_size;
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  const SadsConfig sads = effectiveSadsConfig(config, S);
  const std::size_t want = selectionTarget(S, sads.keep_ratio);
  const MatrixD exact = exactLogits(w.q, w.k, scale);

  // Accuracy of the predictors with a row-wide (vanilla) top-k, and SADS's own index error
  // on exact scores without radius (the distributed-selection error of sources S2.4.2 item 5).
  const Int4Prediction int4 = predictInt4(w.q, w.k, scale);
  SadsConfig unclipped = sads;
  unclipped.radius = INFINITY;
  const SadsSelector exact_selector(unclipped);
  double recall_int4 = 0.0;
  double recall_dlzs_vanilla = 0.0;
  double sads_error = 0.0;
  std::vector<RowSelection> vanilla_selections;
  vanilla_selections.reserve(queries);
  for (std::size_t i = 0; i < queries; ++i) {
    const std::vector<std::uint32_t> truth = exactTopK(exact.row(i), S, want);
    recall_int4 += recallAgainst(exactTopK(int4.logits.row(i), S, want), truth);
    const std::vector<std::uint32_t> vanilla = exactTopK(run.predicted_logits.row(i), S, want);
    recall_dlzs_vanilla += recallAgainst(vanilla, truth);
    vanilla_selections.push_back(asTiledSelection(vanilla, S, sads.segments));
    sads_error +=
        1.0 - recallAgainst(exact_selector.selectRow(exact.row(i), S).sortedKeys(), truth);
  }
  const double nq = static_cast<double>(queries);
  report.sads_index_error = sads_error / nq;

  // Complexity configurations.
  const double mac = weights.mac16();
  const double hd = static_cast<double>(hidden) * static_cast<double>(d);
  const double q_gen = nq * hd * mac;
  const KvGenerationPlan kv_vanilla =
      planOnDemandKv(vanilla_selections, S, config.query_block, config.kv_policy);
  const double vanilla_sort = nq *
                              static_cast<double>(vanillaSortRounds(S, sads.keep_ratio, sads)) *
                              static_cast<double>(sads.comparators_per_round) * weights.cmp16;
  OpCounts fa2_vanilla;
  for (const auto& row : vanilla_selections) {
    fa2_vanilla += suFaRowOpCounts(tileSizes(row), d, SuFaOrder::FlashAttention2, false);
  }
  for (const auto& row : run.selections) {
    const auto sizes = tileSizes(row);
    report.formal_descending +=
        suFaRowOpCounts(sizes, d, SuFaOrder::Descending, config.max_assurance);
    report.formal_ascending += suFaRowOpCounts(sizes, d, SuFaOrder::Ascending, false);
    report.formal_fa2 += suFaRowOpCounts(sizes, d, SuFaOrder::FlashAttention2, false);
  }
  const double key_terms =
      w.hasTokens() ? static_cast<double>(run.dlzs.key_shift_adds) : static_cast<double>(S) * hd;
  const double dlzs_scores = static_cast<double>(run.dlzs.score_shift_adds) * weights.shift_add +
                             static_cast<double>(run.dlzs.lzc_ops) * weights.lzc;

  ComplexityBreakdown base;
  base.name = "4-bit + vanilla sort + FA-2";
  base.q_generation = q_gen;
  base.kv_generation = 2.0 * static_cast<double>(S) * hd * mac;
  base.score_prediction = nq * static_cast<double>(S) * static_cast<double>(d) * weights.int4Mac();
  base.top_k = vanilla_sort;
  base.formal = formalCost(fa2_vanilla, weights);

  ComplexityBreakdown with_dlzs = base;
  with_dlzs.name = "+DLZS (on-demand KV)";
  with_dlzs.key_prediction = key_terms * weights.shift_add;
  with_dlzs.score_prediction = dlzs_scores;
  with_dlzs.kv_generation = 2.0 * static_cast<double>(kv_vanilla.rows_generated) * hd * mac;

  ComplexityBreakdown with_sads = with_dlzs;
  with_sads.name = "+SADS";
  with_sads.kv_generation = 2.0 * static_cast<double>(run.kv.rows_generated) * hd * mac;
  with_sads.top_k = static_cast<double>(run.sorter_rounds) *
                    static_cast<double>(sads.comparators_per_round) * weights.cmp16;
  with_sads.formal = formalCost(report.formal_fa2, weights);

  ComplexityBreakdown with_sufa = with_sads;
  with_sufa.name = "+SU-FA";
  with_sufa.formal = formalCost(report.formal_descending, weights);
  report.configurations = {base, with_dlzs, with_sads, with_sufa};

  const double base_total = base.total();
  OpCounts desc_scalar_ops;
  OpCounts asc_scalar_ops;
  OpCounts fa2_scalar_ops;
  for (const auto& row : run.selections) {
    const auto sizes = tileSizes(row);
    desc_scalar_ops += suFaRowOpCounts(sizes, 0, SuFaOrder::Descending, config.max_assurance);
    asc_scalar_ops += suFaRowOpCounts(sizes, 0, SuFaOrder::Ascending, false);
    fa2_scalar_ops += suFaRowOpCounts(sizes, 0, SuFaOrder::FlashAttention2, false);
  }
  const double desc_scalar = formalCost(desc_scalar_ops, weights);
  const double asc_scalar = formalCost(asc_scalar_ops, weights);
  const double fa2_scalar = formalCost(fa2_scalar_ops, weights);
  const double desc = formalCost(report.formal_descending, weights);
  const double asc = formalCost(report.formal_ascending, weights);
  const double fa2 = formalCost(report.formal_fa2, weights);

  // Published values are printed next to what this counting model gives; they are not
  // targets. Where they differ (DLZS: the synthetic selections cover every key, so on-demand
  // KV saves nothing; SU-FA: q.k and p.v MACs dominate the formal stage), README.md
  // "Measured figures" explains why. No weight is tuned per figure.
  const std::string model_note =
      "weights add=1 cmp=1 mul16=16 mul4=1 shift-add=1 lzc=1 exp=32 div=32 (complexity_model.h)";
  auto& f = report.figures;
  f.push_back({"topk_recall",
               "top-k recall, DLZS + SADS vs exact top-k",
               run.topk_recall,
               {},
               "k*S keys per row against the exact float64 top-k"});
  f.push_back({"topk_recall_dlzs_vanilla",
               "top-k recall, DLZS + row-wide top-k",
               recall_dlzs_vanilla / nq,
               {},
               ""});
  f.push_back({"topk_recall_int4_vanilla",
               "top-k recall, int4 + row-wide top-k",
               recall_int4 / nq,
               {},
               "the Fig. 17 baseline predictor"});
  f.push_back({"output_rel_error",
               "output relative error vs float64 dense attention",
               run.output_rel_error,
               {},
               "Frobenius norm over the block"});
  f.push_back({"sufa_masked_rel_error",
               "SU-FA vs masked dense attention (same keys)",
               run.masked_rel_error,
               {},
               "float64 rounding only (sources S2.5.5)"});
  f.push_back({"sads_index_error", "SADS index error (exact scores, no radius)",
               report.sads_index_error, 0.03,
               "sources S2.4.2: ~3% for top-25% at S=1024, n=4; depends on the row shapes"});
  f.push_back({"complexity_dlzs", "complexity +DLZS vs 4-bit+vanilla+FA-2",
               fraction(with_dlzs.total(), base_total), 0.82, model_note});
  f.push_back({"complexity_sads", "complexity +DLZS+SADS", fraction(with_sads.total(), base_total),
               0.75, model_note});
  f.push_back({"complexity_sufa", "complexity +DLZS+SADS+SU-FA",
               fraction(with_sufa.total(), base_total), 0.72, model_note});
  const auto attention_only = [](const ComplexityBreakdown& c) {
    return c.score_prediction + c.top_k + c.formal;
  };
  const double base_attention = attention_only(base);
  const std::string scope_note = "attention only: A-hat prediction + top-k + formal stage";
  f.push_back({"complexity_attention_dlzs", "complexity +DLZS, attention-only scope",
               fraction(attention_only(with_dlzs), base_attention), 0.82, scope_note});
  f.push_back({"complexity_attention_sads", "complexity +SADS, attention-only scope",
               fraction(attention_only(with_sads), base_attention), 0.75, scope_note});
  f.push_back({"complexity_attention_sufa", "complexity +SU-FA, attention-only scope",
               fraction(attention_only(with_sufa), base_attention), 0.72, scope_note});
  f.push_back({"sufa_saving_vs_fa2", "SU-FA saving vs FA-2 (formal stage)",
               1.0 - fraction(desc, fa2), 0.25, "all formal-stage ops incl. q.k and p.v"});
  f.push_back({"sufa_saving_vs_ascending", "SU-FA saving vs ascending order (formal stage)",
               1.0 - fraction(desc, asc), 0.11, "all formal-stage ops incl. q.k and p.v"});
  f.push_back({"sufa_scalar_saving_vs_fa2", "SU-FA saving vs FA-2 (scalar softmax ops)",
               1.0 - fraction(desc_scalar, fa2_scalar), 0.25,
               "exp, l-update, compare and argument ops only; no d-wide vector work"});
  f.push_back({"sufa_scalar_saving_vs_ascending", "SU-FA saving vs ascending (scalar ops)",
               1.0 - fraction(desc_scalar, asc_scalar), 0.11,
               "exp, l-update, compare and argument ops only; no d-wide vector work"});
  f.push_back({"kv_rows_generated_fraction",
               "K/V rows generated (on-demand) / S",
               fraction(static_cast<double>(run.kv.rows_generated), static_cast<double>(S)),
               {},
               "SADS selection; >1 possible when regenerating per block"});
  f.push_back({"rass_load_reduction",
               "RASS K/V vector-load reduction vs per-query loads",
               1.0 - fraction(static_cast<double>(run.rass_loads),
                              static_cast<double>(run.rass_naive_loads)),
               {},
               "sources S2.8: 33% on the 4-query example"});
  f.push_back({"sufa_rescales_descending",
               "running-max rescales (run order)",
               static_cast<double>(run.sufa.rescales),
               {},
               "0 for descending SU-FA"});
  f.push_back({"max_assurance_swaps_per_row",
               "max-assurance swaps per query row",
               static_cast<double>(run.sufa.assurance_swaps) / nq,
               {},
               "exact top-2 beat the predicted top-1"});
  f.push_back({"dlzs_example", "DLZS 24 x 6 (sources S2.3.2)",
               static_cast<double>(dlzsProduct(24, encodeLzWeight(6))), 96.0, "floor snap"});
  f.push_back({"vanilla_lz_example", "vanilla LZ 24 x 6 (sources S2.3.2)",
               static_cast<double>(vanillaLzProduct(24, 6)), 64.0, "both operands snapped"});
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string figureKind(const Figure& figure) {
  // The paper's 24 x 6 worked examples, and SU-FA against dense attention over the same keys
  // (the same softmax in another order: equal up to rounding).
  for (const char* key : {"dlzs_example", "vanilla_lz_example", "sufa_masked_rel_error"}) {
    if (figure.key == key)
      return "check";
  }
  return "model";
}

}  // namespace spatialvp::star
