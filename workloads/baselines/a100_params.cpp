#include "workloads/baselines/a100_params.h"

#include <vector>

#include "workloads/attention/flat_yaml_map.h"
#include "workloads/attention/invalid_field_error.h"

namespace spatialvp::workloads {
namespace {

void requirePositive(double value, const std::string& field) {
  if (!(value > 0.0))
    throw InvalidFieldError("A100 parameters", field, "must be positive");
}

void requireFraction(double value, const std::string& field) {
  if (!(value > 0.0 && value <= 1.0)) {
    throw InvalidFieldError("A100 parameters", field, "must be in (0, 1]");
  }
}

const std::vector<std::string>& a100Keys() {
  static const std::vector<std::string> keys = {"peak_fp16_tensor_tflops",
                                                "hbm_bandwidth_gb_per_s",
                                                "hbm_bandwidth_efficiency",
                                                "gemm_efficiency",
                                                "flash_attention2_efficiency",
                                                "sm_count",
                                                "ctas_per_sm",
                                                "gemm_tile",
                                                "flash_attention2_query_block",
                                                "op_dispatch_us",
                                                "dense_elementwise_passes",
                                                "element_bytes",
                                                "eager_host_per_op_us",
                                                "eager_launch_us",
                                                "eager_min_kernel_us",
                                                "board_power_w",
                                                "idle_power_w"};
  return keys;
}

// Preset key of each struct field, so a semantic error points at the right line.
std::string presetKeyOf(const std::string& field) {
  if (field == "peak_fp16_tensor_flops")
    return "peak_fp16_tensor_tflops";
  if (field == "hbm_bandwidth_bytes_per_s")
    return "hbm_bandwidth_gb_per_s";
  if (field == "op_dispatch_s")
    return "op_dispatch_us";
  if (field == "eager_host_per_op_s")
    return "eager_host_per_op_us";
  if (field == "eager_launch_s")
    return "eager_launch_us";
  if (field == "eager_min_kernel_s")
    return "eager_min_kernel_us";
  return field;
}

A100Params fromMap(const FlatYamlMap& map) {
  A100Params params;
  params.peak_fp16_tensor_flops = map.requireNumber("peak_fp16_tensor_tflops") * 1e12;
  params.hbm_bandwidth_bytes_per_s = map.requireNumber("hbm_bandwidth_gb_per_s") * 1e9;
  params.hbm_bandwidth_efficiency = map.requireNumber("hbm_bandwidth_efficiency");
  params.gemm_efficiency = map.requireNumber("gemm_efficiency");
  params.flash_attention2_efficiency = map.requireNumber("flash_attention2_efficiency");
  params.sm_count = map.requireCount("sm_count");
  params.ctas_per_sm = map.requireCount("ctas_per_sm");
  params.gemm_tile = map.requireCount("gemm_tile");
  params.flash_attention2_query_block = map.requireCount("flash_attention2_query_block");
  params.op_dispatch_s = map.requireNumber("op_dispatch_us") * 1e-6;
  params.dense_elementwise_passes = map.requireCount("dense_elementwise_passes");
  params.element_bytes = map.requireCount("element_bytes");
  params.eager_host_per_op_s = map.requireNumber("eager_host_per_op_us") * 1e-6;
  params.eager_launch_s = map.requireNumber("eager_launch_us") * 1e-6;
  params.eager_min_kernel_s = map.requireNumber("eager_min_kernel_us") * 1e-6;
  params.board_power_w = map.requireNumber("board_power_w");
  params.idle_power_w = map.requireNumber("idle_power_w");
  try {
    params.validate();
  } catch (const InvalidFieldError& error) {
    map.fail(presetKeyOf(error.field()), error.reason());
  }
  return params;
}

}  // namespace

void A100Params::validate() const {
  requirePositive(peak_fp16_tensor_flops, "peak_fp16_tensor_flops");
  requirePositive(hbm_bandwidth_bytes_per_s, "hbm_bandwidth_bytes_per_s");
  requireFraction(hbm_bandwidth_efficiency, "hbm_bandwidth_efficiency");
  requireFraction(gemm_efficiency, "gemm_efficiency");
  requireFraction(flash_attention2_efficiency, "flash_attention2_efficiency");
  requirePositive(static_cast<double>(sm_count), "sm_count");
  requirePositive(static_cast<double>(ctas_per_sm), "ctas_per_sm");
  requirePositive(static_cast<double>(gemm_tile), "gemm_tile");
  requirePositive(static_cast<double>(flash_attention2_query_block),
                  "flash_attention2_query_block");
  if (!(op_dispatch_s >= 0.0)) {
    throw InvalidFieldError("A100 parameters", "op_dispatch_s", "must be >= 0");
  }
  for (const auto& [value, field] : {std::pair{eager_host_per_op_s, "eager_host_per_op_s"},
                                     std::pair{eager_launch_s, "eager_launch_s"},
                                     std::pair{eager_min_kernel_s, "eager_min_kernel_s"}}) {
    if (!(value >= 0.0))
      throw InvalidFieldError("A100 parameters", field, "must be >= 0");
  }
  requirePositive(static_cast<double>(element_bytes), "element_bytes");
  requirePositive(board_power_w, "board_power_w");
  if (!(idle_power_w >= 0.0 && idle_power_w < board_power_w)) {
    throw InvalidFieldError("A100 parameters", "idle_power_w", "must be in [0, board_power_w)");
  }
}

A100Params parseA100Params(const std::string& text, const std::string& source) {
  return fromMap(FlatYamlMap(text, source, a100Keys()));
}

A100Params loadA100Params(const std::string& path) {
  return fromMap(FlatYamlMap::fromFile(path, a100Keys()));
}

}  // namespace spatialvp::workloads
