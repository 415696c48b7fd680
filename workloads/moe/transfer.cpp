#include "workloads/moe/transfer.h"

namespace spatialvp::moe {

const char* phaseName(Phase phase) {
  switch (phase) {
    case Phase::kAttentionAllReduce:
      return "attention-allreduce";
    case Phase::kDispatch:
      return "moe-dispatch";
    case Phase::kCombine:
      return "moe-combine";
    case Phase::kCombineCollective:
      return "combine-collective";
    case Phase::kMigrationLocal:
      return "migration-local";
    case Phase::kMigrationGlobal:
      return "migration-global";
  }
  return "?";
}

}  // namespace spatialvp::moe
