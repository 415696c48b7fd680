// A plug-in built as C++20 against this SDK (test only): SystemC encodes the C++ standard in
// a symbol it references, so dlopen alone would fail with a raw undefined-symbol error. The
// loader must refuse it first, from its ABI record, naming both standards.
#include "platform/sim/plugin_abi.h"

namespace {

class Cxx20Module : public spatialvp::Module {
 public:
  Cxx20Module(sc_core::sc_module_name name, const spatialvp::ModuleContext& context)
      : Module(name, context) {}
};

}  // namespace

SPATIALVP_PLUGIN_REGISTER(registry) {
  spatialvp::ModuleTypeInfo info;
  info.name = "cxx20_module";
  info.description = "Test module built as C++20";
  registry.add<Cxx20Module>(std::move(info));
}
