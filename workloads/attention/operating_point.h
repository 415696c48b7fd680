#pragma once
// An accuracy-loss operating point of SOFA/STAR (sources S2.7): the keep ratio k and the fraction
// of K/V rows generated exactly, derived once from the benchmark-averaged remaining-compute
// figures (sources S2.7 / 6.3) and applied unchanged to every workload (no per-benchmark tuning).
//
// Model behind the derivation [INF]: per layer, dense attention is a share `attention_share` of
// the dense attention + QKV-projection compute. After prediction,
//   attention remaining       = k                                 (exact work on kept pairs)
//   attention + QKV remaining = share k + (1 - share) (1/3 + 2/3 u)
// where Q is always generated (1/3 of QKV) and K, V only for the fraction u of rows some query
// keeps (sources S2.2). With u proportional to k, the composite is linear in k; a line through the
// three published (k, composite) pairs fits them to 0.001 and its intercept gives the share.
#include <string>

#include "workloads/attention/attention_workload.h"

namespace spatialvp::workloads {

struct OperatingPoint {
  std::string name;
  double accuracy_loss_percent = 0.0;
  double attention_remaining = 0.0;      // sources S2.7: 1 - attention-only reduction
  double attention_qkv_remaining = 0.0;  // sources S2.7: 1 - (attention + QKV) reduction
  double attention_share = 0.0;          // dense attention / (attention + QKV) of the benchmark mix
  double keep_ratio = 0.0;               // k
  double kv_union_fraction = 0.0;        // u

  // Throws InvalidFieldError (a std::invalid_argument) naming the offending field.
  void validate() const;
  // The composite remaining compute the model predicts from k, u and the share.
  double predictedAttentionQkvRemaining() const;
};

// Sets every layer's keep ratio to k and the K/V generated fraction to u.
void applyOperatingPoint(const OperatingPoint& point, AttentionWorkload& workload);

}  // namespace spatialvp::workloads
