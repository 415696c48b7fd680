#include "workloads/star/tiling_planner.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace spatialvp::star {

const char* pipelineStageName(PipelineStage stage) {
  switch (stage) {
    case PipelineStage::Dlzs:
      return "dlzs";
    case PipelineStage::Sads:
      return "sads";
    case PipelineStage::KvGeneration:
      return "kv-gen";
    case PipelineStage::SuFa:
      return "su-fa";
    case PipelineStage::Synchronize:
      return "sync";
  }
  return "?";
}

ByteCounts& ByteCounts::operator+=(const ByteCounts& other) {
  dram_read += other.dram_read;
  dram_write += other.dram_write;
  sram_read += other.sram_read;
  sram_write += other.sram_write;
  return *this;
}

StageOps& StageOps::operator+=(const StageOps& other) {
  shift_adds += other.shift_adds;
  lzc += other.lzc;
  sorter_rounds += other.sorter_rounds;
  sorter_compares += other.sorter_compares;
  macs += other.macs;
  formal += other.formal;
  return *this;
}

StageOps TilePlan::totalOps(PipelineStage stage) const {
  StageOps total;
  for (const auto& w : work) {
    if (w.stage == stage) {
      total += w.ops;
    }
  }
  return total;
}

ByteCounts TilePlan::totalBytes(PipelineStage stage) const {
  ByteCounts total;
  for (const auto& w : work) {
    if (w.stage == stage) {
      total += w.bytes;
    }
  }
  return total;
}

ByteCounts TilePlan::totalBytes() const {
  ByteCounts total;
  for (const auto& w : work) {
    total += w.bytes;
  }
  return total;
}

