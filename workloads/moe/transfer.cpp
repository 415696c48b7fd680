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

const char* transferStepName(TransferStep step) {
  switch (step) {
    case TransferStep::kTokenFlow:
      return "token_flow";
    case TransferStep::kWaferRelay:
      return "wafer_relay";
    case TransferStep::kRingEdge:
      return "ring_edge";
    case TransferStep::kTwinRingEdge:
      return "twin_ring_edge";
    case TransferStep::kShardToTwin:
      return "shard_to_twin";
    case TransferStep::kShardHome:
      return "shard_home";
    case TransferStep::kMigration:
      return "migration";
  }
  return "?";
}

}  // namespace spatialvp::moe
