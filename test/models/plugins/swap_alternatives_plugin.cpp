// Test plug-in (swap_by_type_test.cpp): differently-timed types that implement the same job
// interfaces as built-in ones, so a platform takes them by type name in YAML:
//   test_fixed_rate_die_engine  the die job interface (models/wafer_moe/die_job.h): every job
//                               takes job_latency + FLOPs / rate, whatever its datatype;
//   test_fixed_latency_unit     the STAR stage-job interface (models/star/stage_job.h): every
//                               job takes job_latency; its `sram` port is bound but unused;
//   test_item_overhead_core     the Spatial-STAR core controller's protocol (CoreMessage and
//                               SpatialStarCoreFacts,
//                               models/spatial_star/spatial_star_core_work.h): the in-tree
//                               controller, but it spends item_overhead on each item's descriptor,
//                               one item after another, before it may fetch, forward or compute the
//                               item (its itemAccepted extension point);
//   test_tile_overhead_controller  the STAR controller's (models/star/star_controller.h): the
//                               in-tree controller, but it spends tile_overhead on each key
//                               tile, one tile after another, before the tile's first job (its
//                               tileAccepted extension point).
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>

#include "models/spatial_star/spatial_star_core.h"
#include "models/star/stage_job.h"
#include "models/star/star_controller.h"
#include "models/wafer_moe/die_job.h"
#include "platform/sim/kernel_time.h"
#include "platform/sim/plugin_abi.h"

