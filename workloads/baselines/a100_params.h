#pragma once
// Constants of the A100 baseline (platform/configs/presets/a100.yaml holds the same values with
// their public sources; the defaults here mirror it so tests can build the struct directly).
// Only public hardware figures and published kernel efficiencies; nothing is fitted to a
// STAR/SOFA ratio.
#include <cstdint>
#include <string>

#include "platform/core/param_schema.h"

namespace spatialvp::workloads {

struct A100Params {
  double peak_fp16_tensor_flops = 312e12;            // A100 datasheet, dense FP16 tensor core
  double hbm_bandwidth_bytes_per_s = 1.555e12;       // A100 40GB SXM4 datasheet, HBM2
  double hbm_bandwidth_efficiency = 0.88;            // best streaming kernels reach ~88-90% of peak
  double gemm_efficiency = 0.75;                     // cuBLAS FP16 GEMM, >= FlashAttention-2's 73%
  double flash_attention2_efficiency = 0.73;         // FlashAttention-2 paper: up to 73% forward
  std::uint64_t sm_count = 108;                      // A100 SXM4
  std::uint64_t ctas_per_sm = 1;                     // resident thread blocks per SM [INF]
  std::uint64_t gemm_tile = 128;                     // output tile edge of a cuBLAS GEMM CTA [INF]
  std::uint64_t flash_attention2_query_block = 128;  // FA-2 query rows per CTA (paper 3.3)
  double op_dispatch_s = 5e-6;  // PyTorch eager CPU dispatch per op (low end of 5-25 us)
  std::uint64_t dense_elementwise_passes = 3;  // scale, mask, softmax (HF eager attention)
  std::uint64_t element_bytes = 2;             // FP16 activations and scores
  // Eager PyTorch at batch 1 (a100_eager.h): host time per op, extra host time per kernel
  // launch, and the shortest kernel the device runs (presets/a100.yaml gives the sources).
  double eager_host_per_op_s = 5e-6;
  double eager_launch_s = 3e-6;
  double eager_min_kernel_s = 3e-6;
  double board_power_w = 400.0;  // A100 SXM4 max TDP
  double idle_power_w = 50.0;    // idle with a CUDA context [INF]

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
