#include "platform/sim/protocol_checker.h"

namespace spatialvp {

namespace {
constexpr std::size_t kMaxMessages = 20;

int phaseIndex(const tlm::tlm_phase& phase) {
  if (phase == tlm::BEGIN_REQ)
    return 1;
  if (phase == tlm::END_REQ)
    return 2;
  if (phase == tlm::BEGIN_RESP)
    return 3;
  if (phase == tlm::END_RESP)
    return 4;
  return 0;
}
}  // namespace

ProtocolChecker::ProtocolChecker(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      fail_on_violation_(params().boolean("fail_on_violation")),
      check_range_(params().boolean("check_address_range")),
      range_base_(static_cast<std::uint64_t>(params().integer("address_base"))),
      range_size_(static_cast<std::uint64_t>(params().quantity("address_size"))) {
  in_.register_b_transport(this, &ProtocolChecker::b_transport);
  in_.register_nb_transport_fw(this, &ProtocolChecker::nb_transport_fw);
  in_.register_transport_dbg(this, &ProtocolChecker::transport_dbg);
  in_.register_get_direct_mem_ptr(this, &ProtocolChecker::get_direct_mem_ptr);
  out_.register_nb_transport_bw(this, &ProtocolChecker::nb_transport_bw);
  out_.register_invalidate_direct_mem_ptr(this, &ProtocolChecker::invalidate_direct_mem_ptr);
}

InitiatorSocket* ProtocolChecker::initiatorSocket(const std::string& port, std::size_t index) {
  return port == "out" && index == 0 ? &out_ : nullptr;
}

TargetSocket* ProtocolChecker::targetSocket(const std::string& port, std::size_t index) {
  return port == "in" && index == 0 ? &in_ : nullptr;
}

void ProtocolChecker::violation(const std::string& rule, const std::string& detail) {
  ++violations_;
  ++violations_by_rule_[rule];
  const std::string message = instanceName() + ": base-protocol violation [" + rule +
                              "]: " + detail + " at " + sc_core::sc_time_stamp().to_string();
  if (messages_.size() < kMaxMessages)
    messages_.push_back(message);
  if (fail_on_violation_)
    SC_REPORT_ERROR("spatialvp/protocol", message.c_str());
}

void ProtocolChecker::checkRequest(const tlm::tlm_generic_payload& payload, const char* interface) {
  const auto command = payload.get_command();
  if (command != tlm::TLM_READ_COMMAND && command != tlm::TLM_WRITE_COMMAND &&
      command != tlm::TLM_IGNORE_COMMAND) {
    violation("command", std::string(interface) + " with an invalid command");
  }
  if (payload.get_data_ptr() == nullptr && command != tlm::TLM_IGNORE_COMMAND) {
    violation("data_ptr", std::string(interface) + " with a null data pointer");
  }
  if (payload.get_data_length() == 0) {
    violation("data_length", std::string(interface) + " with a data length of 0");
  }
  if (payload.get_streaming_width() == 0) {
    violation("streaming_width", std::string(interface) + " with a streaming width of 0");
  }
  if (payload.get_byte_enable_ptr() != nullptr && payload.get_byte_enable_length() == 0) {
    violation("byte_enable", "byte-enable pointer set with a byte-enable length of 0");
  }
  if (payload.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE) {
    violation("response_status", "the initiator must send TLM_INCOMPLETE_RESPONSE, sent " +
                                     payload.get_response_string());
  }
  if (check_range_) {
    const std::uint64_t address = payload.get_address();
    const std::uint64_t length = payload.get_data_length();
    const std::uint64_t width = payload.get_streaming_width();
    const std::uint64_t span = width < length ? width : length;
    if (address < range_base_ || address - range_base_ >= range_size_ ||
        span > range_size_ - (address - range_base_)) {
      violation("address_range", "access at " + std::to_string(address) + " of " +
                                     std::to_string(payload.get_data_length()) +
                                     " bytes leaves the declared window");
    }
  }
}

void ProtocolChecker::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  ++transactions_;
  checkRequest(payload, "b_transport");
  if (!in_flight_.insert(&payload).second) {
    violation("reentrancy", "payload re-entered b_transport while still in flight");
  }
  const auto command = payload.get_command();
  const auto address = payload.get_address();
  auto* const data = payload.get_data_ptr();
  const auto length = payload.get_data_length();
  const auto width = payload.get_streaming_width();
  // A target may wait() inside b_transport (TLM-2.0 allows it): compare absolute times.
  const sc_core::sc_time due_in = sc_core::sc_time_stamp() + delay;

  out_->b_transport(payload, delay);

  in_flight_.erase(&payload);
  if (payload.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE) {
    violation("response_status", "target returned without setting a response status");
  }
  if (payload.get_command() != command || payload.get_address() != address ||
      payload.get_data_ptr() != data || payload.get_data_length() != length ||
      payload.get_streaming_width() != width) {
    violation("immutable_attributes",
              "target modified command, address, data pointer, data length or streaming width");
  }
  if (sc_core::sc_time_stamp() + delay < due_in)
    violation("timing", "target decreased the annotated delay");
}

void ProtocolChecker::advancePhase(const tlm::tlm_generic_payload& payload,
                                   const tlm::tlm_phase& phase, bool forward) {
  const int next = phaseIndex(phase);
  if (next == 0) {
    violation("phase", "unknown phase on the base protocol");
    return;
  }
  const bool initiator_phase = next == 1 || next == 4;
  if (initiator_phase != forward) {
    violation("phase", std::string(phase.get_name()) + " sent on the wrong path");
  }
  const int previous = phase_of_.count(&payload) ? phase_of_[&payload] : 0;
  const bool ordered = (previous == 0 && next == 1) || (previous == 4 && next == 1) ||
                       (next > previous && previous != 0);
  if (!ordered) {
    violation("phase", "phase " + std::string(phase.get_name()) + " out of order");
  }
  phase_of_[&payload] = next;
  if (next == 4)
    phase_of_.erase(&payload);
}

tlm::tlm_sync_enum ProtocolChecker::nb_transport_fw(tlm::tlm_generic_payload& payload,
                                                    tlm::tlm_phase& phase,
                                                    sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    ++transactions_;
    checkRequest(payload, "nb_transport_fw");
  }
  advancePhase(payload, phase, true);
  const tlm::tlm_sync_enum status = out_->nb_transport_fw(payload, phase, delay);
  if (status == tlm::TLM_COMPLETED) {
    phase_of_.erase(&payload);
  } else if (status == tlm::TLM_UPDATED) {
    advancePhase(payload, phase, false);
  }
  return status;
}

