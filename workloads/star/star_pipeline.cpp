#include "workloads/star/star_pipeline.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "workloads/star/quantization.h"
#include "workloads/star/rass.h"
#include "workloads/star/reference_attention.h"

namespace spatialvp::star {

SadsConfig effectiveSadsConfig(const StarConfig& config, std::size_t seq_len) {
  SadsConfig sads = config.sads;
  if (config.tile_length > 0) {
    sads.segments = (seq_len + config.tile_length - 1) / config.tile_length;
  }
  return sads;
}

MatrixD predictLogitsDlzs(const AttentionWorkload& w, PspMode psp, int khat_shift, DlzsStats* stats,
                          int* shift_used) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(w.headDim()));
  DlzsPredictor predictor(psp);
  const auto q16 = quantizeInt16(w.q);
  Matrix<std::int16_t> khat;
  double khat_scale = 1.0;  // K-hat real value = int / khat_scale
  int shift = 0;
  if (w.hasTokens()) {
    const auto x8 = quantizeInt8(w.x);
    const auto w8 = quantizeInt8(w.wk);
    khat = predictor.predictKeys(x8.values, encodeLzWeights(w8.values), khat_shift, &shift);
    khat_scale = x8.scale * w8.scale / std::ldexp(1.0, shift);
  } else {
    auto k16 = quantizeInt16(w.k);
    khat = std::move(k16.values);
    khat_scale = k16.scale;
  }
  const Matrix<std::int64_t> scores = predictor.predictScores(q16.values, khat);
  const double factor = scale / (q16.scale * khat_scale);
  MatrixD logits(scores.rows(), scores.cols());
  for (std::size_t i = 0; i < scores.values().size(); ++i) {
    logits.values()[i] = static_cast<double>(scores.values()[i]) * factor;
  }
  if (stats != nullptr) {
    *stats = predictor.stats();
  }
  if (shift_used != nullptr) {
    *shift_used = shift;
  }
  return logits;
}

StarRunResult runStar(const AttentionWorkload& w, const StarConfig& config) {
  validateWorkload(w);
  if (config.query_block == 0) {
    throw std::invalid_argument("query block T must be positive");
  }
  const std::size_t S = w.seqLen();
  const std::size_t d = w.headDim();
  const std::size_t queries = w.q.rows();
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  StarRunResult result;
  result.predicted_logits =
      predictLogitsDlzs(w, config.psp, config.khat_shift, &result.dlzs, &result.khat_shift);

  const SadsSelector selector(effectiveSadsConfig(config, S));
  result.selections.reserve(queries);
  for (std::size_t i = 0; i < queries; ++i) {
    const double* row = result.predicted_logits.row(i);
    result.selections.push_back(config.simulate_sorter ? selector.selectRowWithSorter(row, S)
                                                       : selector.selectRow(row, S));
    result.sorter_rounds += result.selections.back().rounds();
    result.selected_keys += result.selections.back().keyCount();
  }

  SuFaOptions options;
  options.order = config.order;
  options.scale = scale;
  options.max_assurance = config.max_assurance;
  options.exp_argument_limit = config.exp_argument_limit;
  result.output = MatrixD(queries, d);
  for (std::size_t i = 0; i < queries; ++i) {
    computeSuFaRow(w.q.row(i), w.k, w.v, result.selections[i], result.predicted_logits.row(i),
                   options, result.output.row(i), result.sufa);
  }

  result.kv = planOnDemandKv(result.selections, S, config.query_block, config.kv_policy);
  const std::size_t tiles = result.selections.empty() ? 0 : result.selections[0].segments.size();
  for (std::size_t first = 0; first < queries; first += config.query_block) {
    const std::size_t last = std::min(queries, first + config.query_block);
    for (std::size_t t = 0; t < tiles; ++t) {
      std::vector<std::vector<std::uint32_t>> keys_per_query;
      for (std::size_t i = first; i < last; ++i) {
        keys_per_query.push_back(result.selections[i].segments[t].keys);
      }
      const RassSchedule schedule = scheduleRass(keys_per_query, config.rass_phase_capacity);
      result.rass_naive_loads += schedule.naive_vector_loads;
      result.rass_loads += schedule.rass_vector_loads;
    }
  }

  if (config.compute_reference) {
    const MatrixD logits = exactLogits(w.q, w.k, scale);
    const std::size_t want = selectionTarget(S, config.sads.keep_ratio);
    double recall = 0.0;
    std::vector<std::vector<std::uint32_t>> selected(queries);
    for (std::size_t i = 0; i < queries; ++i) {
      selected[i] = result.selections[i].sortedKeys();
      const std::vector<std::uint32_t> exact = exactTopK(logits.row(i), S, want);
      std::vector<std::uint32_t> common;
      std::set_intersection(selected[i].begin(), selected[i].end(), exact.begin(), exact.end(),
                            std::back_inserter(common));
      recall += static_cast<double>(common.size()) / static_cast<double>(want);
    }
    result.topk_recall = recall / static_cast<double>(queries);
    result.output_rel_error = relativeError(result.output, denseAttention(w.q, w.k, w.v, scale));
    result.masked_rel_error =
        relativeError(result.output, maskedAttention(w.q, w.k, w.v, scale, selected));
  }
  return result;
}

}  // namespace spatialvp::star
