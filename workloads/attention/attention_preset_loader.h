#pragma once
// The workload presets (platform/configs/presets/workloads/<model>.yaml) and operating points
// (platform/configs/presets/operating_points/loss_<n>pct.yaml): their keys, declared as a
// parameter group (under `group`, "" in the preset file itself), read through the config loader
// (platform/core/preset_file.h). Unknown keys, missing required values and malformed or
// out-of-range values are ConfigErrors naming file, line, column and key; a preset may start
// from another (`preset: workloads/llama_7b`) and change single keys.
#include <cstdint>
#include <optional>
#include <string>

#include "platform/core/param_schema.h"
#include "workloads/attention/attention_workload.h"
#include "workloads/attention/operating_point.h"

namespace spatialvp::workloads {

// User overrides applied after loading (sources S5.1: sequence length, heads, head dim and batch are
// overridable; queries and layers too). Unset fields keep the preset's value.
struct AttentionWorkloadOverrides {
  std::optional<std::uint64_t> seq_len;
  std::optional<std::uint64_t> heads;
  std::optional<std::uint64_t> head_dim;
  std::optional<std::uint64_t> batch;
  std::optional<std::uint64_t> queries;
  std::optional<std::uint64_t> layers;
};

// The keys as a parameter group (under `group`; "" in the preset file itself). The per-layer
// lists (tiles, tile_length, keep_ratio) take one value for every layer or one per layer.
void declareAttentionWorkloadParams(ParamSchema& schema, const std::string& group);
AttentionWorkload attentionWorkloadFrom(const ParamValues& values, const std::string& group);
void declareOperatingPointParams(ParamSchema& schema, const std::string& group);
OperatingPoint operatingPointFrom(const ParamValues& values, const std::string& group);

AttentionWorkload parseAttentionWorkload(const std::string& text, const std::string& source);
AttentionWorkload loadAttentionWorkload(const std::string& path);
OperatingPoint parseOperatingPoint(const std::string& text, const std::string& source);
OperatingPoint loadOperatingPoint(const std::string& path);

// Applies the overrides and re-validates (std::invalid_argument on a bad combination, e.g. a
// per-layer Tc list that no longer matches the layer count).
void applyOverrides(const AttentionWorkloadOverrides& overrides, AttentionWorkload& workload);

}  // namespace spatialvp::workloads
