#pragma once
// Transfer lists of one layer's communication phases (sources W2.2, 2.3, 2.5): MoE dispatch and
// combine from per-owner expert demand, and the ring collectives of the attention TP group and
// of the combined outputs. The timed platform issues these transfers; LinkLoadMap sums them.
#include <vector>

#include "workloads/moe/expert_placement.h"
#include "workloads/moe/layer_routing.h"
#include "workloads/moe/parallel_mapping.h"
#include "workloads/moe/transfer.h"

namespace spatialvp::moe {

// How a token's load on an expert with several live instances is split [I] (sources W3.2: "even,
// or nearest-replica"). kWeighted: in proportion to the instance weights the balancer planned
// (all 1 = even, the balancer's H_d = sum l_e / r_e); kNearest: all to the nearest instance.
enum class ReplicaSplit { kWeighted, kNearest };

struct MoeLayerTraffic {
  std::vector<Transfer> dispatch;
  std::vector<Transfer> combine;
  std::vector<double> instance_tokens;  // tokens per placement instance (die * slots + slot)
};

class PhaseTrafficBuilder {
 public:
  explicit PhaseTrafficBuilder(const ParallelMapping& mapping,
                               ReplicaSplit split = ReplicaSplit::kWeighted);

  // demand[owner_die * experts + e] = tokens owned by owner_die that chose expert e (a TP
  // group's tokens are owned round-robin by its members). Transfers between the same pair of
  // dies are merged. HER with on-demand forwarding also needs wafer_tokens (tokensPerWafer):
  // each token crosses to a wafer once, however many of its experts that wafer serves.
  void buildMoeLayer(const std::vector<double>& demand, const ExpertPlacement& placement,
                     double token_bytes, MoeLayerTraffic& out,
                     const std::vector<double>* wafer_tokens = nullptr);
  // [owner_die * wafers + w] = expected tokens of owner_die with at least one selection served
  // on wafer w: exact with one instance per expert; with replicas each selection lands on a
  // wafer with the planned share of its instances there, independently.
  std::vector<double> tokensPerWafer(const LayerRouting& routing,
                                     const std::vector<int>& token_owner,
                                     const ExpertPlacement& placement) const;
  // Attention TP collective; group_bytes[g] = S = the group's tokens x token bytes.
  // Ring all-reduce: each ring edge carries 2(t-1)/t * S. HER [I]: intra-wafer reduce-scatter,
  // shard r sent to its twin on every other wafer of the EP domain, intra-wafer all-gathers.
  void appendAttentionCollective(const std::vector<double>& group_bytes,
                                 std::vector<Transfer>& out) const;
  // Combine collective per CombinePolicy: all-reduce of the FTD partial sums on the group ring
  // (HER: remote reduce-scatter, shards home, home all-reduce) or all-gather from the owners.
  void appendCombineCollective(const std::vector<double>& group_bytes,
                               std::vector<Transfer>& out) const;

 private:
  void appendRing(const std::vector<int>& ring, double bytes_per_edge, Phase phase,
                  TransferStep step, std::vector<Transfer>& out) const;
  // Ring all-reduce of `group`'s `bytes` on its home wafer and, when HER replicates tokens, on
  // every other wafer of its EP domain: shards out to the twins then their ring all-gather, or
  // (shards_home) the twins' ring reduce-scatter then shards home.
  void appendGroupAllReduce(int group, double bytes, Phase phase, bool shards_home,
                            std::vector<Transfer>& out) const;
  void accumulate(std::vector<double>& matrix, std::vector<int>& touched, int src, int dst,
                  double bytes);
  void flush(std::vector<double>& matrix, std::vector<int>& touched, Phase phase,
             std::vector<Transfer>& out);

  const ParallelMapping* mapping_;
  ReplicaSplit split_;
  // Dense die x die scratch for merging transfers; only touched entries are visited and reset.
  std::vector<double> dispatch_pairs_;
  std::vector<double> combine_pairs_;
  std::vector<int> dispatch_touched_;
  std::vector<int> combine_touched_;
  std::vector<int> sources_;  // scratch: dispatch source per live instance
};

}  // namespace spatialvp::moe