namespace {

using spatialvp::nowPs;
using spatialvp::Picoseconds;

Picoseconds psOf(double seconds) {
  return static_cast<Picoseconds>(seconds * 1e12 + 0.5);
}

// One job after another from `ready`: returns the job's start and sets the LT delay to its end.
struct SingleServer {
  Picoseconds busy_until = 0;
  std::uint64_t jobs = 0;
  Picoseconds serve(sc_core::sc_time& delay, Picoseconds duration) {
    const Picoseconds now = nowPs();
    const Picoseconds start = std::max(now + static_cast<Picoseconds>(delay.value()), busy_until);
    busy_until = start + duration;
    delay = sc_core::sc_time::from_value(busy_until - now);
    ++jobs;
    return start;
  }
};

class FixedRateDieEngine : public spatialvp::Module,
                           public spatialvp::models::wafer_moe::DieComputeFacts {
 public:
  FixedRateDieEngine(sc_core::sc_module_name name, const spatialvp::ModuleContext& context)
      : Module(name, context),
        rate_(params().quantity("rate")),
        latency_(params().quantity("job_latency")) {
    jobs_.register_b_transport(this, &FixedRateDieEngine::b_transport);
  }
  spatialvp::TargetSocket* targetSocket(const std::string& port, std::size_t index) override {
    return port == "jobs" && index == 0 ? &jobs_ : nullptr;
  }
  double peakFlops(spatialvp::moe::Datatype) const override { return rate_; }
  double sustainedFraction() const override { return 1.0; }
  void reportStats(spatialvp::ModuleStats& stats) const override {
    stats.counter("jobs", server_.jobs, "", "Die jobs computed");
    stats.value("flops", flops_, "FLOP", "Floating-point operations computed");
  }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    spatialvp::models::wafer_moe::DieJobExtension* job = nullptr;
    payload.get_extension(job);
    if (!job) {
      payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    const Picoseconds duration = psOf(latency_ + job->flops / rate_);
    job->started_ps = server_.serve(delay, duration);
    job->finished_ps = job->started_ps + duration;
    flops_ += job->flops;
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  tlm_utils::simple_target_socket<FixedRateDieEngine> jobs_{"jobs"};
  double rate_;
  double latency_;
  double flops_ = 0.0;
  SingleServer server_;
};

class FixedLatencyUnit : public spatialvp::Module {
 public:
  FixedLatencyUnit(sc_core::sc_module_name name, const spatialvp::ModuleContext& context)
      : Module(name, context), latency_(params().quantity("job_latency")) {
    jobs_.register_b_transport(this, &FixedLatencyUnit::b_transport);
  }
  spatialvp::InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override {
    return port == "sram" && index == 0 ? &sram_ : nullptr;
  }
  spatialvp::TargetSocket* targetSocket(const std::string& port, std::size_t index) override {
    return port == "jobs" && index == 0 ? &jobs_ : nullptr;
  }
  void reportStats(spatialvp::ModuleStats& stats) const override {
    stats.counter("jobs", server_.jobs, "", "Tile-stage jobs executed");
  }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    spatialvp::models::star::StageJobExtension* job = nullptr;
    payload.get_extension(job);
    if (!job || !job->work) {
      payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    job->started_ps = server_.serve(delay, psOf(latency_));
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  tlm_utils::simple_target_socket<FixedLatencyUnit> jobs_{"jobs"};
  tlm_utils::simple_initiator_socket<FixedLatencyUnit> sram_{"sram"};
  double latency_;
  SingleServer server_;
};

// A controller's own serial cost: one item (or tile) at a time, each from when it is reached or
// the previous one is done; returns when this one may start.
struct SerialOverhead {
  Picoseconds overhead;
  Picoseconds until = 0;
  std::uint64_t count = 0;
  Picoseconds accept() {
    until = std::max(nowPs(), until) + overhead;
    ++count;
    return until;
  }
};

class ItemOverheadCore : public spatialvp::models::spatial_star::SpatialStarCore {
 public:
  ItemOverheadCore(sc_core::sc_module_name name, const spatialvp::ModuleContext& context)
      : SpatialStarCore(name, context), overhead_{psOf(params().quantity("item_overhead"))} {}
  void reportStats(spatialvp::ModuleStats& stats) const override {
    SpatialStarCore::reportStats(stats);
    stats.counter("items_accepted", overhead_.count, "items",
                  "Items whose descriptor took item_overhead");
  }

 protected:
  Picoseconds itemAccepted(const spatialvp::models::spatial_star::CoreItemWork&) override {
    return overhead_.accept();  // one descriptor at a time
  }

 private:
  SerialOverhead overhead_;
};

class TileOverheadController : public spatialvp::models::star::StarController {
 public:
  TileOverheadController(sc_core::sc_module_name name, const spatialvp::ModuleContext& context)
      : StarController(name, context), overhead_{psOf(params().quantity("tile_overhead"))} {}
  void reportStats(spatialvp::ModuleStats& stats) const override {
    StarController::reportStats(stats);
    stats.counter("tiles_accepted", overhead_.count, "tiles", "Tiles that took tile_overhead");
  }

 protected:
  Picoseconds tileAccepted(const spatialvp::star::StageWork&) override {
    return overhead_.accept();  // one tile at a time
  }

 private:
  SerialOverhead overhead_;
};

}  // namespace

SPATIALVP_PLUGIN_REGISTER(registry) {
  using namespace spatialvp;
  {
    ModuleTypeInfo info;
    info.name = "test_fixed_rate_die_engine";
    info.description = "Test die compute engine: job_latency + FLOPs / rate per die job";
    info.params.quantity("rate", dims::computeRate(), "FLOPs per second, any datatype")
        .byDefault("100 TFLOPS")
        .above(0);
    info.params.quantity("job_latency", dims::time(), "Fixed cost of every job")
        .byDefault("0 s")
        .atLeast(0);
    info.ports.push_back({"jobs", PortDirection::kTarget, "Die jobs", true});
    registry.add<FixedRateDieEngine>(std::move(info));
  }
  {
    ModuleTypeInfo info;
    info.name = "test_fixed_latency_unit";
    info.description = "Test STAR unit: every tile-stage job takes job_latency";
    info.params.quantity("job_latency", dims::time(), "Time of every job")
        .byDefault("1 us")
        .above(0);
    info.ports.push_back({"jobs", PortDirection::kTarget, "Tile-stage jobs", true});
    info.ports.push_back({"sram", PortDirection::kInitiator, "Bound, unused", true});
    registry.add<FixedLatencyUnit>(std::move(info));
  }
  {
    ModuleTypeInfo info = models::spatial_star::spatialStarCoreTypeInfo();
    info.name = "test_item_overhead_core";
    info.description =
        "Test Spatial-STAR core controller: spatial_star_core with item_overhead per item, "
        "serial, before the item's fetch, forward or compute";
    info.params.quantity("item_overhead", dims::time(), "Controller time per item's descriptor")
        .byDefault("1 us")
        .atLeast(0);
    registry.add<ItemOverheadCore>(std::move(info));
  }
  {
    ModuleTypeInfo info = models::star::starControllerTypeInfo();
    info.name = "test_tile_overhead_controller";
    info.description =
        "Test STAR controller: star_controller with tile_overhead per key tile, serial, before "
        "the tile's first job";
    info.params.quantity("tile_overhead", dims::time(), "Controller time per key tile")
        .byDefault("1 us")
        .atLeast(0);
    registry.add<TileOverheadController>(std::move(info));
  }
}
