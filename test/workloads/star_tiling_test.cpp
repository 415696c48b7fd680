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
  CHECK(plan.query_blocks == 8);                       // 7 full blocks + 104 queries
  CHECK(plan.work.size() == 4 * 8 * (3 * 4 + 1 + 1));  // tiles x stages + sync + Q projection
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
  // DLZS shift-adds per head: K-hat S x H x d once, plus A-hat queries x S x d.
  const StageOps dlzs = plan.totalOps(PipelineStage::Dlzs);
  CHECK(dlzs.shift_adds == 4u * (1000u * 256u * 64u + 1000u * 1000u * 64u));
  CHECK(dlzs.khat_shift_adds == 4u * 1000u * 256u * 64u);
  CHECK(dlzs.khat_rows == 4u * 1000u);
  // O written once (queries x d x 2 B per head); K-hat (S x d x 2 B) and the cached K/V rows
  // (2 x S x d x 2 B at u = 1) spill once per head for the later blocks.
  CHECK(plan.totalBytes(PipelineStage::Synchronize).dram_write == 4u * 1000u * 64u * 2u);
  CHECK(plan.totalBytes().dram_write == 4u * (1000u * 64u * 2u) * 4u);
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

TEST_CASE("star: the layer scope costs each projection once, as a hand count", "[star][tiling]") {
  // One head group of a small layer: S = 512 keys and queries, H = 256, 4 heads (d = 64),
  // T = 128 (4 blocks), Tc = 4 (Bc = 128), u = 0.25 (32 rows of each tile kept).
  TilingPlanInput in;
  in.seq_len = 512;
  in.hidden_size = 256;
  in.heads = 4;
  in.query_block = 128;
  in.tiles = 4;
  in.keep_ratio = 0.125;
  in.kv_union_fraction = 0.25;
  const std::uint64_t S = 512, H = 256, d = 64, heads = 4, blocks = 4, u_rows = 32, tiles = 4;
  const TilePlan plan = planTiling(in);
  // Q: every query row once (S x H x d), on the exact PE array, one job per block.
  const StageOps q = plan.totalOps(PipelineStage::QProjection);
  CHECK(q.macs == heads * S * H * d);
  CHECK(q.mac_rows == heads * S);
  // K-hat: every key once per head (S x H x d shift-adds), A-hat for every query and key.
  const StageOps dlzs = plan.totalOps(PipelineStage::Dlzs);
  CHECK(dlzs.khat_shift_adds == heads * S * H * d);
  CHECK(dlzs.shift_adds == heads * (S * H * d + S * S * d));
  // K and V: the kept rows of each tile, once per head (cache policy).
  const StageOps kv = plan.totalOps(PipelineStage::KvGeneration);
  CHECK(kv.macs == heads * 2 * tiles * u_rows * H * d);
  CHECK(kv.mac_rows == heads * tiles * u_rows);
  // DRAM: per head, X for K-hat (S x H int8) and W_k codes once; K-hat written once and read by
  // the 3 later blocks; Q's X rows and W_q per block; W_k, W_v once; K/V rows written once and
  // read by the later blocks; O.
  const std::uint64_t per_head_read = S * H + H * d / 2 + (blocks - 1) * S * d * 2 +
                                      blocks * H * d * 2 + S * H + 2 * H * d * 2 +
                                      (blocks - 1) * 2 * tiles * u_rows * d * 2;
  CHECK(plan.totalBytes().dram_read == heads * per_head_read);
  CHECK(plan.totalBytes().dram_write ==
        heads * (S * d * 2 + 2 * tiles * u_rows * d * 2 + S * d * 2));
  // Regenerating instead: every block generates its kept rows and nothing spills.
  in.kv_policy = KvReusePolicy::RegeneratePerBlock;
  const TilePlan regen = planTiling(in);
  CHECK(regen.totalOps(PipelineStage::KvGeneration).macs == blocks * kv.macs);
  CHECK(regen.totalBytes(PipelineStage::KvGeneration).dram_write == 0);
}

