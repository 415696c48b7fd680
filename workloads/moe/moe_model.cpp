#include "workloads/moe/moe_model.h"

#include <cstdint>
#include <limits>

#include "platform/core/param_choice.h"
#include "platform/core/preset_file.h"

namespace spatialvp::moe {

double MoeModel::expertWeightBytes() const {
  return 3.0 * hidden_size * static_cast<double>(expert_ffn_size) * bytes_per_weight;
}

double MoeModel::expertFlopsPerToken() const {
  return 2.0 * 3.0 * hidden_size * static_cast<double>(expert_ffn_size);
}

double MoeModel::tokenBytes() const {
  return static_cast<double>(hidden_size) * bytes_per_activation;
}

double MoeModel::attentionWeightCount() const {
  const double h = hidden_size;
  const double heads = attention_heads;
  if (attention_type == AttentionType::kMla) {
    const double qk_head = head_dim + rope_head_dim;
    const double query =
        q_lora_rank > 0 ? h * q_lora_rank + q_lora_rank * heads * qk_head : h * heads * qk_head;
    const double kv_down = h * (kv_lora_rank + rope_head_dim);
    const double kv_up = static_cast<double>(kv_lora_rank) * heads * (head_dim + head_dim);
    const double out = heads * head_dim * h;
    return query + kv_down + kv_up + out;
  }
  const double query = h * heads * head_dim;
  const double key_value = 2.0 * h * kv_heads * head_dim;
  const double out = heads * head_dim * h;
  return query + key_value + out;
}

double MoeModel::kvCacheBytesPerToken() const {
  if (attention_type == AttentionType::kMla) {
    return static_cast<double>(kv_lora_rank + rope_head_dim) * bytes_per_activation;
  }
  return 2.0 * kv_heads * head_dim * bytes_per_activation;
}

void declareMoeModelParams(ParamSchema& schema, const std::string& group) {
  const std::string g = group.empty() ? "" : group + ".";
  schema.string(g + "name", "Model name as reported");
  schema.integer(g + "layers", "Transformer layers").atLeast(1);
  schema.integer(g + "dense_layers", "Leading dense layers (skipped by the MoE analysis)")
      .atLeast(0);
  schema.integer(g + "hidden_size", "Hidden size").atLeast(1);
  schema.integer(g + "routed_experts", "Routed experts per MoE layer").atLeast(1);
  schema.integer(g + "shared_experts", "Shared experts per MoE layer").atLeast(0);
  schema.integer(g + "top_k", "Routed experts per token").atLeast(1);
  schema.integer(g + "expert_ffn_size", "Expert FFN (intermediate) size").atLeast(1);
  schema.enumeration(g + "attention_type", {"mla", "gqa"},
                     "mla: multi-head latent attention; gqa: grouped-query attention");
  schema.integer(g + "attention_heads", "Attention heads").atLeast(1);
  schema.integer(g + "kv_heads", "Key/value heads").atLeast(1);
  schema.integer(g + "head_dim", "Head dimension").atLeast(1);
  schema.integer(g + "q_lora_rank", "MLA low-rank query (0 = none)").atLeast(0);
  schema.integer(g + "kv_lora_rank", "MLA low-rank key/value").atLeast(0);
  schema.integer(g + "rope_head_dim", "MLA decoupled RoPE head dimension").atLeast(0);
  schema.integer(g + "bytes_per_weight", "Bytes per weight").atLeast(1);
  schema.integer(g + "bytes_per_activation", "Bytes per activation").atLeast(1);
}

MoeModel moeModelFrom(const ParamValues& values, const std::string& group) {
  const std::string g = group.empty() ? "" : group + ".";
  // Every integer is bounded by its declaration; int holds any real model's sizes.
  auto count = [&](const char* key) {
    const std::int64_t value = values.integer(g + key);
    if (value > std::numeric_limits<int>::max())
      values.fail(g + key, "expected at most " + std::to_string(std::numeric_limits<int>::max()));
    return static_cast<int>(value);
  };
  MoeModel model;
  model.name = values.string(g + "name");
  model.layers = count("layers");
  model.dense_layers = count("dense_layers");
  model.hidden_size = count("hidden_size");
  model.routed_experts = count("routed_experts");
  model.shared_experts = count("shared_experts");
  model.top_k = count("top_k");
  model.expert_ffn_size = count("expert_ffn_size");
  model.attention_heads = count("attention_heads");
  model.kv_heads = count("kv_heads");
  model.head_dim = count("head_dim");
  model.q_lora_rank = count("q_lora_rank");
  model.kv_lora_rank = count("kv_lora_rank");
  model.rope_head_dim = count("rope_head_dim");
  model.bytes_per_weight = count("bytes_per_weight");
  model.bytes_per_activation = count("bytes_per_activation");
  model.attention_type = paramChoice<AttentionType>(
      values, g + "attention_type", {{"mla", AttentionType::kMla}, {"gqa", AttentionType::kGqa}});
  if (model.dense_layers >= model.layers)
    values.fail(g + "dense_layers", "must be smaller than layers");
  if (model.top_k > model.routed_experts)
    values.fail(g + "top_k", "exceeds routed_experts");
  return model;
}

namespace {

const ParamSchema& moeModelSchema() {
  static const ParamSchema schema = presetSchema(declareMoeModelParams);
  return schema;
}
}  // namespace

MoeModel loadMoeModel(const std::string& path) {
  return moeModelFrom(readPresetFile(path, moeModelSchema()), "");
}

MoeModel parseMoeModel(const std::string& text, const std::string& source) {
  return moeModelFrom(readPresetText(text, source, moeModelSchema()), "");
}

std::vector<std::string> moeModelPresetNames() {
  return {"deepseek_v3", "deepseek_v2", "qwen3_235b_a22b", "dbrx", "mixtral_8x22b"};
}

}  // namespace spatialvp::moe
