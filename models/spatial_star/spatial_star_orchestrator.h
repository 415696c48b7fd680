#pragma once
// The Spatial-STAR orchestrator (sources S4): one active module that drives the four STAR units of
// every core (indexed initiator ports dlzs[i], sads[i], kv[i], sufa[i]) and moves data over the
// mesh (mesh[i], attached at core i's node): K/V fetches are TLM reads addressed to an HBM
// stack's range, ring forwards are TLM writes addressed to the next core's SRAM window. One
// SC_THREAD schedules all cores in lockstep item order, so results are deterministic.
//
// What runs where (see spatial_plan.h for the dataflows): per core, every item (a group of key
// tiles of one query block) goes through the single-core tile pipeline (DLZS -> SADS -> KV ->
// SU-FA, each stage at most `stage_buffers` items ahead of its consumer); an item's key data is
// fetched from HBM (`kv_buffers` items of buffering: a buffer is freed when the KV stage has
// read it and, in a ring, when it has been forwarded) or arrives from the previous ring core.
// After a block's last item the tile synchronisation runs on the SU-FA unit and O is written
// back to HBM.
//
// Aggregation (speed): `tile_group` G tiles form one item (one job per unit with G x the
// operations and bytes), and with `sample_rounds` K > 0 only the first K rounds (head x block)
// of each core are simulated; the layer latency is extrapolated from the steady-state round
// period of the simulated rounds. Counts for the whole layer are the simulated ones x
// `work_scale`. README.md documents the error bound the tests check.
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "models/spatial_star/spatial_plan.h"
#include "models/star/tile_pipeline.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models::spatial_star {

// The orchestrator's per-unit port names, in stage order (also the stats prefixes).
inline constexpr const char* kUnitPorts[] = {"dlzs", "sads", "kv", "sufa"};

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
  // Warns for every ring whose consecutive members are more than one mesh hop apart.
  void warnIfRingHopsLong() const;
  using Socket = tlm_utils::simple_initiator_socket<SpatialStarOrchestrator>;

  struct Round {
    std::size_t head = 0;
    std::size_t rows = 0;  // 0: relay round (the core forwards tiles but has no block)
    bool first = false;    // first block of the core (planner's block 0 shape)
  };

  struct CoreState {
    CoreState(std::size_t stage_buffers, std::size_t kv_buffers)
        : pipeline(stage_buffers), kv(kv_buffers) {}
    std::vector<Round> rounds;
    std::size_t simulated_rounds = 0;
    std::size_t items_per_round = 0;
    // The core's tile pipeline and K/V buffers, scheduled by the rules the single-core
    // controller uses (models/star/tile_pipeline.h).
    spatialvp::models::star::TilePipeline pipeline;
    spatialvp::models::star::ItemBuffers kv;
    Picoseconds previous_item_end = 0;
    Picoseconds finish = 0;
    std::vector<Picoseconds> round_done;
    std::uint64_t hbm_read_bytes = 0;
    std::uint64_t hbm_write_bytes = 0;
    std::uint64_t ring_bytes = 0;
    std::uint64_t items = 0;
    std::uint64_t jobs = 0;
    std::size_t nearest_stack = 0;
    Picoseconds estimated_latency = 0;
    // Layer scope: the round whose Q projection was issued during the previous round, and when
    // it ends.
    std::size_t q_ahead_round = SIZE_MAX;
    Picoseconds q_ahead_done = 0;
  };

  void run();
  void buildRounds();
  // Traced runs: the row "<instance>.core<N>.<part>" (rounds, jobs, dma); untraced: none.
  TraceSite coreTraceSite(std::size_t core, const char* part);
  void processItem(std::size_t core, std::size_t index);
  void projectNextQueries(std::size_t core, std::size_t round_index);
  void finishRound(std::size_t core, const Round& round, Picoseconds last_release);
  Picoseconds hbmAccess(std::size_t core, std::size_t stack, std::uint64_t bytes, bool write,
                        Picoseconds at);
  Picoseconds ringWrite(std::size_t from, std::size_t to, std::uint64_t bytes, Picoseconds at);
  // Sends the job and books it in the core's pipeline (a tile stage when `tile_stage`).
  Picoseconds sendJob(std::size_t core, std::size_t unit, const spatialvp::star::StageWork& work,
                      Picoseconds ready, bool tile_stage);
  Picoseconds clampToNow(Picoseconds at);
  std::size_t stackFor(std::size_t head, std::size_t tile_group, std::size_t owner) const;
  void estimate();

  std::array<std::vector<std::unique_ptr<Socket>>, kUnits> units_;
  std::vector<std::unique_ptr<Socket>> mesh_;

  SpatialConfig config_;
  SpatialPlan plan_;
  std::unique_ptr<BlockTemplates> templates_;
  bool overlap_ = true;
  bool nearest_ = false;
  std::size_t stage_buffers_;
  std::size_t kv_buffers_;
  std::size_t sample_rounds_;
  std::vector<std::uint64_t> hbm_bases_;
  std::uint64_t hbm_size_;
  std::uint64_t hbm_burst_;
  std::uint64_t sram_base_;
  std::uint64_t sram_stride_;
  std::uint64_t sram_window_;
  std::uint64_t ring_burst_;
  std::vector<MeshPoint> hbm_points_;
  std::vector<unsigned char> buffer_;
  std::vector<std::uint64_t> hbm_cursor_;
  std::vector<std::uint64_t> sram_cursor_;
  std::vector<std::uint64_t> stack_read_bytes_;

  std::vector<CoreState> cores_;
  double dense_ops_ = 0.0;
  double work_scale_ = 1.0;
  double layer_rows_ = 0.0;
  double simulated_rows_ = 0.0;
  Picoseconds simulated_finish_ = 0;
  Picoseconds latency_ = 0;
  std::uint64_t late_requests_ = 0;
  std::uint64_t transactions_ = 0;
};

void registerSpatialStarOrchestrator(ModuleRegistry& registry);

}  // namespace spatialvp::models::spatial_star
