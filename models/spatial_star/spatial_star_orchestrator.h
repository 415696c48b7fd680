#pragma once
// The Spatial-STAR orchestrator (sources S4): the dataflow's decisions for every core of the
// mesh -- which rounds (head x query block) each core takes, which cores form a ring, where each
// item's data lives in HBM -- and the layer figures (aggregation, extrapolation). The cores are
// spatial_star_core modules (one per mesh node, each with its own four STAR units and SRAMs):
// the orchestrator hands each its work as TLM writes through the control network (a narrow mesh
// beside the data mesh) into the core's control window (an assignment once, then one descriptor
// per item), and reads each core's totals back at the end. The grid (width, height, one core per
// node), where the HBM stacks attach and the address maps are the meshes' facts, read through
// their topology service once bound (connected()).
//
// What runs where (see spatial_plan.h for the dataflows, spatial_star_core.h for a core): per
// core, every item (a group of key tiles of one query block) goes through the core's tile
// pipeline; its key data is fetched from HBM or arrives from the previous ring core, which
// forwards it once the core's credit says a buffer is free and then rings its doorbell. After a
// block's last item the tile synchronisation runs and O is written back to HBM. The orchestrator
// hands out items in lockstep order (item k of every core before item k + 1 of any), so the
// mesh sees the cores' traffic in time order and results are deterministic.
//
// Aggregation (speed): `tile_group` G tiles form one item (one job per unit with G x the
// operations and bytes), and with `sample_rounds` K > 0 only the first K rounds (head x block)
// of each core are simulated; the layer latency is extrapolated from the steady-state round
// period of the simulated rounds. Counts for the whole layer are the simulated ones x
// `work_scale`. README.md documents the error bound the tests check.
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "models/spatial_star/spatial_plan.h"
#include "models/spatial_star/spatial_star_core.h"
#include "models/spatial_star/spatial_star_core_work.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models::spatial_star {

class SpatialStarOrchestrator : public Module {
 public:
  SpatialStarOrchestrator(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  std::size_t portWidth(const std::string& port) const override;
  void connected(const PlatformView& view) override;
  void reportStats(ModuleStats& stats) const override;
  std::optional<WorkProgress> progress() const override;

 private:
  static constexpr std::size_t kUnits = 4;  // DLZS, SADS, KV generation, SU-FA
  using Socket = tlm_utils::simple_initiator_socket<SpatialStarOrchestrator>;

  struct Round {
    std::size_t head = 0;
    std::size_t rows = 0;  // 0: relay round (the core forwards tiles but has no block)
    bool first = false;    // first block of the core (planner's block 0 shape)
  };

  // What the orchestrator knows of a core: its rounds, where to reach it, and what it reported.
  struct CoreState {
    std::vector<Round> rounds;
    std::size_t simulated_rounds = 0;
    std::size_t items_per_round = 0;
    std::size_t nearest_stack = 0;
    std::uint64_t control = 0;  // control-network address of the core's control window
    CoreAssignment assignment;
    CoreItemWork work;  // the descriptor being handed out
    // The round whose Q projection the core issues during the previous round.
    std::size_t q_ahead_round = SIZE_MAX;
    Picoseconds frontier = 0;
    std::vector<Picoseconds> round_done;  // as the core reported them
    CoreTotals totals;                    // the core's report at the end
    Picoseconds finish = 0;
    Picoseconds estimated_latency = 0;
  };

  // The plan, once the mesh has told the grid (connected()).
  void plan(std::uint32_t width, std::uint32_t height);
  // Warns for every ring whose consecutive members are more than one mesh hop apart.
  void warnIfRingHopsLong() const;
  void buildRounds();
  void run();
  // The descriptor of item `index` of `core`, with the HBM placement chosen here.
  void describeItem(std::size_t core, std::size_t index);
  HbmRange place(std::size_t stack, std::uint64_t bytes);
  // A work message to a core's control window, through the control network.
  void send(std::size_t core, CoreMessage& message);
  std::size_t stackFor(std::size_t head, std::size_t tile_group, std::size_t owner) const;
  void estimate();

  Socket control_{"control"};
  tlm::tlm_generic_payload message_payload_;
  std::vector<unsigned char> descriptor_;

  SpatialConfig config_;
  SpatialPlan plan_;
  std::unique_ptr<BlockTemplates> templates_;
  bool overlap_ = true;
  bool nearest_ = false;
  std::size_t sample_rounds_;
  std::vector<std::uint64_t> hbm_bases_;
  std::uint64_t hbm_size_;
  std::uint64_t hbm_burst_;
  std::uint64_t sram_base_;
  std::uint64_t sram_stride_;
  std::uint64_t sram_window_;
  std::uint64_t control_base_;
  std::uint64_t control_stride_;
  std::uint64_t ring_burst_;
  std::vector<MeshPoint> hbm_points_;
  std::vector<std::uint64_t> hbm_cursor_;

  std::vector<CoreState> cores_;
  double dense_ops_ = 0.0;
  double work_scale_ = 1.0;
  double layer_rows_ = 0.0;
  double simulated_rows_ = 0.0;
  Picoseconds simulated_finish_ = 0;
  Picoseconds latency_ = 0;
  std::uint64_t descriptor_bytes_ = 0;
};

void registerSpatialStarOrchestrator(ModuleRegistry& registry);

}  // namespace spatialvp::models::spatial_star