TilePlan planTiling(const TilingPlanInput& in) {
  if (in.seq_len == 0 || in.hidden_size == 0 || in.heads == 0 || in.query_block == 0) {
    throw std::invalid_argument("tiling plan: S, H, heads and T must be positive");
  }
  if (in.hidden_size % in.heads != 0) {
    throw std::invalid_argument("tiling plan: hidden size must be a multiple of the heads");
  }
  if (!(in.kv_union_fraction >= 0.0 && in.kv_union_fraction <= 1.0)) {
    throw std::invalid_argument("tiling plan: kv_union_fraction must be in [0, 1]");
  }
  TilePlan plan;
  const std::uint64_t S = in.seq_len;
  const std::uint64_t H = in.hidden_size;
  const std::uint64_t d = in.hidden_size / in.heads;
  plan.head_dim = d;
  const std::size_t tiles_wanted =
      in.tile_length > 0 ? (in.seq_len + in.tile_length - 1) / in.tile_length : in.tiles;
  const auto bounds = segmentBounds(in.seq_len, tiles_wanted);
  plan.tiles = bounds.size();
  plan.tile_length = bounds.front().second - bounds.front().first;
  const std::size_t queries = in.queries == 0 ? in.seq_len : in.queries;
  plan.query_blocks = (queries + in.query_block - 1) / in.query_block;
  const std::uint64_t act = in.activation_bytes;
  const std::uint64_t weights_16bit = 2 * H * d * in.weight_bytes;
  const std::uint64_t weight_codes = (H * d * in.lz_code_bits + 7) / 8;
  (void)S;

  for (std::size_t head = 0; head < in.heads; ++head) {
    for (std::size_t block = 0; block < plan.query_blocks; ++block) {
      const std::uint64_t rows =
          std::min<std::size_t>(in.query_block, queries - block * in.query_block);
      for (std::size_t tile = 0; tile < plan.tiles; ++tile) {
        const std::uint64_t keys = bounds[tile].second - bounds[tile].first;
        const std::uint64_t target = selectionTarget(keys, in.keep_ratio);
        const std::uint64_t needed = static_cast<std::uint64_t>(
            std::ceil(in.kv_union_fraction * static_cast<double>(keys) - 1e-9));
        const std::uint64_t generated =
            in.kv_policy == KvReusePolicy::RegeneratePerBlock || block == 0 ? needed : 0;
        const bool first_tile = tile == 0;
        const bool tile_in_sram = keys * H * in.token_bytes <= in.token_sram_bytes;
        StageWork base;
        base.head = head;
        base.query_block = block;
        base.tile = tile;
        base.rows = rows;
        base.keys = keys;

        StageWork a = base;
        a.stage = PipelineStage::Dlzs;
        if (in.include_projections) {
          a.ops.shift_adds = keys * H * d + rows * keys * d;
          a.bytes.dram_read = keys * H * in.token_bytes + (first_tile ? weight_codes : 0);
          a.bytes.sram_read = keys * H * in.token_bytes + weight_codes + rows * d * act;
          a.bytes.sram_write = keys * d * act + rows * keys * in.score_bytes;
        } else {
          // The K tile (16-bit) is streamed from DRAM every block: it exceeds the token SRAM.
          a.ops.shift_adds = rows * keys * d;
          a.bytes.dram_read = keys * d * act + (first_tile ? rows * d * act : 0);
          a.bytes.sram_read = keys * d * act + rows * d * act;
          a.bytes.sram_write = rows * keys * in.score_bytes;
        }
        a.ops.lzc = first_tile ? rows * d : 0;
        plan.work.push_back(a);

        StageWork b = base;
        b.stage = PipelineStage::Sads;
        const std::uint64_t passes = sorterPasses(target, target, in.sorter.sorter_width);
        b.ops.sorter_rounds =
            rows * passes * sorterRoundsPerPass(keys, in.sorter.sorter_new_inputs);
        b.ops.sorter_compares = b.ops.sorter_rounds * in.sorter.comparators_per_round;
        b.bytes.sram_read = rows * keys * in.score_bytes * passes;
        b.bytes.sram_write = rows * target * in.index_bytes;
        plan.work.push_back(b);

        StageWork c = base;
        c.stage = PipelineStage::KvGeneration;
        if (in.include_projections) {
          c.ops.macs = 2 * generated * H * d;
          c.bytes.dram_read = (first_tile ? weights_16bit : 0) +
                              (tile_in_sram ? 0 : generated * H * in.token_bytes);
          c.bytes.sram_read = generated > 0 ? generated * H * in.token_bytes + weights_16bit : 0;
        } else {
          // The data fetcher loads the selected K and V rows the block needs.
          c.bytes.dram_read = 2 * needed * d * act;
        }
        c.bytes.sram_write = 2 * (in.include_projections ? generated : needed) * d * act;
        plan.work.push_back(c);

        StageWork dstage = base;
        dstage.stage = PipelineStage::SuFa;
        const OpCounts per_row = suFaTileOpCounts(target, d, in.order, true, first_tile);
        dstage.ops.formal.exp = per_row.exp * rows;
        dstage.ops.formal.mul = per_row.mul * rows;
        dstage.ops.formal.add = per_row.add * rows;
        dstage.ops.formal.cmp = per_row.cmp * rows;
        dstage.bytes.sram_read = 2 * needed * d * act + rows * d * act;
        dstage.bytes.sram_write = rows * (d + 2) * act;
        plan.work.push_back(dstage);
      }
      StageWork e;
      e.head = head;
      e.query_block = block;
      e.tile = plan.tiles - 1;
      e.stage = PipelineStage::Synchronize;
      e.rows = rows;
      const OpCounts merge = suFaMergeOpCounts(plan.tiles, d, in.order);
      e.ops.formal.exp = merge.exp * rows;
      e.ops.formal.mul = merge.mul * rows;
      e.ops.formal.add = merge.add * rows;
      e.ops.formal.cmp = merge.cmp * rows;
      e.ops.formal.div = merge.div * rows;
      e.bytes.sram_read = rows * plan.tiles * (d + 2) * act;
      e.bytes.dram_write = rows * d * act;
      plan.work.push_back(e);
    }
  }
  return plan;
}

}  // namespace spatialvp::star
