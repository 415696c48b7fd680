#pragma once
// The wafer-scale MoE orchestrator (issue 7, part 2; models/wafer_moe/README.md). One active
// module drives every die of a wafer system (or of the NVL72 switch baseline): per iteration and
// MoE layer it routes the tokens (seeded Zipf generator or a trace), builds the phase transfer
// lists with workloads/moe (PhaseTrafficBuilder), and runs the layer as a dataflow over per-die
// ready times:
//   attention compute (die roofline, a delay) -> attention TP collective -> MoE dispatch ->
//   expert compute (GEMM time vs. expert weights read from the die's HBM with TLM reads) ->
//   combine -> combine collective.
// Every transfer is a TLM write issued at its source die's ready time into the network
// (mesh[i] -> the mesh node of die i), addressed to the destination die's receive window
// (rx[j]); the mesh routes it and contention is the mesh's. A die is ready for the next phase
// when all its outgoing transfers are acknowledged and all its incoming ones delivered.
// Balancers (workloads/moe/expert_balancer.h): invasive kinds stall the whole system while all
// copies move on the mesh; NI-Balancer chunks are issued only inside the window [first issue,
// last delivery] of their phase (local steps: attention collective; global steps: dispatch and
// combine), after the phase's inference traffic was booked, so they fill idle link time, and only
// if every link of their route has spare capacity (window x bandwidth - inference bytes). A
// replica turns live once its last chunk has landed and no earlier than the kernel time at which
// its layer is next routed.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "platform/core/contention_timeline.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"
#include "workloads/moe/combine_schedule.h"
#include "workloads/moe/expert_balancer.h"
#include "workloads/moe/expert_compute_model.h"
#include "workloads/moe/layer_routing.h"
#include "workloads/moe/link_load_map.h"
#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/moe_model.h"
#include "workloads/moe/parallel_mapping.h"
#include "workloads/moe/phase_traffic_builder.h"
#include "workloads/moe/route_segments.h"
#include "workloads/moe/sram_weight_pinning.h"

namespace spatialvp::interconnect {
class MeshTopologySource;
}

