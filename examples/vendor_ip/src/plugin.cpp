// The plug-in's entry point: SPATIALVP_PLUGIN_REGISTER defines the registration function and
// embeds the ABI record (SDK version, C++ standard, SystemC version) the loader checks.
#include "platform/sim/plugin_abi.h"
#include "vendor_ip.h"

SPATIALVP_PLUGIN_REGISTER(registry) {
  vendor::registerVendorSram(registry);
  vendor::registerVendorSadsUnit(registry);
}
