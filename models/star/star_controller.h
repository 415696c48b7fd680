#pragma once
// The STAR controller: plans one attention layer with the reference library's tiling planner
// and drives the cross-stage tiled pipeline (sources S2.6.2): for every head, query block and key
// tile it sends the DLZS, SADS, KV-generation and SU-FA jobs to the units, with the data
// fetcher bringing each stage's DRAM bytes over `dram` first. Units are single servers, so the
// prediction of tile j+1 overlaps the sorting of tile j and the KV generation + SU-FA of tile
// j-1, limited by `stage_buffers` tiles of buffering between consecutive stages.
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <deque>
#include <vector>

#include "models/star/functional_tile.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"
#include "workloads/baselines/a100_model.h"
#include "workloads/star/star_pipeline.h"
#include "workloads/star/tiling_planner.h"

namespace spatialvp::models::star {

class StarController : public Module {
 public:
  StarController(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;
  std::optional<WorkProgress> progress() const override;
  // Checks the DRAM window against the memory behind the dram port and the token SRAM the
  // planner sizes tiles by against the window of the DLZS unit that streams it.
  void connected(const PlatformView& view) override;

 protected:
  // The extension point for a differently-timed controller (a plug-in type derived from this
  // one): the earliest time the pipeline may start the key tile whose first job is `first_job`
  // (its DLZS prediction or, in the layer scope, its first stage), asked once per tile in plan
  // order. The in-tree controller starts a tile as soon as its data and stage buffers allow (0).
  virtual Picoseconds tileAccepted(const spatialvp::star::StageWork& first_job) {
    (void)first_job;
    return 0;
  }

 private:
  static constexpr std::size_t kUnitStages = 4;  // DLZS, SADS, KV generation, SU-FA

  void run();
  void runSerial();
  Picoseconds dramTransfer(std::uint64_t bytes, bool write, Picoseconds at);
  Picoseconds sendJob(std::size_t unit, const spatialvp::star::StageWork& work, Picoseconds ready,
                      Picoseconds& started);
  void setUpFunctional();
  FunctionalJob functionalJob(const spatialvp::star::StageWork& work);
  void checkFunctional();

  tlm_utils::simple_initiator_socket<StarController> dlzs_{"dlzs"};
  tlm_utils::simple_initiator_socket<StarController> sads_{"sads"};
  tlm_utils::simple_initiator_socket<StarController> kv_{"kv"};
  tlm_utils::simple_initiator_socket<StarController> sufa_{"sufa"};
  tlm_utils::simple_initiator_socket<StarController> dram_{"dram"};

  spatialvp::star::TilingPlanInput plan_input_;
  std::size_t stage_buffers_;
  bool vanilla_ = false;
  bool sorter_bound_ = false;
  std::uint64_t dram_base_;
  std::uint64_t dram_window_;
  std::uint64_t dram_burst_;
  std::vector<unsigned char> burst_buffer_;
  std::uint64_t dram_cursor_ = 0;

  spatialvp::star::TilePlan plan_;
  double dense_ops_ = 0.0;
  workloads::A100Estimate a100_dense_;
  workloads::A100Estimate a100_flash_;
  workloads::A100Estimate a100_eager_;
  Picoseconds finish_ = 0;
  std::uint64_t dram_read_bytes_ = 0;
  std::uint64_t dram_write_bytes_ = 0;
  std::uint64_t sram_bytes_ = 0;
  std::uint64_t tiles_ = 0;
  std::uint64_t dram_stall_ps_ = 0;

  // Functional mode (mode: functional): per-head data and the reference comparison.
  bool functional_ = false;
  FunctionalSettings functional_settings_;
  spatialvp::star::StarConfig reference_config_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> tile_bounds_;
  std::vector<FunctionalHead> heads_;
  std::vector<double> functional_output_;  // O of all heads, (heads x queries) x d
  std::vector<std::size_t> functional_output_shape_;
  double functional_max_abs_diff_ = 0.0;
  std::uint64_t functional_mismatches_ = 0;
};

// The type's parameters and ports, for types derived from the controller (plug-ins).
ModuleTypeInfo starControllerTypeInfo();
void registerStarController(ModuleRegistry& registry);

}  // namespace spatialvp::models::star
