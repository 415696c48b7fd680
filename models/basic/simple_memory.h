#pragma once
// A flat memory target: fixed access latency plus a bandwidth-limited port whose contention is
// resolved by a reservation timeline. Optionally stores data (functional runs and tests).
#include <tlm_utils/simple_target_socket.h>

#include <vector>

#include "platform/core/contention_timeline.h"
#include "platform/sim/memory_facts.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models {

class SimpleMemory : public Module, public MemoryFacts {
 public:
  SimpleMemory(sc_core::sc_module_name name, const ModuleContext& context);

  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;

  double capacityBytes() const override { return static_cast<double>(size_); }
  double peakBandwidth() const override { return bandwidth_; }
  std::string capacityParam() const override { return "size"; }
  std::string bandwidthParam() const override { return "bandwidth"; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& payload);

  tlm_utils::simple_target_socket<SimpleMemory> target_{"target"};
  std::uint64_t size_;
  Picoseconds read_latency_;
  Picoseconds write_latency_;
  double bandwidth_;
  std::vector<unsigned char> storage_;  // empty when timing-only
  ContentionTimeline port_;

  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
  std::uint64_t read_bytes_ = 0;
  std::uint64_t write_bytes_ = 0;
  std::uint64_t address_errors_ = 0;
};

void registerSimpleMemory(ModuleRegistry& registry);

}  // namespace spatialvp::models
