#pragma once
// The `sram` module type: a TLM-2.0 LT target around the SramBankGroup timing core (words
// interleaved over banks, each bank a reservation calendar). b_transport presents the request at
// sc_time_stamp() + delay and returns with delay = completion - now (never waits). Energy per
// word is energy.read_word / energy.write_word; leakage is the registry's static_power.
#include <tlm_utils/simple_target_socket.h>

#include "models/memory/sram_bank_group.h"
#include "models/memory/tlm/memory_target_front_end.h"
#include "platform/sim/memory_facts.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models {

class SramModule : public Module, public MemoryFacts {
 public:
  SramModule(sc_core::sc_module_name name, const ModuleContext& context);

  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;

  double capacityBytes() const override { return static_cast<double>(sram_.config().capacity); }
  double peakBandwidth() const override { return sram_.config().peakBandwidth(); }
  std::string capacityParam() const override { return "capacity"; }
  std::string bandwidthParam() const override { return "clock"; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& payload);

  tlm_utils::simple_target_socket<SramModule> target_{"target"};
  SramBankGroup sram_;

  MemoryTargetFrontEnd front_;
};

void registerSramModule(ModuleRegistry& registry);

}  // namespace spatialvp::models
