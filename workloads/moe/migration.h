#pragma once
// One expert migration split into steps (sources W3.2 [S3]): M(e, a->b) = local(a->a') +
// global(a'->b') + local(b'->b), with a' the die of FTD(a) nearest to b and b' the die of FTD(b)
// nearest to a' [I]. Each step moves the expert in `chunks` equal chunks; chunk c may take step
// s once it finished step s-1 (three-stage pipelining, [S2]). Local steps may only advance in
// the attention all-reduce window (intra-FTD links are cool), global steps only in the MoE
// all-to-all windows (inter-FTD links are idle). The replica is live after the last chunk lands.
#include <vector>

#include "workloads/moe/parallel_mapping.h"
#include "workloads/moe/transfer.h"

namespace spatialvp::moe {

enum class MigrationWindow { kAttentionAllReduce, kAllToAll };

struct MigrationStep {
  int src = 0;
  int dst = 0;
  Phase phase = Phase::kMigrationLocal;  // kMigrationLocal or kMigrationGlobal
  MigrationWindow window() const {
    return phase == Phase::kMigrationLocal ? MigrationWindow::kAttentionAllReduce
                                           : MigrationWindow::kAllToAll;
  }
};

// One chunk transfer for the timed platform: issue only inside `window`, after `after_chunks`
// chunks of the previous step have landed.
struct MigrationChunk {
  int chunk = 0;
  int step = 0;
  Transfer transfer;
  MigrationWindow window = MigrationWindow::kAttentionAllReduce;
};

struct Migration {
  int layer = 0;
  int expert = 0;
  int src = 0;
  int dst = 0;
  int dst_slot = -1;  // reserved shadow slot on dst
  double bytes = 0.0;
  int chunks = 1;
  std::vector<MigrationStep> steps;
  std::vector<int> chunks_done;  // per step

  double chunkBytes() const { return bytes / chunks; }
  bool complete() const { return chunks_done.empty() || chunks_done.back() == chunks; }
  std::vector<MigrationChunk> chunkList() const;
};

// Splits a -> b per the mapping's FTDs (the contiguous mapping has none: one global step).
Migration splitMigration(const ParallelMapping* mapping, int layer, int expert, int src, int dst,
                         double bytes, double chunk_bytes);

}  // namespace spatialvp::moe
