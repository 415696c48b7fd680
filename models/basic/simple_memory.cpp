#include "models/basic/simple_memory.h"

#include <cstring>

#include "platform/sim/kernel_time.h"

namespace spatialvp::models {

namespace {
constexpr std::uint64_t kMaxStoredBytes = 1ULL << 30;
Picoseconds toPicoseconds(double seconds) {
  return static_cast<Picoseconds>(seconds * 1e12 + 0.5);
}
}  // namespace

SimpleMemory::SimpleMemory(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      size_(static_cast<std::uint64_t>(params().quantity("size"))),
      read_latency_(toPicoseconds(params().quantity("read_latency"))),
      write_latency_(toPicoseconds(params().quantity("write_latency"))),
      bandwidth_(params().quantity("bandwidth")) {
  if (params().boolean("store_data")) {
    if (size_ > kMaxStoredBytes) {
      params().fail("store_data", "data can be stored for memories of at most 1 GiB");
    }
    storage_.assign(size_, 0);
  }
  target_.register_b_transport(this, &SimpleMemory::b_transport);
  target_.register_transport_dbg(this, &SimpleMemory::transport_dbg);
}

TargetSocket* SimpleMemory::targetSocket(const std::string& port, std::size_t index) {
  return port == "target" && index == 0 ? &target_ : nullptr;
}

void SimpleMemory::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const std::uint64_t address = payload.get_address();
  const std::uint64_t length = payload.get_data_length();
  // A streaming transfer (streaming width < length) wraps inside [address, address + width).
  const std::uint64_t width = payload.get_streaming_width();
  const std::uint64_t span = width > 0 && width < length ? width : length;
  if (address >= size_ || span > size_ - address) {
    ++address_errors_;
    payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (payload.get_byte_enable_ptr() != nullptr) {
    payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  const bool is_read = payload.is_read();
  if (!is_read && !payload.is_write()) {
    payload.set_response_status(tlm::TLM_OK_RESPONSE);  // TLM_IGNORE_COMMAND
    return;
  }
  const Picoseconds now = nowPs();
  const Picoseconds arrival = now + delay.value();
  const Picoseconds transfer = transferTime(length, bandwidth_);
  const Picoseconds start = port_.reserve(arrival, transfer);
  const Picoseconds done = start + transfer + (is_read ? read_latency_ : write_latency_);
  delay = sc_core::sc_time::from_value(done - now);
  if (trace())
    traceAccess(payload, is_read, address, length, arrival, done);
  if ((reads_ + writes_) % 1024 == 0)
    port_.retire(now);

  if (!storage_.empty()) {
    if (span != length) {  // streaming with stored data is not needed by any model yet
      payload.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
      return;
    }
    if (is_read) {
      std::memcpy(payload.get_data_ptr(), storage_.data() + address, length);
    } else {
      std::memcpy(storage_.data() + address, payload.get_data_ptr(), length);
    }
  }
  if (is_read) {
    ++reads_;
    read_bytes_ += length;
  } else {
    ++writes_;
    write_bytes_ += length;
  }
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int SimpleMemory::transport_dbg(tlm::tlm_generic_payload& payload) {
  const std::uint64_t address = payload.get_address();
  if (storage_.empty() || address >= size_)
    return 0;
  const auto length = static_cast<unsigned int>(
      std::min<std::uint64_t>(payload.get_data_length(), size_ - address));
  if (payload.is_read()) {
    std::memcpy(payload.get_data_ptr(), storage_.data() + address, length);
  } else if (payload.is_write()) {
    std::memcpy(storage_.data() + address, payload.get_data_ptr(), length);
  }
  return length;
}

void SimpleMemory::reportStats(ModuleStats& stats) const {
  stats.counter("reads", reads_, "transactions", "Read transactions served");
  stats.counter("writes", writes_, "transactions", "Write transactions served");
  stats.counter("read_bytes", read_bytes_, "B", "Bytes read");
  stats.counter("write_bytes", write_bytes_, "B", "Bytes written");
  stats.counter("address_errors", address_errors_, "transactions", "Accesses outside the memory");
  stats.value("port_busy_time", static_cast<double>(port_.busyTime()) * 1e-12, "s",
              "Time the port spent transferring data");
  stats.action("read_byte", read_bytes_);
  stats.action("write_byte", write_bytes_);
}

void registerSimpleMemory(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "memory";
  info.description = "Flat memory: fixed latency plus one bandwidth-limited port with contention";
  info.params.quantity("size", dims::data(), "Capacity").above(0);
  info.params.quantity("read_latency", dims::time(), "Latency of a read after its transfer")
      .byDefault("10 ns")
      .atLeast(0);
  info.params.quantity("write_latency", dims::time(), "Latency of a write after its transfer")
      .byDefault("10 ns")
      .atLeast(0);
  info.params.quantity("bandwidth", dims::bandwidth(), "Port bandwidth")
      .byDefault("64 GB/s")
      .above(0);
  info.params.boolean("store_data", "Keep the data (functional runs); timing-only when false")
      .byDefault("false");
  info.ports.push_back({"target", PortDirection::kTarget, "Memory accesses come in here", true});
  info.energy_actions.push_back({"read_byte", "one byte read", "0 J"});
  info.energy_actions.push_back({"write_byte", "one byte written", "0 J"});
  registry.add<SimpleMemory>(std::move(info));
}

}  // namespace spatialvp::models
