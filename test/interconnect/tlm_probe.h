#pragma once
// A test initiator for interconnect TLM modules: issues a scripted list of transactions one at a
// time, waits for each to finish plus an idle gap (so each sees an idle network), records every
// latency in ps and checks that reads return what the probe wrote there before.
#include <tlm_utils/simple_initiator_socket.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"
#include "platform/sim/run_report.h"

namespace spatialvp::test {

class TlmProbe : public Module {
 public:
  TlmProbe(sc_core::sc_module_name name, const ModuleContext& context)
      : Module(name, context),
        commands_(params().strings("commands")),
        addresses_(params().integers("addresses")),
        sizes_(params().numbers("sizes")),
        start_(sc_core::sc_time::from_seconds(params().quantity("start"))),
        gap_(sc_core::sc_time::from_seconds(params().quantity("gap"))) {
    if (addresses_.size() != commands_.size() || sizes_.size() != commands_.size())
      params().fail("commands", "needs one address and one size per command");
    becomeActive();
    SC_HAS_PROCESS(TlmProbe);
    SC_THREAD(run);
  }

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override {
    return port == "out" && index == 0 ? &out_ : nullptr;
  }

  void reportStats(ModuleStats& stats) const override {
    for (std::size_t i = 0; i < latencies_ps_.size(); ++i) {
      stats.counter("latency_ps." + std::to_string(i), latencies_ps_[i], "ps", "latency");
    }
    stats.counter("errors", errors_, "transactions", "error responses");
    stats.counter("data_mismatches", mismatches_, "bytes", "read bytes that differ");
  }

  static void registerType(ModuleRegistry& registry) {
    ModuleTypeInfo info;
    info.name = "tlm_probe";
    info.description = "scripted test initiator";
    info.params.stringList("commands", "read or write, one per transaction");
    info.params.integerList("addresses", "address of each transaction");
    info.params.quantityList("sizes", dims::data(), "size of each transaction");
    info.params.quantity("start", dims::time(), "time of the first transaction").byDefault("0 s");
    info.params.quantity("gap", dims::time(), "idle time after each transaction").byDefault("1 us");
    info.ports.push_back({"out", PortDirection::kInitiator, "transactions", true});
    registry.add<TlmProbe>(std::move(info));
  }

 private:
  static unsigned char patternByte(std::uint64_t address) {
    return static_cast<unsigned char>((address * 7 + 3) & 0xff);
  }

  void run() {
    wait(start_);
    for (std::size_t i = 0; i < commands_.size(); ++i) {
      const auto address = static_cast<std::uint64_t>(addresses_[i]);
      const auto size = static_cast<unsigned int>(sizes_[i]);
      const bool is_read = commands_[i] == "read";
      std::vector<unsigned char> data(size);
      for (unsigned int b = 0; b < size && !is_read; ++b)
        data[b] = patternByte(address + b);
      tlm::tlm_generic_payload payload;
      payload.set_command(is_read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
      payload.set_address(address);
      payload.set_data_ptr(data.data());
      payload.set_data_length(size);
      payload.set_streaming_width(size);
      payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      const sc_core::sc_time issued = sc_core::sc_time_stamp();
      out_->b_transport(payload, delay);
      // A target may answer with an annotated delay, wait, or both.
      latencies_ps_.push_back((sc_core::sc_time_stamp() - issued + delay).value());
      if (payload.is_response_error())
        ++errors_;
      for (unsigned int b = 0; b < size && is_read; ++b) {
        if (data[b] != patternByte(address + b))
          ++mismatches_;
      }
      wait(delay + gap_);
    }
    services().countTransactions(commands_.size());
    finished();
  }

  tlm_utils::simple_initiator_socket<TlmProbe> out_{"out"};
  std::vector<std::string> commands_;
  std::vector<std::int64_t> addresses_;
  std::vector<double> sizes_;
  sc_core::sc_time start_;
  sc_core::sc_time gap_;
  std::vector<std::uint64_t> latencies_ps_;
  std::uint64_t errors_ = 0;
  std::uint64_t mismatches_ = 0;
};

// Value of stat `name` of module `module` in a run report; fails the test if missing.
inline double statOf(const RunReport& report, const std::string& module, const std::string& name) {
  for (const auto& entry : report.modules) {
    if (entry.name != module)
      continue;
    for (const auto& value : entry.stats.values()) {
      if (value.name == name)
        return value.value;
    }
  }
  throw std::runtime_error("no stat " + module + "." + name);
}

}  // namespace spatialvp::test
