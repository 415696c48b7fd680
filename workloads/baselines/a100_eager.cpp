#include "workloads/baselines/a100_eager.h"

#include <stdexcept>

namespace spatialvp::workloads {

namespace {

constexpr double kFp32Bytes = 4.0;

class OpList {
 public:
  void metadata(const std::string& name) { ops_.push_back({name, EagerOp::Kind::Metadata}); }
  void gemm(const std::string& name, double count, double m, double n, double k) {
    EagerOp op{name, EagerOp::Kind::Gemm};
    op.count = count;
    op.m = m;
    op.n = n;
    op.k = k;
    ops_.push_back(op);
  }
  void stream(const std::string& name, double bytes) {
    EagerOp op{name, EagerOp::Kind::Stream};
    op.bytes = bytes;
    ops_.push_back(op);
  }
  std::vector<EagerOp> take() { return std::move(ops_); }

 private:
  std::vector<EagerOp> ops_;
};

}  // namespace

HfAttentionModule parseHfAttentionModule(const std::string& name) {
  for (HfAttentionModule module :
       {HfAttentionModule::Bert, HfAttentionModule::Gpt2, HfAttentionModule::Llama,
        HfAttentionModule::Bloom, HfAttentionModule::Vit}) {
    if (name == hfAttentionModuleName(module))
      return module;
  }
  throw std::invalid_argument("unknown HuggingFace attention module '" + name +
                              "' (expected bert, gpt2, llama, bloom or vit)");
}

const char* hfAttentionModuleName(HfAttentionModule module) {
  switch (module) {
    case HfAttentionModule::Bert:
      return "bert";
    case HfAttentionModule::Gpt2:
      return "gpt2";
    case HfAttentionModule::Llama:
      return "llama";
    case HfAttentionModule::Bloom:
      return "bloom";
    case HfAttentionModule::Vit:
      return "vit";
  }
  return "?";
}

std::vector<EagerOp> eagerAttentionOps(const AttentionWorkload& w, HfAttentionModule module,
                                       bool with_projections, double e) {
  const double heads = static_cast<double>(w.batch * w.heads);
  const double queries = static_cast<double>(w.batch * w.queryCount());
  const double keys = static_cast<double>(w.batch * w.seq_len);
  const double d = static_cast<double>(w.head_dim);
  const double hidden = static_cast<double>(w.hidden_size);
  const double width = static_cast<double>(w.heads * w.head_dim);
  const double scores = heads * static_cast<double>(w.queryCount()) *
                        static_cast<double>(w.seq_len);  // elements of the score tensor
  const double q_elems = queries * width;
  const double kv_elems = keys * width;
  OpList ops;

  if (with_projections) {
    switch (module) {
      case HfAttentionModule::Bert:   // query, key, value: nn.Linear with bias (one addmm each)
      case HfAttentionModule::Llama:  // q_proj, k_proj, v_proj (no bias)
        ops.gemm("q_proj", 1, queries, width, hidden);
        ops.gemm("k_proj", 1, keys, width, hidden);
        ops.gemm("v_proj", 1, keys, width, hidden);
        for (const char* name :
             {"q_view", "q_transpose", "k_view", "k_transpose", "v_view", "v_transpose"})
          ops.metadata(name);
        break;
      case HfAttentionModule::Gpt2:   // c_attn (Conv1D addmm, Q/K/V fused), split, split_heads
      case HfAttentionModule::Bloom:  // query_key_value, _reshape/_split_heads
        ops.gemm("qkv_proj", 1, queries, 3 * width, hidden);
        for (const char* name :
             {"split", "q_view", "q_permute", "k_view", "k_permute", "v_view", "v_permute"})
          ops.metadata(name);
        break;
      case HfAttentionModule::Vit:  // q Linear, kv Linear, reshape + permute, unbind
        ops.gemm("q_proj", 1, queries, width, hidden);
        ops.gemm("kv_proj", 1, keys, 2 * width, hidden);
        for (const char* name : {"q_reshape", "q_permute", "kv_reshape", "kv_permute", "unbind"})
          ops.metadata(name);
        break;
    }
    if (module == HfAttentionModule::Llama) {
      // apply_rotary_pos_emb on Q and K: x * cos + rotate_half(x) * sin, rotate_half =
      // cat(-x2, x1) of two slices (cos/sin are computed once per model forward, not per layer).
      ops.metadata("cos_unsqueeze");
      ops.metadata("sin_unsqueeze");
      for (const auto& [tensor, elems] : {std::pair{"q", q_elems}, std::pair{"k", kv_elems}}) {
        const std::string t = tensor;
        ops.stream(t + "_mul_cos", 2 * elems * e);
        ops.metadata(t + "_slice_x1");
        ops.metadata(t + "_slice_x2");
        ops.stream(t + "_neg_x2", elems * e);  // half the tensor read, half written
        ops.stream(t + "_cat", 2 * elems * e);
        ops.stream(t + "_mul_sin", 2 * elems * e);
        ops.stream(t + "_add", 3 * elems * e);
      }
    }
  }

  const double score_bytes = scores * e;
  auto scoreGemm = [&](const char* name) {
    ops.metadata("k_transpose_last");
    ops.gemm(name, heads, static_cast<double>(w.queryCount()), static_cast<double>(w.seq_len), d);
  };
  // softmax(dim=-1, dtype=torch.float32) reads FP16 and writes FP32; .to(FP16) reads it back.
  auto fp32Softmax = [&] {
    ops.stream("softmax_fp32", scores * (e + kFp32Bytes));
    ops.stream("to_fp16", scores * (kFp32Bytes + e));
  };
  switch (module) {
    case HfAttentionModule::Bert:
      scoreGemm("matmul_qk");
      ops.stream("div_sqrt_d", 2 * score_bytes);
      ops.stream("add_mask", 2 * score_bytes);
      ops.stream("softmax", 2 * score_bytes);
      ops.metadata("dropout_eval");
      break;
    case HfAttentionModule::Gpt2:
      scoreGemm("matmul_qk");
      ops.stream("full_scale", e);  // torch.full([], sqrt(d)): a one-element kernel
      ops.stream("div_scale", 2 * score_bytes);
      ops.metadata("causal_bias_slice");
      ops.stream("full_mask_value", e);
      ops.stream("where_causal", 2 * score_bytes);
      ops.stream("softmax", 2 * score_bytes);
      ops.metadata("type_as_value");  // same dtype: no kernel
      ops.metadata("dropout_eval");
      break;
    case HfAttentionModule::Llama:
      ops.metadata("repeat_kv");  // MHA: returns K, V as they are
      scoreGemm("matmul_qk");
      ops.stream("mul_scaling", 2 * score_bytes);
      ops.metadata("causal_mask_slice");
      ops.stream("add_causal_mask", 2 * score_bytes);
      fp32Softmax();
      ops.metadata("dropout_eval");
      break;
    case HfAttentionModule::Bloom:
      scoreGemm("baddbmm_alibi");  // baddbmm(alibi, Q, K^T, beta, alpha)
      ops.metadata("scores_view");
      ops.stream("masked_fill", 2 * score_bytes);
      fp32Softmax();
      ops.metadata("dropout_eval");
      ops.metadata("probs_view");
      break;
    case HfAttentionModule::Vit:
      scoreGemm("matmul_qk");
      ops.stream("mul_scale", 2 * score_bytes);
      ops.stream("softmax", 2 * score_bytes);
      ops.metadata("dropout_eval");
      break;
  }
  ops.gemm("matmul_pv", heads, static_cast<double>(w.queryCount()), d,
           static_cast<double>(w.seq_len));
  // Merge heads: transpose (or permute) + contiguous copies the output, then a view.
  ops.metadata("o_transpose");
  ops.stream("o_contiguous", 2 * q_elems * e);
  ops.metadata("o_reshape");
  return ops.take();
}

}  // namespace spatialvp::workloads