namespace spatialvp::models::wafer_moe {

class MoeOrchestrator : public Module {
 public:
  MoeOrchestrator(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  std::size_t portWidth(const std::string& port) const override;
  void connected(const PlatformView& view) override;
  void reportStats(ModuleStats& stats) const override;
  std::optional<WorkProgress> progress() const override;

 private:
  using Socket = tlm_utils::simple_initiator_socket<MoeOrchestrator>;
  using RxSocket = tlm_utils::simple_target_socket_tagged<MoeOrchestrator>;

  struct Window {
    Picoseconds start = 0;
    Picoseconds end = 0;
    bool valid() const { return end > start; }
  };
  // A phase as issued: its network window (used for NI chunks) and the per-die accounting
  // (README "Phase-time accounting"): die d's time in the phase is the latest completion of its
  // own transfers, each counted from the moment both its ends were ready.
  struct PhaseResult {
    Window window;
    double die_max = 0.0;   // s, max over the dies with traffic (the phase's critical path)
    double die_mean = 0.0;  // s, mean over the dies with traffic
    // The transfer that decides die_max (the critical contributor): its step and whether its
    // route crosses a wafer boundary.
    moe::TransferStep critical_step = moe::TransferStep::kTokenFlow;
    bool critical_inter_wafer = false;
  };
  // Per phase, step and wafer crossing: layers in which it decided the phase time, and the
  // phase time it decided (summed over the reported iterations' simulated layers).
  struct CriticalTally {
    std::uint64_t layers = 0;
    double seconds = 0.0;
  };
  // One phase of Times: critical path (max over dies), mean over dies, window.
  struct PhaseTime {
    double max = 0.0;
    double mean = 0.0;
    double window = 0.0;
    void add(const PhaseResult& r) {
      max += r.die_max;
      mean += r.die_mean;
      window += seconds(r.window.end - r.window.start);
    }
    void add(const PhaseTime& t) {
      max += t.max;
      mean += t.mean;
      window += t.window;
    }
  };
  struct InFlight {
    int id = 0;
    moe::Migration migration;
    std::vector<std::vector<Picoseconds>> landed;  // [step][chunk], 0 = not moved yet
  };
  struct PendingActivation {
    int layer = 0;
    int die = 0;
    int slot = 0;
    Picoseconds live_at = 0;
  };
  // Sums over the reported iterations (seconds, summed over the simulated layers).
  struct Times {
    double attention_compute = 0.0;
    PhaseTime attention_allreduce;
    PhaseTime dispatch;
    double moe_compute = 0.0;
    PhaseTime combine;
    PhaseTime combine_collective;
    double migration_stall = 0.0;
    double iteration = 0.0;
    double imbalance = 0.0;
  };

  void run();
  void runLayer(int iteration, int layer, Times& times);
  // What one die keeps in its HBM over every layer (checked against the HBM module's capacity).
  void computeResidentBytes(int slots_per_die);
  PhaseResult issuePhase(std::vector<moe::Transfer>& transfers, moe::Phase phase);
  // Sends a phase's transfers (whole, or as merged route segments for the `segment_phases`);
  // returns each transfer's completion and lowers first_issue to the earliest issue time.
  std::vector<Picoseconds> sendPhase(const std::vector<moe::Transfer>& list, moe::Phase phase,
                                     Picoseconds& first_issue);
  void tallyCritical(int iteration, moe::Phase phase, const PhaseResult& result);
  static double seconds(Picoseconds ps) { return static_cast<double>(ps) * 1e-12; }
  Picoseconds send(int src, int dst, std::uint64_t bytes, Picoseconds at);
  // burstTransfer on `socket` (issued no earlier than now), counted in the run's transactions.
  Picoseconds transfer(Socket& socket, std::uint64_t base, std::uint64_t window,
                       std::uint64_t& cursor, std::uint64_t bytes, std::uint64_t burst, bool write,
                       Picoseconds at, const std::string& what);
  // A TLM read of `bytes` from die `die`'s HBM, counted in `counted` (attention or expert bytes).
  Picoseconds hbmRead(int die, std::uint64_t bytes, Picoseconds at, std::uint64_t& counted);
  Picoseconds sramRead(int die, std::uint64_t bytes, Picoseconds at);
  // A job of `flops` on die `die`'s compute engine (port compute[die]), ready at `at`; returns
  // its completion (moe_orchestrator_dies.cpp).
  Picoseconds computeJob(int die, double flops, Picoseconds at);
  // Checks that every compute[i] is a die compute engine that computes in the run's datatype.
  void connectDies(const PlatformView& view);
  // Plans on the die grid (the mesh's once bound, or the switch's devices): topology, mapping,
  // routing, placements, balancer. `grid` names the grid's source in the `dies` check.
  void planOnGrid(moe::WaferSystemSpec spec, const std::string& grid);
  // Reads the HBM and SRAM modules' capacity and bandwidth (moe_orchestrator_memories.cpp).
  void connectMemories(const PlatformView& view);
  // network: switch: each die's receive window leads through the switch to its own rx port.
  void connectSwitch(const PlatformView& view);
  // Reads of `bytes` cycling through [0, range) from `cursor`; returns the last completion.
  Picoseconds memoryRead(Socket& socket, std::uint64_t& cursor, std::uint64_t range,
                         std::uint64_t bytes, Picoseconds at, const std::string& what);
  // Issues NI chunks of the steps of `kind` inside `window`, on the link capacity `phases`
  // left free there, starting at `idle` (an interval without inference traffic) if valid.
  void advanceMigrations(moe::MigrationWindow kind, std::initializer_list<moe::Phase> phases,
                         const Window& window, const Window& idle);
  void activateDue(int layer);
  void balance(int iteration, Times& times);
  // Traced runs: an expert-weight migration (or one chunk of it) as a span on the
  // "<instance>.migrations" row.
  void traceMigration(int src, int dst, std::uint64_t bytes, Picoseconds start, Picoseconds landed);
  void recordLinks(const moe::Transfer& transfer);
  void logIteration(int iteration, const Times& times);
  void rxTransport(int die, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  // The per-phase link heat maps and the migration and iteration series, as stats tables.
  void reportTables(ModuleStats& stats) const;
  // Faults (moe_orchestrator_faults.cpp): adopt the mesh's fault map; report its counts.
  void adoptFaults(const interconnect::MeshTopologySource& mesh);
  void reportFaults(ModuleStats& stats) const;

  // Configuration.
  moe::MoeModel model_;
  bool mesh_network_ = true;
  int dies_ = 0;
  int iterations_ = 1;
  int report_from_ = 0;
  int layers_ = 0;  // simulated MoE layers
  bool decode_ = true;
  bool phase_barrier_ = false;      // every phase starts at a barrier (all dies at the latest)
  bool chunk_booked_bound_ = true;  // NI chunk admission also bounds the wait behind bookings
  bool layer_windows_ = true;       // NI windows span whole layers (compute gaps included)
  int batch_per_group_ = 0;
  int sequence_length_ = 0;
  std::array<bool, moe::kPhaseCount> issue_{};
  std::array<bool, moe::kPhaseCount> segment_{};  // phases sent as merged route segments
  std::uint64_t burst_;
  std::uint64_t hbm_burst_;
  std::uint64_t hbm_size_;
  std::uint64_t window_base_;
  std::uint64_t window_stride_;

  std::unique_ptr<moe::MeshTopology> topology_;
  std::unique_ptr<moe::ParallelMapping> mapping_;
  std::unique_ptr<moe::PhaseTrafficBuilder> builder_;
  std::unique_ptr<moe::RouteSegmenter> segmenter_;
  moe::SegmentedFlows segmented_;  // scratch of sendPhase
  std::unique_ptr<moe::ExpertComputeModel> compute_;
  std::unique_ptr<moe::RoutingSource> routing_;
  std::unique_ptr<moe::ExpertBalancer> balancer_;
  std::vector<moe::ExpertPlacement> placements_;
  std::unique_ptr<moe::LinkLoadMap> layer_loads_;
  moe::DieSpec die_;
  moe::MappingConfig mapping_config_;    // as written; planOnGrid() adapts it to the grid
  moe::BalancerConfig balancer_config_;  // as written

  // Sockets.
  std::vector<std::unique_ptr<Socket>> net_;
  std::vector<std::unique_ptr<Socket>> hbm_;
  std::vector<std::unique_ptr<Socket>> compute_sockets_;  // die i's compute engine
  std::vector<std::unique_ptr<RxSocket>> rx_;
  std::vector<unsigned char> buffer_;
  std::vector<std::uint64_t> hbm_cursor_;
  // Error texts of the transfers (built once: send is on the hot path).
  std::vector<std::string> send_what_;
  std::string hbm_what_;
  std::string sram_what_;
  std::string compute_what_;
  std::vector<std::unique_ptr<Socket>> sram_sockets_;  // one per die with `sram: true`
  std::vector<std::uint64_t> sram_cursor_;
  std::uint64_t sram_range_ = 0;  // address range read in each die's SRAM (= its capacity)

  // State.
  std::vector<Picoseconds> ready_;
  std::vector<std::vector<std::vector<double>>> loads_;  // [layer][domain][expert]
  std::vector<InFlight> in_flight_;
  std::vector<PendingActivation> activations_;
  std::vector<double> spare_;        // per link: capacity left in the current NI window
  std::vector<double> chunk_bytes_;  // per link: NI chunk bytes booked in the current window
  int next_migration_id_ = 0;
  // Rows of the migration_chunks, replica_live and iterations tables.
  std::vector<std::vector<StatCell>> chunk_log_;
  std::vector<std::vector<StatCell>> live_log_;
  std::vector<std::vector<StatCell>> iteration_log_;
  int layers_done_ = 0;  // over all iterations, for the progress line

  // Statistics.
  Times times_;
  std::array<std::array<std::array<CriticalTally, 2>, moe::kTransferStepCount>, moe::kPhaseCount>
      critical_{};
  bool combine_auto_ = false;  // `combine: auto`, resolved by the estimate once timing is known
  moe::CombineScheduleChoice combine_choice_;
  int reported_iterations_ = 0;
  double tokens_per_iteration_ = 0.0;
  std::array<std::uint64_t, moe::kPhaseCount> phase_bytes_{};       // sum of transfer bytes
  std::array<std::uint64_t, moe::kPhaseCount> phase_link_bytes_{};  // sum of bytes x hops
  std::array<std::uint64_t, moe::kPhaseCount> phase_transfers_{};
  std::array<std::vector<double>, moe::kPhaseCount> heat_;  // per link id, all iterations
  std::uint64_t rx_bytes_ = 0;
  std::uint64_t relayed_bytes_ = 0;  // route segments: bytes delivered to a turn die and sent on
  std::uint64_t segment_transfers_ = 0;    // route segments issued
  std::uint64_t attention_hbm_bytes_ = 0;  // attention weights and KV cache read from HBM
  std::uint64_t expert_hbm_bytes_ = 0;     // expert weights read from HBM
  // Weights and KV cache resident per die (capacity check), in total and by part.
  struct ResidentBytes {
    double routed_experts = 0.0;
    double shared_experts = 0.0;
    double attention = 0.0;
    double kv_cache = 0.0;
    double total = 0.0;
  };
  ResidentBytes resident_;
  std::uint64_t sram_bytes_ = 0;  // expert weight bytes read from die SRAM
  std::unique_ptr<moe::SramWeightPinning> sram_;
  std::uint64_t transactions_ = 0;
  std::uint64_t migrations_started_ = 0;
  std::uint64_t migrations_completed_ = 0;
  std::uint64_t chunks_moved_ = 0;
  std::uint64_t chunks_late_ = 0;  // landed after their window closed
  std::uint64_t live_replicas_ = 0;
  Picoseconds end_time_ = 0;
};

void registerMoeOrchestrator(ModuleRegistry& registry);

}  // namespace spatialvp::models::wafer_moe
