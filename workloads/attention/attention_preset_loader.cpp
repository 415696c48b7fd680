#include "workloads/attention/attention_preset_loader.h"

#include <vector>

#include "workloads/attention/flat_yaml_map.h"
#include "workloads/attention/invalid_field_error.h"
#include "workloads/baselines/a100_eager.h"

namespace spatialvp::workloads {
namespace {

const std::vector<std::string>& workloadKeys() {
  static const std::vector<std::string> keys = {
      "model",       "layers",     "hidden_size",       "heads",       "head_dim",
      "seq_len",     "batch",      "queries",           "query_block", "tiles",
      "tile_length", "keep_ratio", "kv_union_fraction", "hf_attention"};
  return keys;
}

const std::vector<std::string>& operatingPointKeys() {
  static const std::vector<std::string> keys = {"name",
                                                "accuracy_loss_percent",
                                                "attention_remaining",
                                                "attention_qkv_remaining",
                                                "attention_share",
                                                "keep_ratio",
                                                "kv_union_fraction"};
  return keys;
}

std::uint64_t positiveCount(const FlatYamlMap& map, const std::string& key) {
  const std::uint64_t value = map.requireCount(key);
  if (value == 0)
    map.fail(key, "must be positive");
  return value;
}

// Turns a semantic check on the assembled struct into an error at the preset key behind it.
template <typename Check>
void checkAt(const FlatYamlMap& map, Check check) {
  try {
    check();
  } catch (const InvalidFieldError& error) {
    map.fail(error.field(), error.reason());
  }
}

AttentionWorkload fromMap(const FlatYamlMap& map) {
  AttentionWorkload workload;
  workload.model = map.requireString("model");
  workload.layers = positiveCount(map, "layers");
  workload.hidden_size = positiveCount(map, "hidden_size");
  workload.heads = positiveCount(map, "heads");
  workload.head_dim = positiveCount(map, "head_dim");
  workload.seq_len = positiveCount(map, "seq_len");
  if (map.has("batch"))
    workload.batch = positiveCount(map, "batch");
  if (map.has("queries"))
    workload.queries = positiveCount(map, "queries");
  if (map.has("query_block"))
    workload.query_block = positiveCount(map, "query_block");
  if (map.has("tiles") && map.has("tile_length")) {
    map.fail("tile_length", "give either tiles (Tc) or tile_length (Bc), not both");
  }
  if (map.has("tiles"))
    workload.tiles = map.countList("tiles");
  if (map.has("tile_length"))
    workload.tile_length = map.countList("tile_length");
  if (map.has("keep_ratio"))
    workload.keep_ratio = map.numberList("keep_ratio");
  if (map.has("kv_union_fraction")) {
    workload.kv_union_fraction = map.requireNumber("kv_union_fraction");
  }
  if (map.has("hf_attention")) {
    workload.hf_attention = map.requireString("hf_attention");
    try {
      parseHfAttentionModule(workload.hf_attention);
    } catch (const std::invalid_argument& error) {
      map.fail("hf_attention", error.what());
    }
  }
  checkAt(map, [&] { workload.validate(); });
  return workload;
}

OperatingPoint operatingPointFromMap(const FlatYamlMap& map) {
  OperatingPoint point;
  point.name = map.requireString("name");
  point.accuracy_loss_percent = map.requireNumber("accuracy_loss_percent");
  point.attention_remaining = map.requireNumber("attention_remaining");
  point.attention_qkv_remaining = map.requireNumber("attention_qkv_remaining");
  point.attention_share = map.requireNumber("attention_share");
  point.keep_ratio = map.requireNumber("keep_ratio");
  point.kv_union_fraction = map.requireNumber("kv_union_fraction");
  checkAt(map, [&] { point.validate(); });
  return point;
}

}  // namespace

AttentionWorkload parseAttentionWorkload(const std::string& text, const std::string& source) {
  return fromMap(FlatYamlMap(text, source, workloadKeys()));
}

AttentionWorkload loadAttentionWorkload(const std::string& path) {
  return fromMap(FlatYamlMap::fromFile(path, workloadKeys()));
}

OperatingPoint parseOperatingPoint(const std::string& text, const std::string& source) {
  return operatingPointFromMap(FlatYamlMap(text, source, operatingPointKeys()));
}

OperatingPoint loadOperatingPoint(const std::string& path) {
  return operatingPointFromMap(FlatYamlMap::fromFile(path, operatingPointKeys()));
}

void applyOverrides(const AttentionWorkloadOverrides& overrides, AttentionWorkload& workload) {
  if (overrides.seq_len)
    workload.seq_len = *overrides.seq_len;
  if (overrides.heads)
    workload.heads = *overrides.heads;
  if (overrides.head_dim)
    workload.head_dim = *overrides.head_dim;
  if (overrides.batch)
    workload.batch = *overrides.batch;
  if (overrides.queries)
    workload.queries = *overrides.queries;
  if (overrides.layers)
    workload.layers = *overrides.layers;
  workload.validate();
}

}  // namespace spatialvp::workloads
