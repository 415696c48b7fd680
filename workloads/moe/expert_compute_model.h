#pragma once
// Roofline compute model of one die (the analytic model, README "Analytic model"): a die's
// time is max(FLOPs / (peak * efficiency), weight and KV bytes / (HBM bandwidth * efficiency)).
// Every expert instance that received at least one token streams its weights once per layer.
#include "workloads/moe/hardware_spec.h"
#include "workloads/moe/moe_model.h"

namespace spatialvp::moe {

class ExpertComputeModel {
 public:
  ExpertComputeModel(const MoeModel& model, const DieSpec& die);

  // MoE layer on one die: routed-expert instances with their token counts, plus the shared
  // experts applied to the die's own tokens (shared experts are replicated on every die [I]).
  double moeDieTime(const double* instance_tokens, int instances, double shared_tokens) const;
  // Attention of one TP member: 1/tp of the projections and heads for all the group's tokens,
  // reading 1/tp of the group's KV cache of `context` tokens per sequence.
  double attentionDieTime(double group_tokens, double sequences, double context, int tp) const;

  // The two sides of that roofline, for a timed platform whose die compute engine times the
  // FLOPs (models/wafer_moe): the FLOPs, and the weight and KV bytes read from HBM.
  struct Work {
    double flops = 0.0;
    double hbm_bytes = 0.0;
  };
  Work attentionDieWork(double group_tokens, double sequences, double context, int tp) const;
  // Time to stream `bytes` from the die's HBM at its sustained bandwidth (s).
  double hbmSeconds(double bytes) const;

 private:
  const MoeModel* model_;
  DieSpec die_;
};

}  // namespace spatialvp::moe
