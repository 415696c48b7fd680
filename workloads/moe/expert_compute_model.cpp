#include "workloads/moe/expert_compute_model.h"

#include <algorithm>

namespace spatialvp::moe {

ExpertComputeModel::ExpertComputeModel(const MoeModel& model, const DieSpec& die)
    : model_(&model), die_(die) {}

double ExpertComputeModel::moeDieTime(const double* instance_tokens, int instances,
                                      double shared_tokens) const {
  double tokens = shared_tokens * model_->shared_experts;
  double weight_bytes =
      shared_tokens > 0.0 ? model_->shared_experts * model_->expertWeightBytes() : 0.0;
  for (int i = 0; i < instances; ++i) {
    if (instance_tokens[i] <= 0.0)
      continue;
    tokens += instance_tokens[i];
    weight_bytes += model_->expertWeightBytes();
  }
  const double compute =
      tokens * model_->expertFlopsPerToken() / (die_.peakFlops() * die_.compute_efficiency);
  return std::max(compute, hbmSeconds(weight_bytes));
}

double ExpertComputeModel::attentionDieTime(double group_tokens, double sequences, double context,
                                            int tp) const {
  const Work work = attentionDieWork(group_tokens, sequences, context, tp);
  const double compute = work.flops / (die_.peakFlops() * die_.compute_efficiency);
  return std::max(compute, hbmSeconds(work.hbm_bytes));
}

ExpertComputeModel::Work ExpertComputeModel::attentionDieWork(double group_tokens, double sequences,
                                                              double context, int tp) const {
  const MoeModel& m = *model_;
  const double heads = static_cast<double>(m.attention_heads) / tp;
  const double projection_flops = 2.0 * m.attentionWeightCount() / tp * group_tokens;
  // QK^T and PV over the context for every token and local head.
  const double score_flops = 4.0 * heads * m.head_dim * context * group_tokens;
  const double weight_bytes = m.attentionWeightCount() * m.bytes_per_weight / tp;
  const double kv_bytes = sequences * context * m.kvCacheBytesPerToken() / tp;
  return {projection_flops + score_flops, weight_bytes + kv_bytes};
}

double ExpertComputeModel::hbmSeconds(double bytes) const {
  return bytes / (die_.hbm_bandwidth * die_.hbm_efficiency);
}

}  // namespace spatialvp::moe
