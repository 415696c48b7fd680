#pragma once
// One Spatial-STAR core's controller (sources S4): it owns the core's tile pipeline and K/V
// buffers (the scheduler the single-core star_controller uses, models/star/tile_pipeline.h),
// drives the core's four units (dlzs, sads, kv, sufa) and moves the core's data through its mesh
// port: HBM fetches and O write-backs, and ring forwards into the successor's SRAM window.
// It is a target on `control`, its window on the control network (a narrow mesh beside the data
// mesh, as NoCs keep flow control off the data channels): the orchestrator hands it work there
// (spatial_star_core_work.h) and its ring neighbours ring its doorbell (an item arrived in the
// SRAM window) and return credits (a buffer is free); it sends its own doorbells and credits
// through `control_out`. A core forwards an item only once the credit for the successor's buffer
// has arrived, and uses a forwarded item only once its doorbell has arrived.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/spatial_star/spatial_star_core_work.h"
#include "models/star/tile_pipeline.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models::spatial_star {

// The core's unit ports, in stage order (also the orchestrator's stats prefixes).
inline constexpr const char* kUnitPorts[] = {"dlzs", "sads", "kv", "sufa"};

class SpatialStarCore : public Module, public SpatialStarCoreFacts {
 public:
  SpatialStarCore(sc_core::sc_module_name name, const ModuleContext& context);

  std::size_t kvBuffers() const override { return kv_buffers_; }
  [[noreturn]] void failKvBuffers(const std::string& message) const override {
    params().fail("kv_buffers", message);
  }

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  std::size_t portWidth(const std::string& port) const override;
  void reportStats(ModuleStats& stats) const override;

 protected:
  // The extension point for a differently-timed controller (a plug-in type derived from this
  // one): the earliest time this controller may act on item `work` (issue its fetch, use or
  // forward its ring data, start its first unit job), asked once per item with data, in item
  // order, when its descriptor arrives. The in-tree controller acts as soon as the item's data
  // and buffers allow, so it adds no bound of its own (0).
  virtual Picoseconds itemAccepted(const CoreItemWork& work) {
    (void)work;
    return 0;
  }

 private:
  static constexpr std::size_t kUnits = 4;
  using Initiator = tlm_utils::simple_initiator_socket<SpatialStarCore>;

  void control(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  void assign(const CoreAssignment& assignment);
  void processItem(const CoreItemWork& work, CoreMessage& answer);
  void projectNextQueries(const CoreItemWork& work);
  void finishRound(const CoreItemWork& work, Picoseconds last_release, CoreMessage& answer);
  Picoseconds hbmAccess(const HbmRange& range, bool write, Picoseconds at);
  Picoseconds forward(std::uint64_t bytes, Picoseconds at);
  // A doorbell or credit word to a neighbour's control window, sent at `at`.
  void signal(std::uint64_t address, CoreMessage::Kind kind, std::size_t item, Picoseconds at);
  Picoseconds sendJob(std::size_t unit, const spatialvp::star::StageWork& work, Picoseconds ready,
                      bool tile_stage);
  Picoseconds clampToNow(Picoseconds at);
  void report(CoreTotals& totals) const;

  std::array<std::unique_ptr<Initiator>, kUnits> units_;
  Initiator mesh_{"mesh"};
  Initiator control_out_{"control_out"};
  tlm_utils::simple_target_socket<SpatialStarCore> control_{"control"};

  std::size_t stage_buffers_;
  std::size_t kv_buffers_;
  CoreAssignment assignment_;
  std::unique_ptr<spatialvp::models::star::TilePipeline> pipeline_;
  std::unique_ptr<spatialvp::models::star::ItemBuffers> kv_;
  // Credits from the successor: when its buffers came free, as seen here.
  std::unique_ptr<spatialvp::models::star::ItemBuffers> successor_credits_;
  std::uint64_t forward_cursor_ = 0;  // where the next forward lands in the successor's window
  Picoseconds previous_item_end_ = 0;
  Picoseconds finish_ = 0;
  Picoseconds q_ahead_done_ = 0;
  Picoseconds round_start_ = 0;
  CoreTotals totals_;
  std::uint64_t doorbells_received_ = 0;
  std::uint64_t credits_received_ = 0;
  std::uint64_t control_words_sent_ = 0;
  std::vector<unsigned char> buffer_;
  std::string hbm_what_;
  std::string ring_what_;
  std::string job_sender_;
};

// The `spatial_star_core` type: its parameters and ports, for registration and for a
// replacement type derived from SpatialStarCore (which renames it and adds its own parameters).
ModuleTypeInfo spatialStarCoreTypeInfo();
void registerSpatialStarCore(ModuleRegistry& registry);

}  // namespace spatialvp::models::spatial_star
