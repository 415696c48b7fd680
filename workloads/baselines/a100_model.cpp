#include "workloads/baselines/a100_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace spatialvp::workloads {

const char* a100AttentionKernelName(A100AttentionKernel kernel) {
  switch (kernel) {
    case A100AttentionKernel::DensePyTorch:
      return "dense-pytorch";
    case A100AttentionKernel::FlashAttention2:
      return "flash-attention-2";
  }
  return "?";
}

A100Model::A100Model(A100Params params) : params_(std::move(params)) {
  params_.validate();
}

double A100Model::waveFill(double ctas) const {
  const double slots = static_cast<double>(params_.sm_count * params_.ctas_per_sm);
  const double waves = std::ceil(ctas / slots);
  return ctas / (waves * slots);
}

A100KernelTiming A100Model::finish(A100KernelTiming timing, double ctas, double efficiency) const {
  timing.compute_s =
      timing.flops > 0.0
          ? timing.flops / (params_.peak_fp16_tensor_flops * efficiency * waveFill(ctas))
          : 0.0;
  timing.memory_s =
      timing.hbm_bytes / (params_.hbm_bandwidth_bytes_per_s * params_.hbm_bandwidth_efficiency);
  timing.time_s = std::max({timing.compute_s, timing.memory_s, params_.op_dispatch_s});
  return timing;
}

A100KernelTiming A100Model::gemm(const std::string& name, double count, double m, double n,
                                 double k) const {
  const double element = static_cast<double>(params_.element_bytes);
  const double tile = static_cast<double>(params_.gemm_tile);
  A100KernelTiming timing;
  timing.name = name;
  timing.flops = 2.0 * count * m * n * k;
  timing.hbm_bytes = count * (m * k + k * n + m * n) * element;
  const double ctas = count * std::ceil(m / tile) * std::ceil(n / tile);
  return finish(std::move(timing), ctas, params_.gemm_efficiency);
}

A100KernelTiming A100Model::streamingPass(const std::string& name, double bytes) const {
  A100KernelTiming timing;
  timing.name = name;
  timing.hbm_bytes = bytes;
  return finish(std::move(timing), 1.0, 1.0);
}

A100KernelTiming A100Model::flashAttention2(const AttentionWorkload& workload) const {
  const double element = static_cast<double>(params_.element_bytes);
  const double heads = static_cast<double>(workload.batch * workload.heads);
  const double queries = static_cast<double>(workload.queryCount());
  const double keys = static_cast<double>(workload.seq_len);
  const double d = static_cast<double>(workload.head_dim);
  A100KernelTiming timing;
  timing.name = "flash_attn_fwd";
  timing.flops = static_cast<double>(workload.denseAttentionOpsPerLayer());
  timing.hbm_bytes = heads * (2.0 * queries * d + 2.0 * keys * d) * element;  // Q, O; K, V
  const double ctas =
      heads * std::ceil(queries / static_cast<double>(params_.flash_attention2_query_block));
  return finish(std::move(timing), ctas, params_.flash_attention2_efficiency);
}

