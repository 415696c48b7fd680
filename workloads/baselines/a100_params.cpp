#include "workloads/baselines/a100_params.h"

#include <vector>

#include "platform/core/preset_file.h"
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

// Preset key of each struct field, so a semantic error points at the right line.
std::string presetKeyOf(const std::string& field) {
  for (const char* suffix : {"_flops", "_bytes_per_s", "_s", "_w"}) {
    const std::string tail(suffix);
    if (field.size() > tail.size() &&
        field.compare(field.size() - tail.size(), tail.size(), tail) == 0)
      return field.substr(0, field.size() - tail.size());
  }
  return field;
}

std::uint64_t count(const ParamValues& values, const std::string& key) {
  return static_cast<std::uint64_t>(values.integer(key));
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

void declareA100Params(ParamSchema& schema, const std::string& group) {
  const std::string g = group.empty() ? "" : group + ".";
  schema.quantity(g + "peak_fp16_tensor", dims::computeRate(), "Dense FP16 tensor-core peak")
      .above(0);
  schema.quantity(g + "hbm_bandwidth", dims::bandwidth(), "HBM bandwidth (datasheet)").above(0);
  schema.real(g + "hbm_bandwidth_efficiency", "Share of hbm_bandwidth streaming kernels reach")
      .above(0)
      .atMost(1);
  schema.real(g + "gemm_efficiency", "Share of the peak a cuBLAS FP16 GEMM reaches")
      .above(0)
      .atMost(1);
  schema.real(g + "flash_attention2_efficiency", "Share of the peak FlashAttention-2 reaches")
      .above(0)
      .atMost(1);
  schema.integer(g + "sm_count", "Streaming multiprocessors").atLeast(1);
  schema.integer(g + "ctas_per_sm", "Resident thread blocks per SM").atLeast(1);
  schema.integer(g + "gemm_tile", "Output tile edge of a GEMM thread block").atLeast(1);
  schema.integer(g + "flash_attention2_query_block", "FlashAttention-2 query rows per block")
      .atLeast(1);
  schema.quantity(g + "op_dispatch", dims::time(), "PyTorch eager CPU dispatch per op");
  schema.integer(g + "dense_elementwise_passes", "Element-wise passes over the score tensor")
      .atLeast(0);
  schema.integer(g + "element_bytes", "Bytes per activation / score element").atLeast(1);
  schema.quantity(g + "eager_host_per_op", dims::time(), "Eager PyTorch host time per op");
  schema.quantity(g + "eager_launch", dims::time(), "Extra host time of a kernel launch");
  schema.quantity(g + "eager_min_kernel", dims::time(), "Shortest kernel on the device");
  schema.quantity(g + "board_power", dims::power(), "Board power under load (max TDP)").above(0);
  schema.quantity(g + "idle_power", dims::power(), "Idle power with a CUDA context");
}

A100Params a100ParamsFrom(const ParamValues& values, const std::string& group) {
  const std::string g = group.empty() ? "" : group + ".";
  A100Params params;
  params.peak_fp16_tensor_flops = values.quantity(g + "peak_fp16_tensor");
  params.hbm_bandwidth_bytes_per_s = values.quantity(g + "hbm_bandwidth");
  params.hbm_bandwidth_efficiency = values.real(g + "hbm_bandwidth_efficiency");
  params.gemm_efficiency = values.real(g + "gemm_efficiency");
  params.flash_attention2_efficiency = values.real(g + "flash_attention2_efficiency");
  params.sm_count = count(values, g + "sm_count");
  params.ctas_per_sm = count(values, g + "ctas_per_sm");
  params.gemm_tile = count(values, g + "gemm_tile");
  params.flash_attention2_query_block = count(values, g + "flash_attention2_query_block");
  params.op_dispatch_s = values.quantity(g + "op_dispatch");
  params.dense_elementwise_passes = count(values, g + "dense_elementwise_passes");
  params.element_bytes = count(values, g + "element_bytes");
  params.eager_host_per_op_s = values.quantity(g + "eager_host_per_op");
  params.eager_launch_s = values.quantity(g + "eager_launch");
  params.eager_min_kernel_s = values.quantity(g + "eager_min_kernel");
  params.board_power_w = values.quantity(g + "board_power");
  params.idle_power_w = values.quantity(g + "idle_power");
  try {
    params.validate();
  } catch (const InvalidFieldError& error) {
    values.fail(g + presetKeyOf(error.field()), error.reason());
  }
  return params;
}

namespace {

const ParamSchema& a100Schema() {
  static const ParamSchema schema = presetSchema(declareA100Params);
  return schema;
}
}  // namespace

A100Params parseA100Params(const std::string& text, const std::string& source) {
  return a100ParamsFrom(readPresetText(text, source, a100Schema()), "");
}

A100Params loadA100Params(const std::string& path) {
  return a100ParamsFrom(readPresetFile(path, a100Schema()), "");
}

}  // namespace spatialvp::workloads
