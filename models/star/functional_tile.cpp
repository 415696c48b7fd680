#include "models/star/functional_tile.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "workloads/star/dlzs.h"
#include "workloads/star/quantization.h"

namespace spatialvp::models::star {

namespace st = spatialvp::star;

FunctionalHead prepareFunctionalHead(st::AttentionWorkload workload, std::size_t tiles) {
  FunctionalHead head;
  head.workload = std::move(workload);
  const st::AttentionWorkload& w = head.workload;
  const std::size_t S = w.seqLen();
  const std::size_t d = w.headDim();
  const std::size_t queries = w.q.rows();
  // Per-tensor quantisation as predictLogitsDlzs does (scope "attention": int16 K stands in
  // for K-hat); the same expression for the dequantisation factor keeps the logits bit-equal.
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  auto q16 = st::quantizeInt16(w.q);
  auto k16 = st::quantizeInt16(w.k);
  head.logit_factor = scale / (q16.scale * k16.scale);
  head.q16 = std::move(q16.values);
  head.k16 = std::move(k16.values);
  head.logits = st::MatrixD(queries, S);
  head.selections.assign(queries, std::vector<st::SegmentSelection>(tiles));
  head.kv_k = st::MatrixD(S, d);
  head.kv_v = st::MatrixD(S, d);
  head.kv_ready.assign(S, 0);
  head.partials.assign(queries, std::vector<st::SuFaPartial>(tiles));
  head.output = st::MatrixD(queries, d);
  return head;
}

namespace {

void dlzsTile(const FunctionalJob& job) {
  FunctionalHead& h = *job.head;
  const std::size_t keys = job.key_end - job.key_begin;
  st::DlzsPredictor predictor;
  const st::Matrix<std::int64_t> scores = predictor.predictScores(
      h.q16.sliceRows(job.first_row, job.rows), h.k16.sliceRows(job.key_begin, keys));
  for (std::size_t i = 0; i < job.rows; ++i) {
    double* out = h.logits.row(job.first_row + i) + job.key_begin;
    for (std::size_t j = 0; j < keys; ++j)
      out[j] = static_cast<double>(scores(i, j)) * h.logit_factor;
  }
}

void sadsTile(const FunctionalJob& job) {
  FunctionalHead& h = *job.head;
  st::SadsConfig config = job.settings->sads;
  config.segments = 1;  // this job is one sub-segment of the row
  const st::SadsSelector selector(config);
  const std::size_t keys = job.key_end - job.key_begin;
  const auto offset = static_cast<std::uint32_t>(job.key_begin);
  for (std::size_t i = job.first_row; i < job.first_row + job.rows; ++i) {
    st::RowSelection local = selector.selectRow(h.logits.row(i) + job.key_begin, keys);
    st::SegmentSelection seg = std::move(local.segments.front());
    // Tile-local indices -> row indices (ties break by index the same way in both).
    seg.begin += offset;
    seg.end += offset;
    for (std::uint32_t& key : seg.keys)
      key += offset;
    if (seg.top1 >= 0)
      seg.top1 += offset;
    if (seg.top2 >= 0)
      seg.top2 += offset;
    h.selected_keys += seg.keys.size();
    h.selections[i][job.tile] = std::move(seg);
  }
}

void kvTile(const FunctionalJob& job) {
  FunctionalHead& h = *job.head;
  const std::size_t d = h.workload.headDim();
  std::vector<std::uint8_t> needed(job.key_end - job.key_begin, 0);
  for (std::size_t i = job.first_row; i < job.first_row + job.rows; ++i) {
    for (std::uint32_t key : h.selections[i][job.tile].keys)
      needed[key - job.key_begin] = 1;
  }
  const bool cache = job.settings->kv_policy == st::KvReusePolicy::CacheAcrossBlocks;
  for (std::size_t j = 0; j < needed.size(); ++j) {
    const std::size_t row = job.key_begin + j;
    if (!needed[j] || (cache && h.kv_ready[row]))
      continue;
    const double* k = h.workload.k.row(row);
    const double* v = h.workload.v.row(row);
    std::copy(k, k + d, h.kv_k.row(row));
    std::copy(v, v + d, h.kv_v.row(row));
    h.kv_ready[row] = 1;
    ++h.kv_rows_moved;
  }
}

void suFaTile(const FunctionalJob& job) {
  FunctionalHead& h = *job.head;
  const st::SuFaOptions& options = job.settings->sufa;
  for (std::size_t i = job.first_row; i < job.first_row + job.rows; ++i) {
    const st::SegmentSelection& seg = h.selections[i][job.tile];
    for (std::uint32_t key : seg.keys) {
      if (!h.kv_ready[key])
        throw std::runtime_error("SU-FA read K/V row " + std::to_string(key) +
                                 " that no KV job produced");
    }
    st::SuFaPartial& state = h.partials[i][job.tile];
    if (options.order == st::SuFaOrder::FlashAttention2 && job.tile > 0)
      state = h.partials[i][job.tile - 1];  // the running state of the previous tile
    st::suFaTile(h.workload.q.row(i), h.kv_k, h.kv_v, seg, h.logits.row(i), options, state,
                 h.sufa_stats);
  }
}

void synchronize(const FunctionalJob& job) {
  FunctionalHead& h = *job.head;
  const st::SuFaOptions& options = job.settings->sufa;
  for (std::size_t i = job.first_row; i < job.first_row + job.rows; ++i) {
    std::vector<st::SuFaPartial> partials;
    for (const st::SuFaPartial& partial : h.partials[i]) {
      if (partial.started)
        partials.push_back(partial);
    }
    if (options.order == st::SuFaOrder::FlashAttention2 && !partials.empty())
      partials.erase(partials.begin(), partials.end() - 1);
    st::suFaFinish(partials, options, h.output.row(i), h.sufa_stats);
  }
}

}  // namespace

void runFunctionalStage(st::PipelineStage stage, const FunctionalJob& job) {
  if (job.settings == nullptr || job.head == nullptr ||
      job.first_row + job.rows > job.head->output.rows() || job.key_end <= job.key_begin ||
      job.key_end > job.head->workload.seqLen() || job.tile >= job.head->partials.front().size())
    throw std::runtime_error("functional job outside its head's data");
  switch (stage) {
    case st::PipelineStage::Dlzs:
      dlzsTile(job);
      return;
    case st::PipelineStage::Sads:
      sadsTile(job);
      return;
    case st::PipelineStage::KvGeneration:
      kvTile(job);
      return;
    case st::PipelineStage::SuFa:
      suFaTile(job);
      return;
    case st::PipelineStage::Synchronize:
      synchronize(job);
      return;
    case st::PipelineStage::QProjection:
      // Functional mode runs the attention scope only (Q is given).
      throw std::runtime_error("functional mode has no Q projection (scope: attention)");
  }
}

}  // namespace spatialvp::models::star