A100Estimate A100Model::estimateLayer(const AttentionWorkload& workload, A100AttentionKernel kernel,
                                      A100Scope scope) const {
  workload.validate();
  const double batch = static_cast<double>(workload.batch);
  const double heads = static_cast<double>(workload.batch * workload.heads);
  const double queries = static_cast<double>(workload.queryCount());
  const double keys = static_cast<double>(workload.seq_len);
  const double d = static_cast<double>(workload.head_dim);
  const double hidden = static_cast<double>(workload.hidden_size);
  const double width = static_cast<double>(workload.heads * workload.head_dim);

  A100Estimate estimate;
  if (scope == A100Scope::AttentionWithQkvProjection) {
    // Separate nn.Linear GEMMs for Q, K and V, as the HuggingFace models run them.
    estimate.kernels.push_back(gemm("q_proj", 1.0, batch * queries, width, hidden));
    estimate.kernels.push_back(gemm("k_proj", 1.0, batch * keys, width, hidden));
    estimate.kernels.push_back(gemm("v_proj", 1.0, batch * keys, width, hidden));
  }
  if (kernel == A100AttentionKernel::DensePyTorch) {
    const double score_bytes = heads * queries * keys * static_cast<double>(params_.element_bytes);
    estimate.kernels.push_back(gemm("matmul_qk", heads, queries, keys, d));
    for (std::uint64_t pass = 0; pass < params_.dense_elementwise_passes; ++pass) {
      estimate.kernels.push_back(
          streamingPass("elementwise_" + std::to_string(pass), 2.0 * score_bytes));
    }
    estimate.kernels.push_back(gemm("matmul_pv", heads, queries, d, keys));
  } else {
    estimate.kernels.push_back(flashAttention2(workload));
  }
  for (const A100KernelTiming& timing : estimate.kernels) {
    estimate.time_s += timing.time_s;
    estimate.flops += timing.flops;
    estimate.hbm_bytes += timing.hbm_bytes;
  }
  estimate.energy_j = params_.dynamicPowerW() * estimate.time_s;
  estimate.achieved_flops_per_s = estimate.flops / estimate.time_s;
  return estimate;
}

A100Estimate A100Model::estimateEager(const AttentionWorkload& workload, HfAttentionModule module,
                                      A100Scope scope) const {
  workload.validate();
  A100Estimate estimate;
  double host = 0.0;    // when the host has issued everything so far
  double device = 0.0;  // when the device finishes the kernels issued so far
  const auto ops =
      eagerAttentionOps(workload, module, scope == A100Scope::AttentionWithQkvProjection,
                        static_cast<double>(params_.element_bytes));
  for (const EagerOp& op : ops) {
    host += params_.eager_host_per_op_s;
    if (op.kind == EagerOp::Kind::Metadata)
      continue;
    host += params_.eager_launch_s;
    A100KernelTiming timing = op.kind == EagerOp::Kind::Gemm
                                  ? gemm(op.name, op.count, op.m, op.n, op.k)
                                  : streamingPass(op.name, op.bytes);
    timing.time_s = std::max({timing.compute_s, timing.memory_s, params_.eager_min_kernel_s});
    device = std::max(device, host) + timing.time_s;
    estimate.device_s += timing.time_s;
    estimate.flops += timing.flops;
    estimate.hbm_bytes += timing.hbm_bytes;
    ++estimate.launches;
    estimate.kernels.push_back(std::move(timing));
  }
  estimate.host_s = host;
  estimate.time_s = std::max(host, device);
  estimate.energy_j = params_.dynamicPowerW() * estimate.device_s;
  estimate.achieved_flops_per_s = estimate.flops / estimate.time_s;
  return estimate;
}

A100Estimate A100Model::estimateModel(const AttentionWorkload& workload, A100AttentionKernel kernel,
                                      A100Scope scope) const {
  A100Estimate estimate = estimateLayer(workload, kernel, scope);
  const double layers = static_cast<double>(workload.layers);
  estimate.time_s *= layers;
  estimate.energy_j *= layers;
  estimate.flops *= layers;
  estimate.hbm_bytes *= layers;
  return estimate;
}

A100Comparison compareWithA100(const A100Estimate& a100, double accelerator_time_s,
                               double accelerator_energy_j) {
  if (!(accelerator_time_s > 0.0) || !(accelerator_energy_j > 0.0)) {
    throw std::invalid_argument("compareWithA100: accelerator time and energy must be positive");
  }
  A100Comparison comparison;
  comparison.speedup = a100.time_s / accelerator_time_s;
  comparison.energy_efficiency_ratio = a100.energy_j / accelerator_energy_j;
  return comparison;
}

}  // namespace spatialvp::workloads
