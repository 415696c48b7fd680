#pragma once
// A STAR compute unit (DLZS prediction, SADS sorting, KV-generation array, SU-FA): receives
// tile-stage jobs from the controller on `jobs`, moves the job's SRAM bytes through `sram`
// (so SRAM bandwidth can stall it), and is busy for max(compute cycles + pipeline fill, SRAM
// time). Compute cycles follow the lanes a job occupies (star_unit_timing.h). Jobs arrive in
// order from one controller, so the unit is a single server. Energy: computing cycles at the
// rated power, stalled and idle cycles as idle cycles (a fraction of it, the presets).
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <vector>

#include "models/star/star_unit_timing.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"
#include "platform/sim/zeroed_buffer.h"

namespace spatialvp::models::star {

enum class StageUnitKind { kDlzs, kSads, kKvGeneration, kSuFa };

class StarStageUnit : public Module {
 public:
  StarStageUnit(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;
  // Checks that the SRAM window exists behind the sram port (routers, memory capacity).
  void connected(const PlatformView& view) override;
  // The SRAM window it streams through (a controller that sizes tiles by it checks it).
  std::uint64_t sramWindowBytes() const { return sram_window_; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  std::uint64_t computeCycles(const spatialvp::star::StageWork& work) const;
  UnitWork unitWork(const spatialvp::star::StageOps& ops) const;
  Picoseconds sramTransfer(std::uint64_t bytes, bool write, Picoseconds at);

  tlm_utils::simple_target_socket<StarStageUnit> jobs_{"jobs"};
  tlm_utils::simple_initiator_socket<StarStageUnit> sram_{"sram"};
  StageUnitKind kind_;
  double clock_hz_;
  std::uint64_t fill_cycles_;
  std::uint64_t sram_base_;
  std::uint64_t sram_window_;
  std::uint64_t sram_burst_;
  DlzsGeometry dlzs_;
  SadsGeometry sads_;
  MacArrayGeometry mac_array_;
  SuFaGeometry sufa_;
  std::uint64_t peak_macs_per_cycle_ = 0;

  ZeroedBuffer burst_buffer_;  // the largest SRAM burst yet
  Picoseconds busy_until_ = 0;
  std::vector<std::uint64_t> sram_flows_;  // the served job's SRAM bursts, in traced runs
  Picoseconds first_start_ = 0;
  bool started_ = false;

  std::uint64_t jobs_done_ = 0;
  std::uint64_t functional_jobs_ = 0;
  std::uint64_t busy_cycles_ = 0;
  std::uint64_t compute_cycles_ = 0;
  std::uint64_t sram_stall_cycles_ = 0;
  std::uint64_t sram_bytes_ = 0;
  std::uint64_t useful_macs_ = 0;
  std::uint64_t work_done_ = 0;       // shift-adds, sorter rounds or MACs (unitWork)
  std::uint64_t peak_per_cycle_ = 0;  // that work per cycle with every lane busy
  spatialvp::star::StageOps ops_;
  Picoseconds last_end_ = 0;
};

// The planner keeps a tile's K-hat rows in the token SRAM when they fit, and the DLZS unit
// streams that SRAM through its window: fails on `owner`'s token_sram when the StarStageUnit
// bound to `driver`'s dlzs port states a window of another size (a unit of another type states
// none). For the single-core controller and each Spatial-STAR core alike.
void checkTokenSramWindow(const PlatformView& view, const Module& driver, const ParamValues& owner,
                          std::uint64_t token_sram_bytes);

void registerStarStageUnits(ModuleRegistry& registry);

}  // namespace spatialvp::models::star
