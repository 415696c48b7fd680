#pragma once
// The `sram` module type: a TLM-2.0 LT target around the SramBankGroup timing core (words
// interleaved over banks, each bank a reservation calendar). b_transport presents the request at
// sc_time_stamp() + delay and returns with delay = completion - now (never waits). Energy per
// word is energy.read_word / energy.write_word; leakage is the registry's static_power.
#include <tlm_utils/simple_target_socket.h>

#include <memory>

#include "models/memory/sram_bank_group.h"
#include "models/memory/tlm/sparse_storage.h"
#include "platform/core/histogram.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models {

class SramModule : public Module {
 public:
  SramModule(sc_core::sc_module_name name, const ModuleContext& context);

  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& payload);

  tlm_utils::simple_target_socket<SramModule> target_{"target"};
  SramBankGroup sram_;
  std::unique_ptr<SparseStorage> storage_;  // null when timing-only

  std::uint64_t address_errors_ = 0;
  std::uint64_t requests_ = 0;
  Picoseconds first_arrival_ = 0;
  Picoseconds last_completion_ = 0;
  Histogram latency_ns_{1.0, 1000};  // arrival to completion
};

void registerSramModule(ModuleRegistry& registry);

}  // namespace spatialvp::models
