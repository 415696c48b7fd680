#pragma once
// Run-wide services handed to every module at construction: seeds, tracing, and the
// completion monitor that ends the run when every active (initiating) module has finished.
#include <cstdint>
#include <memory>
#include <string>
#include <systemc>

#include "platform/core/trace_writer.h"

namespace spatialvp {

class SimulationServices {
 public:
  SimulationServices(std::uint64_t seed, sc_core::sc_time quantum,
                     std::unique_ptr<TraceWriter> trace);

  // A stable per-instance seed: the same platform seed and instance name give the same stream.
  std::uint64_t seedFor(const std::string& instance_name) const;
  std::uint64_t platformSeed() const { return seed_; }
  const sc_core::sc_time& quantum() const { return quantum_; }

  TraceWriter* trace() { return trace_.get(); }
  const TraceWriter* trace() const { return trace_.get(); }

  // Active modules register during elaboration and report completion once.
  void registerActive() { ++active_; }
  void reportFinished();
  std::size_t activeModules() const { return active_; }
  std::size_t unfinishedModules() const { return active_ - finished_; }
  bool allFinished() const { return finished_ == active_; }

  // Transactions issued by initiators, for the simulator-speed figure.
  void countTransactions(std::uint64_t count) { transactions_ += count; }
  std::uint64_t transactions() const { return transactions_; }

 private:
  std::uint64_t seed_;
  sc_core::sc_time quantum_;
  std::unique_ptr<TraceWriter> trace_;
  std::size_t active_ = 0;
  std::size_t finished_ = 0;
  std::uint64_t transactions_ = 0;
};

}  // namespace spatialvp
