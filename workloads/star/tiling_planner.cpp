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
    case PipelineStage::QProjection:
      return "q-proj";
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
  khat_shift_adds += other.khat_shift_adds;
  khat_rows += other.khat_rows;
  lzc += other.lzc;
  sorter_rounds += other.sorter_rounds;
  sorter_compares += other.sorter_compares;
  macs += other.macs;
  mac_rows += other.mac_rows;
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

namespace {

// Sorter rounds of one row over one tile of `keys` keys, and the formal stage's cycles on one
// lane for the same row and tile (q.k and p.v: 2 d MACs per kept key).
std::uint64_t sortRoundsPerRow(const TilingPlanInput& in, std::uint64_t keys) {
  const std::uint64_t target = selectionTarget(keys, in.keep_ratio);
  return sorterPasses(target, target, in.sorter.sorter_width) *
         sorterRoundsPerPass(keys, in.sorter.sorter_new_inputs);
}

std::uint64_t formalCyclesPerRow(const TilingPlanInput& in, std::uint64_t keys) {
  const std::uint64_t d = in.hidden_size / in.heads;
  const std::uint64_t macs = 2 * selectionTarget(keys, in.keep_ratio) * d;
  const std::uint64_t per_lane = std::max<std::size_t>(1, in.formal_macs_per_lane);
  return (macs + per_lane - 1) / per_lane;
}

std::size_t configuredTiles(const TilingPlanInput& in) {
  return in.tile_length > 0 ? (in.seq_len + in.tile_length - 1) / in.tile_length : in.tiles;
}

}  // namespace

bool sorterBoundsTile(const TilingPlanInput& in, std::size_t tiles) {
  const std::uint64_t keys = (in.seq_len + tiles - 1) / std::max<std::size_t>(1, tiles);
  return sortRoundsPerRow(in, keys) > formalCyclesPerRow(in, keys);
}

std::size_t chooseTileCount(const TilingPlanInput& in) {
  std::size_t tiles = std::max<std::size_t>(1, std::min(configuredTiles(in), in.seq_len));
  if (in.tiling == TilingPolicy::Fixed)
    return tiles;
  // Sort per row and tile ~ k Bc^2 / 48 against formal ~ k Bc d / 2: doubling Tc halves the
  // ratio, so a few doublings reach balance (or one key per tile).
  while (tiles < in.seq_len && sorterBoundsTile(in, tiles))
    tiles = std::min<std::size_t>(in.seq_len, 2 * tiles);
  return tiles;
}

