#pragma once
// One die-to-die transfer tagged with the communication phase it belongs to (sources W6.3).
// Bytes are doubles: the analytic model splits token loads evenly over replicas, and the spec
// 2.3 reference table uses normalised token units.

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

struct Transfer {
  int src = 0;
  int dst = 0;
  double bytes = 0.0;
  Phase phase = Phase::kDispatch;
};

}  // namespace spatialvp::moe
