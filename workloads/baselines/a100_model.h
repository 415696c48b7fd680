#pragma once
// Analytic A100 baseline for the attention of one layer (or all layers) of a workload.
//
// Every kernel is a roofline: time = max(FLOPs / (peak x efficiency x wave fill),
// HBM bytes / (bandwidth x efficiency), eager dispatch time). Wave fill = CTAs / (waves x
// SMs x CTAs per SM) charges the idle SMs of the last wave, which dominates short sequences.
//
//   DensePyTorch     PyTorch eager attention as in HuggingFace BERT/GPT-2/Llama: a batched
//                    GEMM Q K^T writes the Q x S score matrix to HBM, `dense_elementwise_passes`
//                    kernels (scale, mask, softmax) each read and write it, and a batched GEMM
//                    reads it back for P V. Memory-bound at long S.
//   FlashAttention2  one fused kernel; scores stay on chip; HBM traffic is Q, K, V in and O
//                    out once (K/V re-reads across query blocks hit the 40 MB L2 -- the paper's
//                    compute-bound 73% implies it). Compute-bound.
// Energy = (board power - idle power) x time, the sources S5.2 methodology (nvidia-smi total
// minus idle).
#include <string>
#include <vector>

#include "workloads/attention/attention_workload.h"
#include "workloads/baselines/a100_eager.h"
#include "workloads/baselines/a100_params.h"

namespace spatialvp::workloads {

enum class A100AttentionKernel { DensePyTorch, FlashAttention2 };
enum class A100Scope { AttentionCore, AttentionWithQkvProjection };
const char* a100AttentionKernelName(A100AttentionKernel kernel);

struct A100KernelTiming {
  std::string name;
  double flops = 0.0;  // tensor-core FLOPs (2 per MAC)
  double hbm_bytes = 0.0;
  double compute_s = 0.0;  // FLOP-limited time
  double memory_s = 0.0;   // bandwidth-limited time
  double time_s = 0.0;     // max(compute, memory, dispatch)
};

struct A100Estimate {
  double time_s = 0.0;
  double energy_j = 0.0;  // dynamic energy
  double host_s = 0.0;    // eager: host time (Python, dispatcher, launches)
  double device_s = 0.0;  // eager: time kernels ran
  std::size_t launches = 0;
  double flops = 0.0;
  double hbm_bytes = 0.0;
  double achieved_flops_per_s = 0.0;
  std::vector<A100KernelTiming> kernels;  // one layer's kernels, in launch order
};

// Accelerator / A100 ratios for the same workload.
struct A100Comparison {
  double speedup = 0.0;                  // A100 time / accelerator time
  double energy_efficiency_ratio = 0.0;  // A100 energy / accelerator energy (= ops/J ratio)
};

class A100Model {
 public:
  explicit A100Model(A100Params params);

  const A100Params& params() const { return params_; }

  A100Estimate estimateLayer(const AttentionWorkload& workload, A100AttentionKernel kernel,
                             A100Scope scope = A100Scope::AttentionCore) const;
  // The eager PyTorch / HuggingFace module at batch 1 as SOFA timed it (a100_eager.h).
  A100Estimate estimateEager(const AttentionWorkload& workload, HfAttentionModule module,
                             A100Scope scope = A100Scope::AttentionCore) const;
  // All layers (they are identical in shape): the layer estimate times `layers`.
  A100Estimate estimateModel(const AttentionWorkload& workload, A100AttentionKernel kernel,
                             A100Scope scope = A100Scope::AttentionCore) const;

 private:
  // Batched GEMM C[m x n] = A[m x k] B[k x n], `count` independent problems.
  A100KernelTiming gemm(const std::string& name, double count, double m, double n, double k) const;
  A100KernelTiming streamingPass(const std::string& name, double bytes) const;
  A100KernelTiming flashAttention2(const AttentionWorkload& workload) const;
  A100KernelTiming finish(A100KernelTiming timing, double ctas, double efficiency) const;
  double waveFill(double ctas) const;

  A100Params params_;
};

// Throws std::invalid_argument unless both accelerator figures are positive.
A100Comparison compareWithA100(const A100Estimate& a100, double accelerator_time_s,
                               double accelerator_energy_j);

}  // namespace spatialvp::workloads
