// Example vendor IP plug-in: a scratchpad memory with a fixed access time per 64-byte line.
// The template for "add your own IP": one Module subclass and SPATIALVP_PLUGIN_REGISTER (which
// also embeds the ABI record). Build it as a MODULE library linked to `spatialvp` and list it
// under `plugins:` in a platform YAML. examples/vendor_ip/ does the same out of tree.
#include <tlm_utils/simple_target_socket.h>

#include "platform/sim/plugin_abi.h"

namespace vendor {

class VendorScratchpad : public spatialvp::Module {
 public:
  VendorScratchpad(sc_core::sc_module_name name, const spatialvp::ModuleContext& context)
      : Module(name, context),
        size_(static_cast<std::uint64_t>(params().quantity("size"))),
        line_time_(sc_core::sc_time::from_seconds(params().quantity("line_time"))) {
    target_.register_b_transport(this, &VendorScratchpad::b_transport);
  }

  spatialvp::TargetSocket* targetSocket(const std::string& port, std::size_t index) override {
    return port == "target" && index == 0 ? &target_ : nullptr;
  }

  void reportStats(spatialvp::ModuleStats& stats) const override {
    stats.counter("accesses", accesses_, "transactions", "Accesses served");
    stats.counter("lines", lines_, "lines", "64-byte lines moved");
    stats.action("line", lines_);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    if (payload.get_address() + payload.get_data_length() > size_) {
      payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    const std::uint64_t lines = (payload.get_data_length() + 63) / 64;
    delay += line_time_ * static_cast<double>(lines);
    ++accesses_;
    lines_ += lines;
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  tlm_utils::simple_target_socket<VendorScratchpad> target_{"target"};
  std::uint64_t size_;
  sc_core::sc_time line_time_;
  std::uint64_t accesses_ = 0;
  std::uint64_t lines_ = 0;
};

}  // namespace vendor

SPATIALVP_PLUGIN_REGISTER(registry) {
  spatialvp::ModuleTypeInfo info;
  info.name = "vendor_scratchpad";
  info.description = "Example vendor IP: scratchpad with a fixed time per 64-byte line";
  info.params.quantity("size", spatialvp::dims::data(), "Capacity").byDefault("256 KiB").above(0);
  info.params.quantity("line_time", spatialvp::dims::time(), "Time per 64-byte line")
      .byDefault("2 ns")
      .above(0);
  info.ports.push_back({"target", spatialvp::PortDirection::kTarget, "Accesses", true});
  info.energy_actions.push_back({"line", "one 64-byte line moved", "5 pJ"});
  registry.add<vendor::VendorScratchpad>(std::move(info));
}
