#include "workloads/attention/attention_preset_loader.h"

#include "platform/core/preset_file.h"
#include "workloads/attention/invalid_field_error.h"

namespace spatialvp::workloads {
namespace {

std::string prefixOf(const std::string& group) {
  return group.empty() ? "" : group + ".";
}

std::uint64_t count(const ParamValues& values, const std::string& key) {
  return static_cast<std::uint64_t>(values.integer(key));
}

std::vector<std::uint64_t> counts(const ParamValues& values, const std::string& key) {
  std::vector<std::uint64_t> list;
  for (const std::int64_t value : values.integers(key))
    list.push_back(static_cast<std::uint64_t>(value));
  return list;
}

// Turns a semantic check on the assembled struct into an error at the preset key behind it.
template <typename Check>
void checkAt(const ParamValues& values, const std::string& group, Check check) {
  try {
    check();
  } catch (const InvalidFieldError& error) {
    values.fail(prefixOf(group) + error.field(), error.reason());
  }
}

const ParamSchema& workloadSchema() {
  static const ParamSchema schema = presetSchema(declareAttentionWorkloadParams);
  return schema;
}

const ParamSchema& operatingPointSchema() {
  static const ParamSchema schema = presetSchema(declareOperatingPointParams);
  return schema;
}

}  // namespace

void declareAttentionWorkloadParams(ParamSchema& schema, const std::string& group) {
  const std::string g = prefixOf(group);
  schema.string(g + "model", "Model name");
  schema.integer(g + "layers", "Attention layers").atLeast(1);
  schema.integer(g + "hidden_size", "H: width of the token embeddings").atLeast(1);
  schema.integer(g + "heads", "A: attention heads").atLeast(1);
  schema.integer(g + "seq_len", "S: keys each query attends to").atLeast(1);
  // Optional keys: their defaults are the struct's, applied only when written.
  schema.integer(g + "head_dim", "d: head dimension (default hidden_size / heads)")
      .byDefault("1")
      .atLeast(1);
  schema.integer(g + "batch", "Sequences").byDefault("1").atLeast(1);
  schema.integer(g + "queries", "Query rows per sequence (default: seq_len)")
      .byDefault("1")
      .atLeast(1);
  schema.integer(g + "query_block", "T: queries processed in parallel").byDefault("128").atLeast(1);
  schema.integerList(g + "tiles", "Tc per layer (one value = every layer)")
      .byDefault("[]")
      .atLeast(1)
      .orOneValue();
  schema
      .integerList(g + "tile_length", "Bc per layer; when written, wins over tiles (a preset's Tc)")
      .byDefault("[]")
      .atLeast(1)
      .orOneValue();
  schema.realList(g + "keep_ratio", "Top-k keep ratio per layer (one value = every layer)")
      .byDefault("[]")
      .orOneValue();
  schema.real(g + "kv_union_fraction", "Fraction of K/V rows generated exactly").byDefault("1");
  schema
      .enumeration(g + "hf_attention", {"bert", "gpt2", "llama", "bloom", "vit"},
                   "HuggingFace attention module of the eager A100 baseline")
      .byDefault("llama");
}

AttentionWorkload attentionWorkloadFrom(const ParamValues& values, const std::string& group) {
  const std::string g = prefixOf(group);
  auto written = [&](const char* key) { return !values.isDefault(g + key); };
  AttentionWorkload workload;
  workload.model = values.string(g + "model");
  workload.layers = count(values, g + "layers");
  workload.hidden_size = count(values, g + "hidden_size");
  workload.heads = count(values, g + "heads");
  if (written("head_dim")) {
    workload.head_dim = count(values, g + "head_dim");
  } else if (workload.heads > 0 && workload.hidden_size % workload.heads == 0) {
    workload.head_dim = workload.hidden_size / workload.heads;
  } else {
    values.fail(g + "heads", "must divide hidden_size (or write head_dim)");
  }
  workload.seq_len = count(values, g + "seq_len");
  if (written("batch"))
    workload.batch = count(values, g + "batch");
  if (written("queries"))
    workload.queries = count(values, g + "queries");
  if (written("query_block"))
    workload.query_block = count(values, g + "query_block");
  if (written("tiles"))
    workload.tiles = counts(values, g + "tiles");
  if (written("tile_length"))
    workload.tile_length = counts(values, g + "tile_length");
  if (written("keep_ratio"))
    workload.keep_ratio = values.numbers(g + "keep_ratio");
  if (written("kv_union_fraction"))
    workload.kv_union_fraction = values.real(g + "kv_union_fraction");
  if (written("hf_attention"))
    workload.hf_attention = values.string(g + "hf_attention");
  checkAt(values, group, [&] { workload.validate(); });
  return workload;
}

void declareOperatingPointParams(ParamSchema& schema, const std::string& group) {
  const std::string g = prefixOf(group);
  schema.string(g + "name", "Operating point name");
  schema.real(g + "accuracy_loss_percent", "Accuracy loss of the point, in percent");
  schema.real(g + "attention_remaining", "1 - attention-only compute reduction");
  schema.real(g + "attention_qkv_remaining", "1 - (attention + QKV) compute reduction");
  schema.real(g + "attention_share", "Dense attention / (attention + QKV) of the benchmark mix");
  schema.real(g + "keep_ratio", "k: kept fraction of query-key pairs");
  schema.real(g + "kv_union_fraction", "u: fraction of K/V rows generated exactly");
}

OperatingPoint operatingPointFrom(const ParamValues& values, const std::string& group) {
  const std::string g = prefixOf(group);
  OperatingPoint point;
  point.name = values.string(g + "name");
  point.accuracy_loss_percent = values.real(g + "accuracy_loss_percent");
  point.attention_remaining = values.real(g + "attention_remaining");
  point.attention_qkv_remaining = values.real(g + "attention_qkv_remaining");
  point.attention_share = values.real(g + "attention_share");
  point.keep_ratio = values.real(g + "keep_ratio");
  point.kv_union_fraction = values.real(g + "kv_union_fraction");
  checkAt(values, group, [&] { point.validate(); });
  return point;
}

AttentionWorkload parseAttentionWorkload(const std::string& text, const std::string& source) {
  return attentionWorkloadFrom(readPresetText(text, source, workloadSchema()), "");
}

AttentionWorkload loadAttentionWorkload(const std::string& path) {
  return attentionWorkloadFrom(readPresetFile(path, workloadSchema()), "");
}

OperatingPoint parseOperatingPoint(const std::string& text, const std::string& source) {
  return operatingPointFrom(readPresetText(text, source, operatingPointSchema()), "");
}

OperatingPoint loadOperatingPoint(const std::string& path) {
  return operatingPointFrom(readPresetFile(path, operatingPointSchema()), "");
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
