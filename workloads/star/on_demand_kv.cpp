#include "workloads/star/on_demand_kv.h"

#include <stdexcept>

namespace spatialvp::star {

std::vector<std::uint32_t> selectedUnion(const std::vector<RowSelection>& selections,
                                         std::size_t first, std::size_t count,
                                         std::size_t seq_len) {
  std::vector<bool> needed(seq_len, false);
  for (std::size_t i = first; i < first + count && i < selections.size(); ++i) {
    for (const auto& seg : selections[i].segments) {
      for (std::uint32_t key : seg.keys) {
        if (key >= seq_len) {
          throw std::out_of_range("selected key beyond the sequence length");
        }
        needed[key] = true;
      }
    }
  }
  std::vector<std::uint32_t> rows;
  for (std::size_t j = 0; j < seq_len; ++j) {
    if (needed[j]) {
      rows.push_back(static_cast<std::uint32_t>(j));
    }
  }
  return rows;
}

KvGenerationPlan planOnDemandKv(const std::vector<RowSelection>& selections, std::size_t seq_len,
                                std::size_t block_size, KvReusePolicy policy) {
  if (block_size == 0) {
    throw std::invalid_argument("query block size must be positive");
  }
  KvGenerationPlan plan;
  plan.dense_rows = seq_len;
  std::vector<bool> generated(seq_len, false);
  for (std::size_t first = 0; first < selections.size(); first += block_size) {
    std::vector<std::uint32_t> rows = selectedUnion(selections, first, block_size, seq_len);
    std::vector<std::uint32_t> fresh;
    for (std::uint32_t row : rows) {
      if (!generated[row]) {
        ++plan.distinct_rows;
        generated[row] = true;
        if (policy == KvReusePolicy::CacheAcrossBlocks) {
          fresh.push_back(row);
        }
      }
    }
    if (policy == KvReusePolicy::RegeneratePerBlock) {
      fresh = std::move(rows);
    }
    plan.rows_generated += fresh.size();
    plan.rows_per_block.push_back(std::move(fresh));
  }
  return plan;
}

}  // namespace spatialvp::star
