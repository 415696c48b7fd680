#include "workloads/moe/moe_model.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

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

namespace {

int readPositive(const YAML::Node& root, const std::string& path, const char* key,
                 bool allow_zero) {
  const YAML::Node node = root[key];
  if (!node) {
    throw std::runtime_error(path + ": missing key '" + key + "'");
  }
  int value = 0;
  try {
    value = node.as<int>();
  } catch (const YAML::Exception&) {
    throw std::runtime_error(path + ": key '" + key + "' must be an integer, got '" +
                             node.as<std::string>("?") + "'");
  }
  if (value < 0 || (value == 0 && !allow_zero)) {
    throw std::runtime_error(path + ": key '" + key + "' must be " +
                             (allow_zero ? "non-negative" : "positive"));
  }
  return value;
}

}  // namespace

namespace {
MoeModel modelFromYaml(const YAML::Node& root, const std::string& path);
}  // namespace

MoeModel loadMoeModel(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& error) {
    throw std::runtime_error(path + ": cannot read MoE preset: " + error.what());
  }
  return modelFromYaml(root, path);
}

MoeModel parseMoeModel(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw std::runtime_error(source + ": cannot read MoE preset: " + error.what());
  }
  return modelFromYaml(root, source);
}

namespace {
MoeModel modelFromYaml(const YAML::Node& root, const std::string& path) {
  if (!root.IsMap()) {
    throw std::runtime_error(path + ": a MoE preset is a flat map of parameter -> value");
  }
  MoeModel model;
  model.name = root["name"] ? root["name"].as<std::string>() : path;
  model.layers = readPositive(root, path, "layers", false);
  model.dense_layers = readPositive(root, path, "dense_layers", true);
  model.hidden_size = readPositive(root, path, "hidden_size", false);
  model.routed_experts = readPositive(root, path, "routed_experts", false);
  model.shared_experts = readPositive(root, path, "shared_experts", true);
  model.top_k = readPositive(root, path, "top_k", false);
  model.expert_ffn_size = readPositive(root, path, "expert_ffn_size", false);
  model.attention_heads = readPositive(root, path, "attention_heads", false);
  model.kv_heads = readPositive(root, path, "kv_heads", false);
  model.head_dim = readPositive(root, path, "head_dim", false);
  model.q_lora_rank = readPositive(root, path, "q_lora_rank", true);
  model.kv_lora_rank = readPositive(root, path, "kv_lora_rank", true);
  model.rope_head_dim = readPositive(root, path, "rope_head_dim", true);
  model.bytes_per_weight = readPositive(root, path, "bytes_per_weight", false);
  model.bytes_per_activation = readPositive(root, path, "bytes_per_activation", false);
  const std::string attention =
      root["attention_type"] ? root["attention_type"].as<std::string>() : std::string("(missing)");
  if (attention == "mla") {
    model.attention_type = AttentionType::kMla;
  } else if (attention == "gqa") {
    model.attention_type = AttentionType::kGqa;
  } else {
    throw std::runtime_error(path + ": attention_type must be 'mla' or 'gqa', got '" + attention +
                             "'");
  }
  if (model.dense_layers >= model.layers) {
    throw std::runtime_error(path + ": dense_layers must be smaller than layers");
  }
  if (model.top_k > model.routed_experts) {
    throw std::runtime_error(path + ": top_k exceeds routed_experts");
  }
  return model;
}
}  // namespace

std::vector<std::string> moeModelPresetNames() {
  return {"deepseek_v3", "deepseek_v2", "qwen3_235b_a22b", "dbrx", "mixtral_8x22b"};
}

std::string moeModelPresetPath(const std::string& source_dir, const std::string& preset) {
  return source_dir + "/platform/configs/presets/moe/" + preset + ".yaml";
}

}  // namespace spatialvp::moe
