#include "workloads/attention/operating_point.h"

#include "workloads/attention/invalid_field_error.h"

namespace spatialvp::workloads {
namespace {

void requireFraction(double value, const std::string& field) {
  if (!(value > 0.0 && value <= 1.0)) {
    throw InvalidFieldError("operating point", field, "must be in (0, 1]");
  }
}

}  // namespace

void OperatingPoint::validate() const {
  if (name.empty())
    throw InvalidFieldError("operating point", "name", "must be set");
  if (!(accuracy_loss_percent >= 0.0)) {
    throw InvalidFieldError("operating point", "accuracy_loss_percent", "must be >= 0");
  }
  requireFraction(attention_remaining, "attention_remaining");
  requireFraction(attention_qkv_remaining, "attention_qkv_remaining");
  requireFraction(attention_share, "attention_share");
  requireFraction(keep_ratio, "keep_ratio");
  requireFraction(kv_union_fraction, "kv_union_fraction");
}

double OperatingPoint::predictedAttentionQkvRemaining() const {
  const double qkv_remaining = 1.0 / 3.0 + 2.0 / 3.0 * kv_union_fraction;
  return attention_share * keep_ratio + (1.0 - attention_share) * qkv_remaining;
}

void applyOperatingPoint(const OperatingPoint& point, AttentionWorkload& workload) {
  workload.keep_ratio = {point.keep_ratio};
  workload.kv_union_fraction = point.kv_union_fraction;
}

}  // namespace spatialvp::workloads
