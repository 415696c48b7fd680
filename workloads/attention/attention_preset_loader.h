#pragma once
// Reads the workload presets (platform/configs/presets/workloads/<model>.yaml) and operating
// points (platform/configs/presets/operating_points/loss_<n>pct.yaml). Both are flat YAML maps;
// unknown keys, missing required values and malformed or out-of-range values are PresetErrors
// naming file, line and key. Text entry points serve configs embedded in the binary.
#include <cstdint>
#include <optional>
#include <string>

#include "workloads/attention/attention_workload.h"
#include "workloads/attention/operating_point.h"

namespace spatialvp::workloads {

// User overrides applied after loading (spec: sequence length, heads, head dim and batch are
// overridable; queries and layers too). Unset fields keep the preset's value.
struct AttentionWorkloadOverrides {
  std::optional<std::uint64_t> seq_len;
  std::optional<std::uint64_t> heads;
  std::optional<std::uint64_t> head_dim;
  std::optional<std::uint64_t> batch;
  std::optional<std::uint64_t> queries;
  std::optional<std::uint64_t> layers;
};

AttentionWorkload parseAttentionWorkload(const std::string& text, const std::string& source);
AttentionWorkload loadAttentionWorkload(const std::string& path);
OperatingPoint parseOperatingPoint(const std::string& text, const std::string& source);
OperatingPoint loadOperatingPoint(const std::string& path);

// Applies the overrides and re-validates (std::invalid_argument on a bad combination, e.g. a
// per-layer Tc list that no longer matches the layer count).
void applyOverrides(const AttentionWorkloadOverrides& overrides, AttentionWorkload& workload);

}  // namespace spatialvp::workloads
