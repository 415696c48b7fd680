#pragma once
// MoE model description (sources W4.1) and its YAML preset loader. The numbers live only in
// platform/configs/presets/moe/*.yaml; this struct carries them and the derived sizes.
#include <string>
#include <vector>

#include "platform/core/param_schema.h"

namespace spatialvp::moe {

enum class AttentionType { kMla, kGqa };

struct MoeModel {
  std::string name;
  int layers = 0;
  int dense_layers = 0;  // leading dense layers; the MoE analysis skips them
  int hidden_size = 0;
  int routed_experts = 0;
  int shared_experts = 0;
  int top_k = 0;
  int expert_ffn_size = 0;
  AttentionType attention_type = AttentionType::kGqa;
  int attention_heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  int q_lora_rank = 0;  // MLA only (0 = no low-rank query)
  int kv_lora_rank = 0;
  int rope_head_dim = 0;
  int bytes_per_weight = 2;
  int bytes_per_activation = 2;

  int moeLayers() const { return layers - dense_layers; }
  // SwiGLU expert: gate, up and down matrices of hidden x ffn each.
  double expertWeightBytes() const;
  double expertFlopsPerToken() const;  // 2 FLOPs per MAC
  double tokenBytes() const;           // one hidden vector on the wire
  double dispatchBytesPerToken() const { return top_k * tokenBytes(); }
  // Attention projections of one layer (all heads), and the KV-cache bytes one token adds.
  double attentionWeightCount() const;
  double kvCacheBytesPerToken() const;
};

// The preset's keys under `group` ("" in the preset file itself, "model" as the MoE
// orchestrator's parameter group) and the model they give (errors located at the key).
void declareMoeModelParams(ParamSchema& schema, const std::string& group);
MoeModel moeModelFrom(const ParamValues& values, const std::string& group);

// Reads a flat preset (parameter -> value). Throws std::runtime_error naming the file and the
// missing or malformed key.
MoeModel loadMoeModel(const std::string& path);
// The same from the preset's text (e.g. an embedded config); `source` names it in errors.
MoeModel parseMoeModel(const std::string& text, const std::string& source);

// Preset names (file stems) shipped in platform/configs/presets/moe.
std::vector<std::string> moeModelPresetNames();

}  // namespace spatialvp::moe
