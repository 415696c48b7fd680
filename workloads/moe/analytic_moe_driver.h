#pragma once
// SystemC-free iteration driver: the analytic model of README "Analytic model". Per MoE layer:
// route tokens, build the phase transfers, price communication as fluid link loads (mesh) or
// port loads (switch), price compute with the die roofline, advance NI migrations in the spare
// capacity of their windows; after each iteration let the balancer act (invasive migrations
// stall the system for their transfer time). It does not model queueing or overlap; the timed
// platform replaces the pricing, not the traffic.
#include <memory>
#include <vector>

#include "workloads/moe/expert_balancer.h"
#include "workloads/moe/expert_compute_model.h"
#include "workloads/moe/hardware_spec.h"
#include "workloads/moe/layer_routing.h"
#include "workloads/moe/link_load_map.h"
#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/migration_queue.h"
#include "workloads/moe/moe_model.h"
#include "workloads/moe/parallel_mapping.h"
#include "workloads/moe/phase_traffic_builder.h"
#include "workloads/moe/zipf_routing_generator.h"

namespace spatialvp::moe {

enum class NetworkModel { kMesh, kSwitch };
enum class IterationMode { kDecode, kPrefill };

struct WorkloadSpec {
  IterationMode mode = IterationMode::kDecode;
  int batch_per_group = 256;   // [I] sequences per attention DP group (not found in sources)
  int sequence_length = 4096;  // [I] decode context / prefill prompt length
  int moe_layers = 0;          // MoE layers simulated; 0 = all of the model's
};

struct AnalyticConfig {
  NetworkModel network = NetworkModel::kMesh;
  WaferSystemSpec wafer;
  SwitchSystemSpec switch_system;  // network kSwitch: a 1-D contiguous mapping of its devices
  MappingConfig mapping;
  WorkloadSpec workload;
  BalancerConfig balancer;
  ZipfRoutingConfig routing;     // experts, top_k, tokens and layers are set from the model
  int shadow_slots_per_die = 1;  // [I] sources W3.2 shadow slots (count not found)
  ReplicaSplit replica_split = ReplicaSplit::kWeighted;
};

struct IterationReport {
  double attention_compute = 0.0;  // all times in seconds, summed over the MoE layers
  double attention_allreduce = 0.0;
  double dispatch = 0.0;
  double moe_compute = 0.0;
  double combine = 0.0;
  double combine_collective = 0.0;
  double migration_stall = 0.0;  // invasive balancing
  double imbalance = 0.0;        // mean over layers of max die tokens / mean die tokens
  int live_replicas = 0;
  int migrations_in_flight = 0;
  int migrations_started = 0;
  int migrations_completed = 0;

  double moeCommunication() const { return dispatch + combine; }
  double total() const {
    return attention_compute + attention_allreduce + dispatch + moe_compute + combine +
           combine_collective + migration_stall;
  }
  IterationReport& operator+=(const IterationReport& other);
};

struct AnalyticReport {
  std::vector<IterationReport> iterations;
  int devices = 0;
  double tokens_per_iteration = 0.0;
  // Mean over iterations [first, end).
  IterationReport mean(int first = 0) const;
};

class AnalyticMoeDriver {
 public:
  // routing == nullptr: a ZipfRoutingGenerator from config.routing.
  AnalyticMoeDriver(const MoeModel& model, const AnalyticConfig& config,
                    RoutingSource* routing = nullptr);

  AnalyticReport run(int iterations);
  const ParallelMapping& mapping() const { return *mapping_; }
  const MeshTopology& topology() const { return *topology_; }
  const std::vector<ExpertPlacement>& placements() const { return placements_; }
  // Link loads of the last simulated layer (all phases), e.g. for heat maps.
  const LinkLoadMap& lastLayerLoads() const { return *last_loads_; }
  int tokensPerIteration() const { return tokens_per_iteration_; }

 private:
  IterationReport runIteration(int iteration);
  double phaseTime(const std::vector<Transfer>& transfers, Phase phase);
  double portTime(const std::vector<Transfer>& transfers) const;
  double stallTime(const std::vector<Migration>& migrations);
  // Moves NI chunks on the capacity `phase` leaves free in its bandwidth time plus
  // `idle_seconds` of compute with every link idle.
  void advanceMigrations(MigrationWindow window, Phase phase, double idle_seconds, int& completed);

  MoeModel model_;
  AnalyticConfig config_;
  std::unique_ptr<MeshTopology> topology_;
  std::unique_ptr<ParallelMapping> mapping_;
  std::unique_ptr<PhaseTrafficBuilder> builder_;
  std::unique_ptr<ZipfRoutingGenerator> own_routing_;
  RoutingSource* routing_;
  ExpertComputeModel compute_;
  std::vector<ExpertPlacement> placements_;
  std::unique_ptr<ExpertBalancer> balancer_;
  std::unique_ptr<MigrationQueue> queue_;
  std::unique_ptr<LinkLoadMap> last_loads_;
  int moe_layers_ = 0;
  int tokens_per_iteration_ = 0;
  std::vector<double> spare_;
};

}  // namespace spatialvp::moe
