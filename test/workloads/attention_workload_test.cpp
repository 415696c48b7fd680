// Dense-equivalent op counts, tiling helpers and validation of AttentionWorkload.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "workloads/attention/attention_workload.h"
#include "workloads/attention/invalid_field_error.h"
#include "workloads/attention/operating_point.h"

namespace {

using spatialvp::workloads::AttentionWorkload;

AttentionWorkload llama7b() {
  AttentionWorkload workload;
  workload.model = "llama_7b";
  workload.layers = 32;
  workload.hidden_size = 4096;
  workload.heads = 32;
  workload.head_dim = 128;
  workload.seq_len = 4096;
  return workload;
}

}  // namespace

TEST_CASE("workload: Llama-7B attention layer is SOFA Table II's 137 G at S=4096") {
  const AttentionWorkload workload = llama7b();
  // 2 S^2 H MACs: QK^T and SV, batch 1, one layer, every query scores every key.
  CHECK(workload.denseAttentionMacsPerLayer() == 137438953472ull);
  CHECK(static_cast<double>(workload.denseAttentionMacsPerLayer()) / 1e9 ==
        Approx(137.0).epsilon(0.005));
  CHECK(workload.denseAttentionOpsPerLayer() == 2 * 137438953472ull);
  // FlashAttention-2's forward FLOP formula 4 S^2 d A is the same count.
  CHECK(workload.denseAttentionOpsPerLayer() == 4ull * 4096 * 4096 * 128 * 32);
}

TEST_CASE("workload: ops over sources S3.5 throughput give the Table II 45 ms latency") {
  // Table II normalises SOFA to 128 multipliers: 24,423 GOPS / 4 (sources S3.5).
  const double normalised_ops_per_s = 24423e9 / 4.0;
  const double latency_s =
      static_cast<double>(llama7b().denseAttentionOpsPerLayer()) / normalised_ops_per_s;
  CHECK(latency_s == Approx(45e-3).epsilon(0.01));
  // FACT's unscaled 928 GOPS gives the 296 ms of the text.
  CHECK(static_cast<double>(llama7b().denseAttentionOpsPerLayer()) / 928e9 ==
        Approx(296e-3).epsilon(0.01));
}

TEST_CASE("workload: op counts scale with S squared, batch, layers and queries") {
  AttentionWorkload workload = llama7b();
  const std::uint64_t base = workload.denseAttentionOpsPerLayer();
  CHECK(workload.denseAttentionOps() == 32 * base);
  workload.seq_len = 8192;
  CHECK(workload.denseAttentionOpsPerLayer() == 4 * base);
  workload.seq_len = 4096;
  workload.batch = 3;
  CHECK(workload.denseAttentionOpsPerLayer() == 3 * base);
  workload.batch = 1;
  workload.queries = 128;  // one query block against 4096 keys
  CHECK(workload.denseAttentionOpsPerLayer() == base / 32);
  CHECK(workload.queryBlocks() == 1);
}

TEST_CASE("workload: QKV projection MACs are (Q + 2S) x H x A d") {
  AttentionWorkload workload = llama7b();
  CHECK(workload.qkvProjectionMacsPerLayer() == 3ull * 4096 * 4096 * 4096);
  CHECK(workload.qkvProjectionOpsPerLayer() == 2 * workload.qkvProjectionMacsPerLayer());
  workload.queries = 1;  // decode-like: one new query, all keys projected
  CHECK(workload.qkvProjectionMacsPerLayer() == (1ull + 2 * 4096) * 4096 * 4096);
}

TEST_CASE("workload: Tc and Bc per layer, one entry or one per layer") {
  AttentionWorkload workload = llama7b();
  CHECK(workload.tilesForLayer(31) == 4);
  CHECK(workload.tileLengthForLayer(0) == 1024);
  workload.tiles.assign(32, 8);
  workload.tiles[5] = 16;
  workload.validate();
  CHECK(workload.tilesForLayer(5) == 16);
  CHECK(workload.tileLengthForLayer(5) == 256);
  workload.tile_length = {1000};  // Bc wins over Tc; Tc rounds up
  workload.validate();
  CHECK(workload.tilesForLayer(5) == 5);
  CHECK(workload.tileLengthForLayer(0) == 1000);
  workload.tile_length = {1000, 2000};  // neither 1 nor 32 entries
  CHECK_THROWS_AS(workload.validate(), spatialvp::workloads::InvalidFieldError);
}

TEST_CASE("workload: kept ops follow each layer's keep ratio") {
  AttentionWorkload workload = llama7b();
  workload.layers = 2;
  workload.keep_ratio = {0.5, 0.25};
  workload.tiles = {4};
  const double per_layer = static_cast<double>(workload.denseAttentionOpsPerLayer());
  CHECK(workload.keptAttentionOps() == Approx(0.75 * per_layer));
  spatialvp::workloads::OperatingPoint point;
  point.keep_ratio = 0.074;
  point.kv_union_fraction = 0.1;
  spatialvp::workloads::applyOperatingPoint(point, workload);
  CHECK(workload.keptAttentionOps() == Approx(2 * 0.074 * per_layer));
  CHECK(workload.kv_union_fraction == 0.1);
}

TEST_CASE("workload: validation names the bad field") {
  AttentionWorkload workload = llama7b();
  workload.validate();
  workload.heads = 0;
  try {
    workload.validate();
    FAIL("expected an error");
  } catch (const spatialvp::workloads::InvalidFieldError& error) {
    CHECK(error.field() == "heads");
  }
  workload = llama7b();
  workload.keep_ratio = {1.5};
  CHECK_THROWS_WITH(workload.validate(), Catch::Contains("keep_ratio"));
  workload = llama7b();
  workload.tiles = {8192};  // more tiles than keys
  CHECK_THROWS_WITH(workload.validate(), Catch::Contains("tiles"));
}
