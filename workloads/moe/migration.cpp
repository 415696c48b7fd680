#include "workloads/moe/migration.h"

#include <cmath>
#include <stdexcept>

namespace spatialvp::moe {

std::vector<MigrationChunk> Migration::chunkList() const {
  std::vector<MigrationChunk> list;
  for (int s = 0; s < static_cast<int>(steps.size()); ++s) {
    for (int c = 0; c < chunks; ++c) {
      list.push_back(MigrationChunk{c, s,
                                    Transfer{steps[s].src, steps[s].dst, chunkBytes(),
                                             steps[s].phase, TransferStep::kMigration},
                                    steps[s].window()});
    }
  }
  return list;
}

Migration splitMigration(const ParallelMapping* mapping, int layer, int expert, int src, int dst,
                         double bytes, double chunk_bytes) {
  if (bytes <= 0.0 || chunk_bytes <= 0.0 || src == dst) {
    throw std::invalid_argument("splitMigration: need positive sizes and distinct dies");
  }
  Migration migration;
  migration.layer = layer;
  migration.expert = expert;
  migration.src = src;
  migration.dst = dst;
  migration.bytes = bytes;
  migration.chunks = static_cast<int>(std::ceil(bytes / chunk_bytes));
  if (mapping == nullptr || !mapping->entwined()) {
    migration.steps.push_back(MigrationStep{src, dst, Phase::kMigrationGlobal});
  } else if (mapping->ftd(src) == mapping->ftd(dst)) {
    migration.steps.push_back(MigrationStep{src, dst, Phase::kMigrationLocal});
  } else {
    const int src_exit = mapping->ftdExitToward(src, dst);
    const int dst_entry = mapping->ftdExitToward(dst, src_exit);
    if (src_exit != src) {
      migration.steps.push_back(MigrationStep{src, src_exit, Phase::kMigrationLocal});
    }
    migration.steps.push_back(MigrationStep{src_exit, dst_entry, Phase::kMigrationGlobal});
    if (dst_entry != dst) {
      migration.steps.push_back(MigrationStep{dst_entry, dst, Phase::kMigrationLocal});
    }
  }
  migration.chunks_done.assign(migration.steps.size(), 0);
  return migration;
}

}  // namespace spatialvp::moe
