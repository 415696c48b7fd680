#pragma once
// The die job interface: how an orchestrator hands compute work to a wafer die's compute engine
// (issue 13). The generic payload is a 1-byte write to the engine's `jobs` port; the extension
// says how much to compute and in which datatype. The engine annotates the LT delay with the
// job's completion and fills in when it started and finished, so engines stay ordinary TLM
// targets that a protocol checker can watch and that another type can replace: any module whose
// `jobs` target accepts DieJobExtension and implements DieComputeFacts is a die compute engine
// (docs/VENDOR_IP.md, "Replaceable by type").
#include <string>
#include <tlm>

#include "platform/core/contention_timeline.h"
#include "platform/core/trace_writer.h"
#include "workloads/moe/hardware_spec.h"

namespace spatialvp::models::wafer_moe {

struct DieJobExtension : tlm::tlm_extension<DieJobExtension> {
  double flops = 0.0;  // floating-point operations of the job (GEMMs, attention scores)
  moe::Datatype datatype = moe::Datatype::kBf16;
  // Filled by the engine: when the job started and finished (ps, absolute simulated time).
  std::uint64_t started_ps = 0;
  std::uint64_t finished_ps = 0;

  tlm::tlm_extension_base* clone() const override { return new DieJobExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const DieJobExtension&>(other);
  }
};

// What an engine publishes to the orchestrator at elaboration (Module::connected): facts it owns
// and an orchestrator reads instead of repeating them in its own parameters.
class DieComputeFacts {
 public:
  virtual ~DieComputeFacts() = default;
  // Peak rate for a datatype (FLOP/s); 0 when the engine does not compute in it.
  virtual double peakFlops(moe::Datatype datatype) const = 0;
  // Sustained fraction of the peak the engine reaches on the orchestrator's jobs.
  virtual double sustainedFraction() const = 0;
};

struct DieJobTiming {
  Picoseconds started = 0;
  Picoseconds finished = 0;
};

// Sends a job of `flops` in `datatype` to `engine`, ready no earlier than `ready` (absolute ps,
// not before now). An engine that rejects the job raises a SystemC error naming `sender`. With a
// traced `site` the job is a span there, joined by a flow arrow to the engine's span.
DieJobTiming sendDieJob(tlm::tlm_fw_transport_if<>& engine, double flops, moe::Datatype datatype,
                        Picoseconds ready, const std::string& sender, TraceSite site = {});

const char* datatypeName(moe::Datatype datatype);

}  // namespace spatialvp::models::wafer_moe
