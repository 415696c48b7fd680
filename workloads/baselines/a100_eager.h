#pragma once
// The A100 baseline as SOFA measured it (sources S5.2): a HuggingFace attention module run eagerly
// by PyTorch at batch 1 and timed between torch.cuda.synchronize() calls. Every PyTorch op of the
// module's forward is listed in order (eagerAttentionOps): ops that only change tensor metadata
// (view, transpose, split, dropout in eval mode) cost host time; the others also launch a kernel,
// timed by the roofline of A100Model (GEMMs, or one streaming pass over their bytes).
//
// Host and device run as two queues (A100Model::estimateEager): the host spends
// `eager_host_per_op` on every op and `eager_launch` more on each kernel launch; a kernel starts
// when the device is free and its launch has been issued, and lasts at least `eager_min_kernel`.
// The time is the later of host and device finishing (the final synchronize). Short sequences
// are therefore bound by the host, long ones by the kernels. Dynamic energy = kernel time x
// (board power - idle power): the device draws no dynamic power while it waits for the host.
#include <string>
#include <vector>

#include "workloads/attention/attention_workload.h"

namespace spatialvp::workloads {

// The HuggingFace / timm attention modules of SOFA's models (sources S5.1).
enum class HfAttentionModule {
  Bert,   // BertSelfAttention: Q/K/V Linear with bias, /sqrt(d), + mask, softmax in FP16
  Gpt2,   // GPT2Attention: fused c_attn, /sqrt(d), causal torch.where, softmax in FP16
  Llama,  // LlamaAttention: Q/K/V Linear, rotary embedding, * scaling, + mask, softmax in FP32
  Bloom,  // BloomAttention: fused QKV Linear, baddbmm with ALiBi, masked_fill, softmax in FP32
  Vit,    // timm Attention (PVT): q and kv Linear, * scale, softmax in FP16
};

// Accepts bert, gpt2, llama, bloom, vit; throws std::invalid_argument otherwise.
HfAttentionModule parseHfAttentionModule(const std::string& name);
const char* hfAttentionModuleName(HfAttentionModule module);

struct EagerOp {
  enum class Kind { Metadata, Gemm, Stream };
  std::string name;
  Kind kind = Kind::Metadata;
  double count = 0, m = 0, n = 0, k = 0;  // Gemm: count batched problems C[m x n] = A[m x k] B
  double bytes = 0;                       // Stream: HBM bytes read + written
};

// The module's forward at batch 1, in order. `with_projections`: from the hidden states
// (Q/K/V projections, and Llama's rotary embedding); otherwise from Q, K, V laid out per head
// (the attention part). `element_bytes`: FP16 activations (2).
std::vector<EagerOp> eagerAttentionOps(const AttentionWorkload& workload, HfAttentionModule module,
                                       bool with_projections, double element_bytes);

}  // namespace spatialvp::workloads
