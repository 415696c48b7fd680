#pragma once
// Constants of the A100 baseline. Their values are stated once, with their public sources, in
// platform/configs/presets/a100.yaml (read through a100ParamsFrom / loadA100Params): only public
// hardware figures and published kernel efficiencies; nothing is fitted to a STAR/SOFA ratio.
#include <cstdint>
#include <string>

#include "platform/core/param_schema.h"

namespace spatialvp::workloads {

struct A100Params {
  double peak_fp16_tensor_flops = 0.0;             // dense FP16 tensor core
  double hbm_bandwidth_bytes_per_s = 0.0;          // HBM, datasheet
  double hbm_bandwidth_efficiency = 0.0;           // share of it streaming kernels reach
  double gemm_efficiency = 0.0;                    // cuBLAS FP16 GEMM share of the peak
  double flash_attention2_efficiency = 0.0;        // FlashAttention-2 forward share of the peak
  std::uint64_t sm_count = 0;                      // streaming multiprocessors
  std::uint64_t ctas_per_sm = 0;                   // resident thread blocks per SM
  std::uint64_t gemm_tile = 0;                     // output tile edge of a cuBLAS GEMM CTA
  std::uint64_t flash_attention2_query_block = 0;  // FA-2 query rows per CTA
  double op_dispatch_s = 0.0;                      // PyTorch eager CPU dispatch per op
  std::uint64_t dense_elementwise_passes = 0;      // scale, mask, softmax (HF eager attention)
  std::uint64_t element_bytes = 0;                 // FP16 activations and scores
  // Eager PyTorch at batch 1 (a100_eager.h): host time per op, extra host time per kernel
  // launch, and the shortest kernel the device runs.
  double eager_host_per_op_s = 0.0;
  double eager_launch_s = 0.0;
  double eager_min_kernel_s = 0.0;
  double board_power_w = 0.0;  // under load (max TDP)
  double idle_power_w = 0.0;   // idle with a CUDA context

  // Throws InvalidFieldError naming the offending field.
  void validate() const;
  double dynamicPowerW() const { return board_power_w - idle_power_w; }
};

// The preset's keys under `group` ("" in the preset file itself, "a100" as the STAR controller's
// parameter group) and the struct they give (a semantic error is located at the key behind the
// field, in the preset file or config that wrote it).
void declareA100Params(ParamSchema& schema, const std::string& group);
A100Params a100ParamsFrom(const ParamValues& values, const std::string& group);

A100Params parseA100Params(const std::string& text, const std::string& source);
A100Params loadA100Params(const std::string& path);

}  // namespace spatialvp::workloads