tlm::tlm_sync_enum ProtocolChecker::nb_transport_bw(tlm::tlm_generic_payload& payload,
                                                    tlm::tlm_phase& phase,
                                                    sc_core::sc_time& delay) {
  advancePhase(payload, phase, false);
  const tlm::tlm_sync_enum status = in_->nb_transport_bw(payload, phase, delay);
  if (status == tlm::TLM_COMPLETED)
    phase_of_.erase(&payload);
  return status;
}

unsigned int ProtocolChecker::transport_dbg(tlm::tlm_generic_payload& payload) {
  return out_->transport_dbg(payload);
}

bool ProtocolChecker::get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi) {
  return out_->get_direct_mem_ptr(payload, dmi);
}

void ProtocolChecker::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  in_->invalidate_direct_mem_ptr(start, end);
}

void ProtocolChecker::reportStats(ModuleStats& stats) const {
  stats.counter("transactions", transactions_, "transactions", "Transactions checked");
  stats.counter("violations", violations_, "violations", "Base-protocol violations found");
  for (const auto& [rule, count] : violations_by_rule_) {
    stats.counter("violations." + rule, count, "violations", "Violations of rule '" + rule + "'");
  }
}

void registerProtocolChecker(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "protocol_checker";
  info.description = "TLM-2.0 base-protocol checker inserted between an initiator and a target";
  info.params.boolean("fail_on_violation", "Stop the run with an error at the first violation")
      .byDefault("true");
  info.params
      .boolean("check_address_range", "Check accesses stay within [address_base, +address_size)")
      .byDefault("false");
  info.params.integer("address_base", "Start of the allowed address window")
      .byDefault("0")
      .atLeast(0);
  info.params.quantity("address_size", dims::data(), "Size of the allowed address window")
      .byDefault("8 EiB")
      .above(0);
  info.ports.push_back({"in", PortDirection::kTarget, "From the initiator side", true});
  info.ports.push_back({"out", PortDirection::kInitiator, "To the target side", true});
  registry.add<ProtocolChecker>(std::move(info));
}

}  // namespace spatialvp
