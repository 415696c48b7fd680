#pragma once
// trace_player: replays a recorded transaction trace (models/traffic/transaction_trace.h)
// through one initiator socket. Each transaction is issued at its recorded time or, when the
// previous one has not completed yet, as soon as it has (one transaction in flight, loosely
// timed with a quantum keeper); such late issues are counted. Writes carry the trace's data;
// reads with data in the trace are checked against what the target returns.
#include <tlm_utils/simple_initiator_socket.h>

#include <vector>

#include "models/traffic/transaction_trace.h"
#include "platform/core/histogram.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::models {

class TracePlayer : public Module {
 public:
  TracePlayer(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;

 private:
  void run();

  tlm_utils::simple_initiator_socket<TracePlayer> out_{"out"};
  std::vector<TraceTransaction> trace_;
  std::vector<unsigned char> buffer_;
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t late_issues_ = 0;
  std::uint64_t checked_reads_ = 0;
  std::uint64_t data_mismatches_ = 0;
  Histogram latency_ns_{1.0, 1000};
  sc_core::sc_time finish_time_ = sc_core::SC_ZERO_TIME;
};

void registerTracePlayer(ModuleRegistry& registry);

}  // namespace spatialvp::models
