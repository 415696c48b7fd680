#pragma once
// Loosely-timed traffic generator: issues reads/writes of a fixed size through one initiator
// socket with a quantum keeper (temporal decoupling), one transaction in flight. With
// `data: pattern` it carries data: writes store a pattern derived from the address, and reads
// of addresses it wrote check that the target returns that pattern.
#include <tlm_utils/simple_initiator_socket.h>

#include <unordered_set>
#include <vector>

#include "platform/core/histogram.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models {

class TrafficGenerator : public Module {
 public:
  TrafficGenerator(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;

 private:
  void run();
  std::uint64_t nextAddress(std::uint64_t index);

  tlm_utils::simple_initiator_socket<TrafficGenerator> out_{"out"};
  std::uint64_t transactions_;
  std::uint64_t size_;
  bool random_;
  double read_fraction_;
  std::uint64_t address_base_;
  std::uint64_t address_slots_;
  sc_core::sc_time issue_gap_;
  std::uint64_t rng_state_;

  std::vector<unsigned char> buffer_;
  bool carry_data_;
  std::unordered_set<std::uint64_t> written_;  // addresses written (data: pattern)
  std::uint64_t checked_reads_ = 0;
  std::uint64_t data_mismatches_ = 0;
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
  std::uint64_t bytes_ = 0;
  Histogram latency_ns_{1.0, 1000};
  sc_core::sc_time finish_time_ = sc_core::SC_ZERO_TIME;
};

void registerTrafficGenerator(ModuleRegistry& registry);

}  // namespace spatialvp::models
