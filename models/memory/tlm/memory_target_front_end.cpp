#include "models/memory/tlm/memory_target_front_end.h"

#include "platform/sim/kernel_time.h"

namespace spatialvp::models {

MemoryTargetFrontEnd::MemoryTargetFrontEnd(double latency_bin_ns, std::uint64_t storage_page_bytes,
                                           bool store_data)
    : latency_ns_(latency_bin_ns, 1000) {
  if (store_data)
    storage_ = std::make_unique<SparseStorage>(storage_page_bytes);
}

std::optional<MemoryAccess> MemoryTargetFrontEnd::checkPayload(tlm::tlm_generic_payload& payload,
                                                               const sc_core::sc_time& delay,
                                                               bool in_range) {
  MemoryAccess access;
  access.address = payload.get_address();
  access.length = payload.get_data_length();
  const std::uint64_t width = payload.get_streaming_width();
  access.span = width > 0 && width < access.length ? width : access.length;
  if (!in_range) {
    ++address_errors_;
    payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return std::nullopt;
  }
  if (payload.get_byte_enable_ptr() != nullptr) {
    payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return std::nullopt;
  }
  if (access.span < access.length && storage_) {  // no model streams stored data yet
    payload.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return std::nullopt;
  }
  access.is_read = payload.is_read();
  if (!access.is_read && !payload.is_write()) {
    payload.set_response_status(tlm::TLM_OK_RESPONSE);  // TLM_IGNORE_COMMAND
    return std::nullopt;
  }
  access.now = nowPs();
  access.arrival = access.now + delay.value();
  return access;
}

void MemoryTargetFrontEnd::complete(tlm::tlm_generic_payload& payload, const MemoryAccess& access,
                                    Picoseconds completion, sc_core::sc_time& delay,
                                    bool move_data) {
  delay = sc_core::sc_time::from_value(completion - access.now);
  if (requests_ == 0 || access.arrival < first_arrival_)
    first_arrival_ = access.arrival;
  last_completion_ = std::max(last_completion_, completion);
  ++requests_;
  latency_ns_.record(static_cast<double>(completion - access.arrival) * 1e-3);
  if (move_data)
    moveData(payload, access);
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

void MemoryTargetFrontEnd::moveData(tlm::tlm_generic_payload& payload, const MemoryAccess& access) {
  if (!storage_)
    return;
  if (access.is_read) {
    storage_->read(access.address, payload.get_data_ptr(), access.length);
  } else {
    storage_->write(access.address, payload.get_data_ptr(), access.length);
  }
}

unsigned int MemoryTargetFrontEnd::transportDbg(tlm::tlm_generic_payload& payload,
                                                std::uint64_t capacity) {
  const std::uint64_t address = payload.get_address();
  if (!storage_ || address >= capacity)
    return 0;
  const auto length = static_cast<unsigned int>(
      std::min<std::uint64_t>(payload.get_data_length(), capacity - address));
  if (payload.is_read()) {
    storage_->read(address, payload.get_data_ptr(), length);
  } else if (payload.is_write()) {
    storage_->write(address, payload.get_data_ptr(), length);
  }
  return length;
}

}  // namespace spatialvp::models
