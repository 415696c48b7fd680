#pragma once
// The plug-in handshake. A plug-in is a shared library that defines its registration function
// with SPATIALVP_PLUGIN_REGISTER:
//
//   SPATIALVP_PLUGIN_REGISTER(registry) {
//     registry.add<MyModule>(myModuleType());
//   }
//
// The macro also embeds an ABI record -- a string in the library's read-only data holding the
// SDK version, the C++ standard (__cplusplus) and the SystemC version the plug-in was compiled
// against. The loader reads that record from the file *before* dlopen, so a plug-in built
// against another SDK, C++ standard or SystemC is refused with an error naming both sides
// instead of failing on an unresolved symbol (SystemC encodes the standard in a symbol name).
// All three must equal the host's: C++ types cross the boundary, so nothing less is safe.
#include <sysc/kernel/sc_ver.h>

#include "platform/sdk_version.h"
#include "platform/sim/module_registry.h"

#define SPATIALVP_ABI_STRINGIZE_(x) #x
#define SPATIALVP_ABI_STRINGIZE(x) SPATIALVP_ABI_STRINGIZE_(x)

// The record's prefix; the loader searches the library file for it.
#define SPATIALVP_PLUGIN_ABI_MAGIC "spatialvp-plugin-abi/1;"
#define SPATIALVP_PLUGIN_ABI_TEXT(sdk, cplusplus, systemc) \
  SPATIALVP_PLUGIN_ABI_MAGIC "sdk=" sdk ";c++=" cplusplus ";systemc=" systemc ";"
// The values this translation unit is compiled with.
#define SPATIALVP_PLUGIN_ABI_CURRENT_TEXT                                                          \
  SPATIALVP_PLUGIN_ABI_TEXT(SPATIALVP_SDK_VERSION, SPATIALVP_ABI_STRINGIZE(__cplusplus),           \
                            SPATIALVP_ABI_STRINGIZE(SC_VERSION_MAJOR) "." SPATIALVP_ABI_STRINGIZE( \
                                SC_VERSION_MINOR) "." SPATIALVP_ABI_STRINGIZE(SC_VERSION_PATCH))

// Emits the ABI record: kept by the linker (`used`) in its own section.
#define SPATIALVP_PLUGIN_ABI_RECORD(text)                                            \
  extern "C" __attribute__((visibility("default"), used, section(".spatialvp_abi"))) \
  const char spatialvp_plugin_abi_record[] = text;

#define SPATIALVP_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// Defines the plug-in's registration function (and its ABI record).
#define SPATIALVP_PLUGIN_REGISTER(registry)                      \
  SPATIALVP_PLUGIN_ABI_RECORD(SPATIALVP_PLUGIN_ABI_CURRENT_TEXT) \
  SPATIALVP_PLUGIN_EXPORT void spatialvp_register_plugin(::spatialvp::ModuleRegistry& registry)
