#pragma once
// Base class of every platform module. A module is an sc_module with TLM-2.0 sockets; it is
// built from validated parameters, exposes its sockets by port name for YAML binding, and
// reports stats at the end of a run. See docs/ARCHITECTURE.md for how to add one.
#include <cstdint>
#include <optional>
#include <string>
#include <systemc>
#include <tlm>

#include "platform/core/module_stats.h"
#include "platform/core/param_values.h"
#include "platform/sim/module_type.h"
#include "platform/sim/platform_view.h"
#include "platform/sim/simulation_services.h"
#include "platform/sim/trace_flow.h"

namespace spatialvp {

using InitiatorSocket = tlm::tlm_initiator_socket<32>;
using TargetSocket = tlm::tlm_target_socket<32>;

struct ModuleContext {
  std::string name;  // instance name as written in the YAML
  const ParamValues& params;
  const ModuleTypeInfo& type;
  SimulationServices& services;
};

// How far a module is through its work, for the progress line of long runs.
struct WorkProgress {
  double done = 0.0;
  double total = 0.0;
  std::string unit;  // what is counted: "tiles", "layers", "iterations", "requests"
};

class Module : public sc_core::sc_module {
 public:
  // Derived classes take the sc_module_name by value and pass it on, as SystemC requires.
  Module(sc_core::sc_module_name name, const ModuleContext& context);

  // Sockets by port name and index; nullptr when there is no such port or index.
  virtual InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index);
  virtual TargetSocket* targetSocket(const std::string& port, std::size_t index);
  // Number of sockets behind a port (indexed ports have several).
  virtual std::size_t portWidth(const std::string& port) const;

  // Called once every socket of the platform is bound, before the simulation starts: read the
  // facts that other modules own (through the sockets this module is bound to) and turn any
  // disagreement with this module's own parameters into a located ConfigError.
  virtual void connected(const PlatformView& view);

  // Counters, values, histograms, energy actions and headline figures for stats.json.
  virtual void reportStats(ModuleStats& stats) const;
  // Work done of total, where the module knows it; polled between slices of simulated time.
  virtual std::optional<WorkProgress> progress() const;
  // An active module that has not reported finished() (for deadlock and limit messages).
  bool hasWorkLeft() const { return active_ && !finished_; }

  const std::string& instanceName() const { return instance_name_; }
  const ParamValues& params() const { return params_; }
  const ModuleTypeInfo& typeInfo() const { return type_; }

 protected:
  // Initiators call this in their constructor, then finished() once their work is done.
  void becomeActive();
  void finished();

  SimulationServices& services() { return services_; }
  std::uint64_t seed() const { return services_.seedFor(instance_name_); }
  // Tracing: nullptr when the run has no --trace, so the check is one compare. (SystemC's
  // sc_object::trace(sc_trace_file*) stays visible beside it.)
  using sc_core::sc_module::trace;
  TraceWriter* trace() { return services_.trace(); }
  int traceTrack();
  // This module's writer and track, for helpers that draw spans (burstTransfer).
  TraceSite traceSite() { return {trace(), traceTrack()}; }
  // A row of its own, "<instance>.<part>" (e.g. one per core, or a DMA engine's).
  TraceSite traceSite(const std::string& part);
  // Traced runs only (check trace() first): `args.bytes` of transaction `flow` moved over this
  // module's resource `part` (a link direction, a port, the memory itself when empty) over
  // [start, end), drawn as a span on the resource's track and in its bandwidth counter.
  void traceTransfer(const std::string& part, std::uint64_t flow, const char* what,
                     Picoseconds start, Picoseconds end, const TraceArgs& args);
  // Traced runs only: a memory access from arrival to completion, as a span with its bytes and
  // address joined to the payload's transaction, in the bandwidth counter and in an
  // outstanding-requests counter (the mean number of accesses in service per bin).
  void traceAccess(tlm::tlm_generic_payload& payload, bool is_read, std::uint64_t address,
                   std::uint64_t bytes, Picoseconds arrival, Picoseconds completion);

 private:
  std::string instance_name_;
  ParamValues params_;
  const ModuleTypeInfo& type_;
  SimulationServices& services_;
  int trace_track_ = -1;
  bool active_ = false;
  bool finished_ = false;
};

}  // namespace spatialvp
