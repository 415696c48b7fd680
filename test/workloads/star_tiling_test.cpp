#include <catch2/catch.hpp>

#include "workloads/star/tiling_planner.h"

using namespace spatialvp::star;

TEST_CASE("star: Tiling plan covers every key once per block, with S not divisible by Tc",
          "[star][tiling]") {
  TilingPlanInput in;
  in.seq_len = 1000;
  in.hidden_size = 256;
  in.heads = 4;  // d = 64
  in.query_block = 128;
  in.tiles = 3;  // Bc = 334, last tile 332
  in.keep_ratio = 0.25;
  const TilePlan plan = planTiling(in);
  CHECK(plan.head_dim == 64);
  CHECK(plan.tiles == 3);
  CHECK(plan.tile_length == 334);
  CHECK(plan.query_blocks == 8);  // 7 full blocks + 104 queries
  CHECK(plan.work.size() == 4 * 8 * (3 * 4 + 1));
  std::size_t keys_block0 = 0;
  std::size_t rows_total = 0;
  for (const auto& w : plan.work) {
    if (w.head == 0 && w.query_block == 0 && w.stage == PipelineStage::Dlzs) {
      keys_block0 += w.keys;
    }
    if (w.head == 0 && w.stage == PipelineStage::Synchronize) {
      rows_total += w.rows;
    }
  }
  CHECK(keys_block0 == 1000);
  CHECK(rows_total == 1000);
  // DLZS shift-adds: K-hat S x H x d plus A-hat queries x S x d, per head and block.
  const StageOps dlzs = plan.totalOps(PipelineStage::Dlzs);
  CHECK(dlzs.shift_adds == 4u * (8u * 1000u * 256u * 64u + 1000u * 1000u * 64u));
  // O written once: queries x d x 2 bytes per head; nothing else writes DRAM.
  CHECK(plan.totalBytes().dram_write == 4u * 1000u * 64u * 2u);
  // With caching, K/V rows are generated in the first block only: 2 x S x H x d MACs.
  CHECK(plan.totalOps(PipelineStage::KvGeneration).macs == 4u * 2u * 1000u * 256u * 64u);
  in.kv_policy = KvReusePolicy::RegeneratePerBlock;
  in.kv_union_fraction = 0.5;
  const TilePlan regen = planTiling(in);
  CHECK(regen.totalOps(PipelineStage::KvGeneration).macs ==
        4u * 8u * 2u * (167u + 167u + 166u) * 256u * 64u);
}

TEST_CASE("star: Tiling plan sorter and SU-FA counts follow k and Bc", "[star][tiling]") {
  TilingPlanInput in;
  in.seq_len = 1024;
  in.hidden_size = 64;
  in.heads = 1;
  in.tile_length = 256;
  in.queries = 128;
  const TilePlan plan = planTiling(in);
  REQUIRE(plan.tiles == 4);
  // 64 winners per tile: 16 passes x ceil(256/12) = 22 rounds, 128 rows, 4 tiles.
  CHECK(plan.totalOps(PipelineStage::Sads).sorter_rounds == 128u * 4u * 16u * 22u);
  const OpCounts row = suFaRowOpCounts({64, 64, 64, 64}, 64, SuFaOrder::Descending, true);
  OpCounts planned = plan.totalOps(PipelineStage::SuFa).formal;
  planned += plan.totalOps(PipelineStage::Synchronize).formal;
  CHECK(planned.exp == 128 * row.exp);
  CHECK(planned.mul == 128 * row.mul);
  CHECK(planned.div == 128 * row.div);
  in.keep_ratio = 0.5;
  CHECK(planTiling(in).totalOps(PipelineStage::Sads).sorter_rounds == 128u * 4u * 32u * 22u);
}

TEST_CASE("star: the attention-part scope drops the projections but keeps attention work",
          "[star][tiling]") {
  spatialvp::star::TilingPlanInput with;
  with.seq_len = 512;
  with.hidden_size = 256;
  with.heads = 4;
  with.query_block = 64;
  with.tiles = 4;
  spatialvp::star::TilingPlanInput without = with;
  without.include_projections = false;
  const auto full = spatialvp::star::planTiling(with);
  const auto part = spatialvp::star::planTiling(without);
  using spatialvp::star::PipelineStage;
  CHECK(part.totalOps(PipelineStage::KvGeneration).macs == 0);
  CHECK(full.totalOps(PipelineStage::KvGeneration).macs > 0);
  // A-hat prediction (rows x keys x d per tile) remains; the K-hat projection (keys x H x d) goes.
  const std::uint64_t ahat_terms = 512ULL * 512 * (256 / 4) * 4;
  CHECK(part.totalOps(PipelineStage::Dlzs).shift_adds == ahat_terms);
  CHECK(full.totalOps(PipelineStage::Dlzs).shift_adds > ahat_terms);
  CHECK(part.totalOps(PipelineStage::SuFa).formal == full.totalOps(PipelineStage::SuFa).formal);
  CHECK(part.totalOps(PipelineStage::Sads).sorter_rounds ==
        full.totalOps(PipelineStage::Sads).sorter_rounds);
  CHECK(part.totalBytes(PipelineStage::KvGeneration).dram_read > 0);  // K/V rows are fetched
}
