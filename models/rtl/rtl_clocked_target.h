#pragma once
// Clocked RTL behind a loosely-timed TLM target: the base of a co-simulated block.
//
// A Verilated model (`Rtl`, the class `verilator --cc` generates, with a `clk` input) is owned
// by the module and driven from its b_transport, not from a SystemC clock: the RTL is clocked
// only while a transaction has work for it (tick() / clockUntil()), so an idle block costs
// nothing and the kernel never sees a free-running clock. Between transactions the RTL must be
// quiescent (its state does not change without edges), which makes skipping idle time exact.
//
// Timing discipline (docs/ARCHITECTURE.md, "loosely timed"): a transaction arrives with an
// annotated delay. beginWork() returns when the RTL may start: max(now + delay, the end of the
// previous transaction) -- one transaction at a time, like the hardware. The cycles the RTL
// took become the delay annotated on return (finishWork()).
//  - RtlSync::kAnnotate (default): temporal decoupling is kept; the RTL runs "ahead" inside
//    the call. Exact when the RTL's result depends only on the transaction (a compute block).
//  - RtlSync::kWaitOnEntry: temporal decoupling is left: the calling thread waits until the
//    start time first, so the RTL's first edge happens at the current simulated time (needed
//    when the RTL's behaviour depends on other modules' state). Callers must then tolerate a
//    target that waits (TLM-2.0 allows it; time after return is sc_time_stamp() + delay).
//
// Cost: every cycle is two eval() calls of the Verilated model (rising and falling edge);
// scripts/bench_rtl measures the wall time per call and per cycle (models/rtl/README.md).
#include <systemc>
// verilated.h calls an unqualified sc_time_stamp() once SystemC is included (it expects
// <systemc.h>, which imports all of sc_core); this one name is all it needs.
using sc_core::sc_time_stamp;
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "platform/core/contention_timeline.h"
#include "platform/sim/kernel_time.h"
#include "platform/sim/module.h"

namespace spatialvp::rtl {

enum class RtlSync { kAnnotate, kWaitOnEntry };

template <class Rtl>
class RtlClockedTarget : public Module {
 public:
  RtlClockedTarget(sc_core::sc_module_name name, const ModuleContext& context, double clock_hz,
                   RtlSync sync)
      : Module(name, context),
        verilated_(std::make_unique<VerilatedContext>()),
        rtl_(std::make_unique<Rtl>(verilated_.get(), "rtl")),
        period_ps_(1e12 / clock_hz),
        sync_(sync) {
    rtl_->clk = 0;
    rtl_->rst = 1;
    tick();
    tick();
    rtl_->rst = 0;
    cycles_ = 0;  // reset cycles are not work
  }
  ~RtlClockedTarget() override { rtl_->final(); }

  // Clocked cycles (rising edges) and transactions so far.
  std::uint64_t cycles() const { return cycles_; }
  std::uint64_t calls() const { return calls_; }
  double periodPs() const { return period_ps_; }

 protected:
  Rtl& rtl() { return *rtl_; }

  // One clock cycle: rising edge (registers update), then falling edge.
  void tick() {
    rtl_->clk = 1;
    rtl_->eval();
    rtl_->clk = 0;
    rtl_->eval();
    ++cycles_;
  }

  // Clocks until `done()` holds after an edge; throws std::runtime_error after `limit`
  // cycles (a hung RTL must not hang the simulation). Returns the cycles clocked.
  template <class Done>
  std::uint64_t clockUntil(Done done, std::uint64_t limit) {
    for (std::uint64_t n = 1; n <= limit; ++n) {
      tick();
      if (done())
        return n;
    }
    throw std::runtime_error(instanceName() + ": RTL did not finish within " +
                             std::to_string(limit) + " cycles");
  }

  // Starts a transaction: returns its start time (absolute ps) and, with kWaitOnEntry, first
  // waits until then (delay becomes zero). Call from b_transport before clocking.
  Picoseconds beginWork(sc_core::sc_time& delay) {
    ++calls_;
    auto now = nowPs();
    Picoseconds start = std::max(now + static_cast<Picoseconds>(delay.value()), free_at_);
    if (sync_ == RtlSync::kWaitOnEntry && start > now) {
      sc_core::wait(sc_core::sc_time::from_value(start - now));
      delay = sc_core::SC_ZERO_TIME;
      now = nowPs();
      start = now;
    }
    return start;
  }

  // Ends a transaction that kept the RTL busy for `cycles` from `start`; returns its end
  // (absolute ps) and annotates `delay` so that now + delay is that end.
  Picoseconds finishWork(Picoseconds start, std::uint64_t cycles, sc_core::sc_time& delay) {
    const auto end =
        start + static_cast<Picoseconds>(static_cast<double>(cycles) * period_ps_ + 0.5);
    free_at_ = std::max(free_at_, end);
    const auto now = nowPs();
    delay = sc_core::sc_time::from_value(end > now ? end - now : 0);
    return end;
  }

 private:
  std::unique_ptr<VerilatedContext> verilated_;
  std::unique_ptr<Rtl> rtl_;
  double period_ps_;
  RtlSync sync_;
  Picoseconds free_at_ = 0;
  std::uint64_t cycles_ = 0;
  std::uint64_t calls_ = 0;
};

}  // namespace spatialvp::rtl
