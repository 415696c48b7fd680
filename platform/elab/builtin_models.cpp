#include "platform/elab/builtin_models.h"

#include "interconnect/router/address_router.h"
#include "interconnect/tlm/crossbar_switch_module.h"
#include "interconnect/tlm/d2d_link_module.h"
#include "interconnect/tlm/mesh_module.h"
#include "interconnect/tlm/network_port_module.h"
#include "models/basic/simple_memory.h"
#include "models/memory/tlm/hbm_module.h"
#include "models/memory/tlm/sram_module.h"
#include "models/spatial_star/spatial_star_core.h"
#include "models/spatial_star/spatial_star_orchestrator.h"
#include "models/star/star_controller.h"
#include "models/star/star_stage_unit.h"
#include "models/traffic/trace_player.h"
#include "models/traffic/traffic_generator.h"
#include "models/wafer_moe/die_compute_engine.h"
#include "models/wafer_moe/moe_orchestrator.h"
#include "platform/sim/protocol_checker.h"

namespace spatialvp {

void registerBuiltinModels(ModuleRegistry& registry) {
  registerProtocolChecker(registry);
  models::registerTrafficGenerator(registry);
  models::registerTracePlayer(registry);
  models::registerSimpleMemory(registry);
  models::registerHbmModule(registry);
  models::registerSramModule(registry);
  interconnect::registerAddressRouter(registry);
  interconnect::registerMeshModule(registry);
  interconnect::registerD2dLinkModule(registry);
  interconnect::registerNetworkPortModule(registry);
  models::star::registerStarStageUnits(registry);
  models::star::registerStarController(registry);
  models::spatial_star::registerSpatialStarCore(registry);
  models::spatial_star::registerSpatialStarOrchestrator(registry);
  interconnect::registerCrossbarSwitchModule(registry);
  models::wafer_moe::registerMoeOrchestrator(registry);
  models::wafer_moe::registerDieComputeEngine(registry);
}

}  // namespace spatialvp
