#pragma once
// The two module types of this plug-in; src/plugin.cpp registers them.
#include "platform/sim/module_registry.h"

namespace vendor {

// A memory-like target: a single-ported SRAM macro that stores data (reads return what was
// written), with read/write latencies and a port bandwidth (the `memory` type's parameters).
void registerVendorSram(spatialvp::ModuleRegistry& registry);

// A replacement for the STAR SADS unit: a wider sort core (`new_inputs` scores per round
// instead of the reference 12), taking the same tile-stage jobs (models/star/stage_job.h).
void registerVendorSadsUnit(spatialvp::ModuleRegistry& registry);

}  // namespace vendor
