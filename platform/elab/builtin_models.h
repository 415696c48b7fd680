#pragma once
#include "platform/sim/module_registry.h"

namespace spatialvp {

// Adds every model type that ships with spatialvp to `registry`.
void registerBuiltinModels(ModuleRegistry& registry);

}  // namespace spatialvp
