#include "workloads/star/vanilla_planner.h"

#include <algorithm>
#include <stdexcept>

namespace spatialvp::star {

TilePlan planVanillaDynamicSparsity(const TilingPlanInput& in) {
  if (in.seq_len == 0 || in.hidden_size == 0 || in.heads == 0 || in.query_block == 0 ||
      in.hidden_size % in.heads != 0) {
    throw std::invalid_argument("vanilla plan: S, H, heads and T must be positive, heads | H");
  }
  TilePlan plan;
  const std::uint64_t S = in.seq_len;
  const std::uint64_t H = in.hidden_size;
  const std::uint64_t d = H / in.heads;
  const std::uint64_t act = in.activation_bytes;
  const std::size_t queries = in.queries == 0 ? in.seq_len : in.queries;
  plan.head_dim = d;
  plan.tiles = 1;
  plan.tile_length = S;
  plan.query_blocks = (queries + in.query_block - 1) / in.query_block;
  const std::uint64_t target = selectionTarget(S, in.keep_ratio);

  for (std::size_t head = 0; head < in.heads; ++head) {
    if (in.include_projections) {
      StageWork generate;
      generate.head = head;
      generate.stage = PipelineStage::KvGeneration;
      generate.keys = S;
      generate.ops.macs = 2 * S * H * d;
      generate.ops.mac_rows = S;
      generate.bytes.dram_read = S * H * in.token_bytes + 2 * H * d * in.weight_bytes;
      generate.bytes.dram_write = 2 * S * d * act;
      generate.bytes.sram_read = S * H * in.token_bytes + 2 * H * d * in.weight_bytes;
      generate.bytes.sram_write = 2 * S * d * act;
      plan.work.push_back(generate);
      StageWork project = qProjectionWork(in, head, 0, queries);  // every query, to DRAM
      project.bytes.dram_write = queries * d * act;
      plan.work.push_back(project);
    }
    for (std::size_t block = 0; block < plan.query_blocks; ++block) {
      const std::uint64_t rows =
          std::min<std::size_t>(in.query_block, queries - block * in.query_block);
      StageWork base;
      base.head = head;
      base.query_block = block;
      base.rows = rows;
      base.keys = S;

      StageWork predict = base;  // A-hat = Q x K^T on the shift array, stored to DRAM
      predict.stage = PipelineStage::Dlzs;
      predict.ops.shift_adds = rows * S * d;
      predict.ops.lzc = rows * d;
      predict.bytes.dram_read = S * d * act + rows * d * act;
      predict.bytes.dram_write = rows * S * in.score_bytes;
      predict.bytes.sram_read = S * d * act + rows * d * act;
      predict.bytes.sram_write = rows * S * in.score_bytes;
      plan.work.push_back(predict);

      StageWork select = base;  // whole-row top-k after loading A-hat back
      select.stage = PipelineStage::Sads;
      const std::uint64_t passes = sorterPasses(target, target, in.sorter.sorter_width);
      select.ops.sorter_rounds =
          rows * passes * sorterRoundsPerPass(S, in.sorter.sorter_new_inputs);
      select.ops.sorter_compares = select.ops.sorter_rounds * in.sorter.comparators_per_round;
      select.bytes.dram_read = rows * S * in.score_bytes;
      select.bytes.dram_write = rows * target * in.index_bytes;
      select.bytes.sram_read = rows * S * in.score_bytes * passes;
      select.bytes.sram_write = rows * target * in.index_bytes;
      plan.work.push_back(select);

      StageWork formal = base;  // every query loads its own selected K and V rows
      formal.stage = PipelineStage::SuFa;
      const OpCounts per_row = suFaTileOpCounts(target, d, SuFaOrder::FlashAttention2, false, true);
      formal.ops.formal.exp = per_row.exp * rows;
      formal.ops.formal.mul = per_row.mul * rows;
      formal.ops.formal.add = per_row.add * rows;
      formal.ops.formal.cmp = per_row.cmp * rows;
      formal.ops.formal.div = rows * d;
      formal.bytes.dram_read = rows * target * in.index_bytes + rows * 2 * target * d * act;
      formal.bytes.dram_write = rows * d * act;
      formal.bytes.sram_read = rows * 2 * target * d * act + rows * d * act;
      formal.bytes.sram_write = rows * d * act;
      plan.work.push_back(formal);
    }
  }
  return plan;
}

}  // namespace spatialvp::star