TEST_CASE("star: balanced tiling keeps the sorter from bounding the pipeline at long S",
          "[star][tiling]") {
  TilingPlanInput in;
  in.hidden_size = 128;
  in.heads = 1;  // d = 128
  in.queries = 128;
  in.keep_ratio = 0.074;
  in.include_projections = false;
  in.tiles = 4;
  auto sortRounds = [&](std::size_t seq, TilingPolicy policy) {
    TilingPlanInput at = in;
    at.seq_len = seq;
    at.tiling = policy;
    return static_cast<double>(planTiling(at).totalOps(PipelineStage::Sads).sorter_rounds);
  };
  // At S = 4K, Tc = 4 (Bc = 1K) already leaves the sort shorter than the formal stage.
  in.seq_len = 4096;
  in.tiling = TilingPolicy::Balanced;
  CHECK(chooseTileCount(in) == 4);
  CHECK_FALSE(sorterBoundsTile(in, 4));
  // At S = 64K, Tc = 4 makes Bc = 16K and the sort ~5x the formal stage; balanced doubles Tc
  // until it is not (Bc <= ~24 d).
  in.seq_len = 65536;
  CHECK(sorterBoundsTile(in, 4));
  const std::size_t balanced = chooseTileCount(in);
  CHECK(balanced > 4);
  CHECK_FALSE(sorterBoundsTile(in, balanced));
  CHECK(sorterBoundsTile(in, balanced / 2));
  in.tiling = TilingPolicy::Fixed;
  CHECK(chooseTileCount(in) == 4);
  // Per query row the sort grows with S^2 at a fixed Tc (S^3 for the layer) but with S at a
  // balanced tiling once Bc stops growing: doubling S from 32K to 64K.
  const double fixed_growth =
      sortRounds(65536, TilingPolicy::Fixed) / sortRounds(32768, TilingPolicy::Fixed);
  const double balanced_growth =
      sortRounds(65536, TilingPolicy::Balanced) / sortRounds(32768, TilingPolicy::Balanced);
  CHECK(fixed_growth == Approx(4.0).epsilon(0.05));
  CHECK(balanced_growth == Approx(2.0).epsilon(0.05));
}

TEST_CASE("star: the Q.K^T-on-KV-array what-if moves SA-1's MACs and keeps the total",
          "[star][tiling]") {
  TilingPlanInput in;
  in.seq_len = 1024;
  in.hidden_size = 512;
  in.heads = 4;  // d = 128
  in.keep_ratio = 0.074;
  in.include_projections = false;
  const TilePlan base = planTiling(in);
  in.qk_on_kv_array = true;
  const TilePlan moved = planTiling(in);
  const std::uint64_t base_mul = base.totalOps(PipelineStage::SuFa).formal.mul;
  const std::uint64_t kv = moved.totalOps(PipelineStage::KvGeneration).macs;
  CHECK(base.totalOps(PipelineStage::KvGeneration).macs == 0);
  // Q.K^T: d MACs per kept key (ceil(0.074 x 256) = 19 per tile) and query row.
  CHECK(kv == 4u * 1024u * 4u * 19u * 128u);
  CHECK(moved.totalOps(PipelineStage::SuFa).formal.mul + kv == base_mul);
  CHECK(moved.totalOps(PipelineStage::SuFa).formal.exp ==
        base.totalOps(PipelineStage::SuFa).formal.exp);
  // With the projections the KV array is busy generating K and V: the what-if does not apply.
  in.include_projections = true;
  in.qk_on_kv_array = false;
  const TilePlan layer = planTiling(in);
  in.qk_on_kv_array = true;
  CHECK(planTiling(in).totalOps(PipelineStage::KvGeneration).macs ==
        layer.totalOps(PipelineStage::KvGeneration).macs);
}
