#pragma once
// One die-to-die transfer tagged with the communication phase it belongs to (sources W6.3).
// Bytes are doubles: the analytic model splits token loads evenly over replicas, and the sources
// W2.3 reference table uses normalised token units.

namespace spatialvp::moe {

enum class Phase {
  kAttentionAllReduce,  // attention TP collective (HER: intra RS + inter-wafer AG + intra AG)
  kDispatch,            // MoE all-to-all, token -> expert
  kCombine,             // MoE all-to-all, expert output -> token holder
  kCombineCollective,   // group all-reduce / all-gather of combined outputs (CombinePolicy)
  kMigrationLocal,      // expert migration step inside an FTD
  kMigrationGlobal,     // expert migration step across FTDs
};
constexpr int kPhaseCount = 6;

const char* phaseName(Phase phase);

// Which step of its phase a transfer belongs to, so that the platform can name the step that
// decides a phase's time (the critical contributor).
enum class TransferStep {
  kTokenFlow,     // dispatch / combine: tokens between a source die and an expert die
  kWaferRelay,    // HER on-demand: owner <-> its twin on another wafer
  kRingEdge,      // ring collective on the group's home ring
  kTwinRingEdge,  // HER: ring collective of the group's twins on another wafer
  kShardToTwin,   // HER: a reduced shard sent to its twin on another wafer
  kShardHome,     // HER: a reduced shard sent back from a twin to the home member
  kMigration,     // expert migration chunk
};
constexpr int kTransferStepCount = 7;

const char* transferStepName(TransferStep step);

struct Transfer {
  int src = 0;
  int dst = 0;
  double bytes = 0.0;
  Phase phase = Phase::kDispatch;
  TransferStep step = TransferStep::kTokenFlow;
};

}  // namespace spatialvp::moe