StageWork qProjectionWork(const TilingPlanInput& in, std::size_t head, std::size_t block,
                          std::uint64_t rows) {
  const std::uint64_t H = in.hidden_size;
  const std::uint64_t d = in.hidden_size / in.heads;
  StageWork q;
  q.head = head;
  q.query_block = block;
  q.stage = PipelineStage::QProjection;
  q.rows = rows;
  q.ops.macs = rows * H * d;
  q.ops.mac_rows = rows;
  q.bytes.dram_read = rows * H * in.token_bytes + H * d * in.weight_bytes;
  q.bytes.sram_read = q.bytes.dram_read;
  q.bytes.sram_write = rows * d * in.activation_bytes;
  return q;
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
  const std::uint64_t H = in.hidden_size;
  const std::uint64_t d = in.hidden_size / in.heads;
  plan.head_dim = d;
  const auto bounds = segmentBounds(in.seq_len, chooseTileCount(in));
  plan.tiles = bounds.size();
  plan.tile_length = bounds.front().second - bounds.front().first;
  const std::size_t queries = in.queries == 0 ? in.seq_len : in.queries;
  plan.query_blocks = (queries + in.query_block - 1) / in.query_block;
  const bool later_blocks = plan.query_blocks > 1;
  const std::uint64_t act = in.activation_bytes;
  const std::uint64_t weights_16bit = 2 * H * d * in.weight_bytes;
  const std::uint64_t weight_codes = (H * d * in.lz_code_bits + 7) / 8;
  const bool cache = in.kv_policy == KvReusePolicy::CacheAcrossBlocks;

  for (std::size_t head = 0; head < in.heads; ++head) {
    for (std::size_t block = 0; block < plan.query_blocks; ++block) {
      const std::uint64_t rows =
          std::min<std::size_t>(in.query_block, queries - block * in.query_block);
      const bool first_block = block == 0;
      // The block's Q rows, before its first A-hat: the head's first block at its start; a later
      // block's while the previous block runs (issued after that block's first K/V job), so the
      // PE array projects the next queries while DLZS and SADS work through the current tiles.
      if (in.include_projections && first_block)
        plan.work.push_back(qProjectionWork(in, head, block, rows));
      for (std::size_t tile = 0; tile < plan.tiles; ++tile) {
        const std::uint64_t keys = bounds[tile].second - bounds[tile].first;
        const std::uint64_t target = selectionTarget(keys, in.keep_ratio);
        const std::uint64_t needed = static_cast<std::uint64_t>(
            std::ceil(in.kv_union_fraction * static_cast<double>(keys) - 1e-9));
        const std::uint64_t generated = !cache || first_block ? needed : 0;
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
        a.ops.shift_adds = rows * keys * d;  // A-hat
        a.bytes.sram_read = rows * d * act;
        a.bytes.sram_write = rows * keys * in.score_bytes;
        if (in.include_projections && first_block) {
          // K-hat = X_tile . W_k (LZ codes), once per head; spilled for the later blocks.
          a.ops.khat_shift_adds = keys * H * d;
          a.ops.khat_rows = keys;
          a.ops.shift_adds += a.ops.khat_shift_adds;
          a.bytes.dram_read = keys * H * in.token_bytes + (first_tile ? weight_codes : 0);
          a.bytes.dram_write = later_blocks ? keys * d * act : 0;
          a.bytes.sram_read += keys * H * in.token_bytes + weight_codes;
          a.bytes.sram_write += keys * d * act;
        } else {
          // The K-hat (layer) or K (attention part) tile, 16-bit, streamed from DRAM every
          // block: a head's keys exceed the on-chip buffers. In the attention part the Q block
          // comes with the first tile.
          a.bytes.dram_read =
              keys * d * act + (!in.include_projections && first_tile ? rows * d * act : 0);
          a.bytes.sram_read += keys * d * act;
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
          c.ops.mac_rows = generated;
          const bool generates = generated > 0;
          c.bytes.dram_read = (generates && first_tile ? weights_16bit : 0) +
                              (tile_in_sram ? 0 : generated * H * in.token_bytes);
          c.bytes.sram_read = generates ? generated * H * in.token_bytes + weights_16bit : 0;
          if (cache && later_blocks) {
            // Cached rows live in DRAM: written once, read back by every later block.
            c.bytes.dram_write = 2 * generated * d * act;
            if (!first_block)
              c.bytes.dram_read += 2 * needed * d * act;
          }
        } else {
          // The data fetcher loads the selected K and V rows the block needs.
          c.bytes.dram_read = 2 * needed * d * act;
        }
        c.bytes.sram_write = 2 * needed * d * act;

        StageWork dstage = base;
        dstage.stage = PipelineStage::SuFa;
        const OpCounts per_row = suFaTileOpCounts(target, d, in.order, true, first_tile);
        dstage.ops.formal.exp = per_row.exp * rows;
        dstage.ops.formal.mul = per_row.mul * rows;
        dstage.ops.formal.add = per_row.add * rows;
        dstage.ops.formal.cmp = per_row.cmp * rows;
        if (in.qk_on_kv_array && !in.include_projections) {
          // Q.K^T of the kept keys: d MACs per key and row, on the KV array's lines.
          const std::uint64_t qk = rows * target * d;
          c.ops.macs += qk;
          c.ops.mac_rows = rows;
          dstage.ops.formal.mul -= std::min(qk, dstage.ops.formal.mul);
          dstage.ops.formal.add -= std::min(qk, dstage.ops.formal.add);
        }
        dstage.bytes.sram_read = 2 * needed * d * act + rows * d * act;
        dstage.bytes.sram_write = rows * (d + 2) * act;
        plan.work.push_back(c);
        if (in.include_projections && tile == 0 && block + 1 < plan.query_blocks) {
          const std::uint64_t next_rows =
              std::min<std::size_t>(in.query_block, queries - (block + 1) * in.query_block);
          plan.work.push_back(qProjectionWork(in, head, block + 1, next_rows));
        }
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
