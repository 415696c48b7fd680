// vendor_sram: a single-ported SRAM macro that stores data. Its parameters are those of the
// built-in `memory` type, so it replaces one by its type name. An access of n bytes occupies
// the port for n / bandwidth, then pays the read or write latency; accesses queue behind each other
// (the port is busy until the previous one ends), so a stream is bandwidth-bound and a lone access
// pays the latency. Loosely timed: the module never waits, it annotates the delay.
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "vendor_ip.h"

namespace vendor {

namespace {

class VendorSram : public spatialvp::Module {
 public:
  VendorSram(sc_core::sc_module_name name, const spatialvp::ModuleContext& context)
      : Module(name, context),
        storage_(static_cast<std::size_t>(params().quantity("size")), 0),
        read_latency_(sc_core::sc_time::from_seconds(params().quantity("read_latency"))),
        write_latency_(sc_core::sc_time::from_seconds(params().quantity("write_latency"))),
        bandwidth_(params().quantity("bandwidth")) {
    target_.register_b_transport(this, &VendorSram::b_transport);
  }

  spatialvp::TargetSocket* targetSocket(const std::string& port, std::size_t index) override {
    return port == "target" && index == 0 ? &target_ : nullptr;
  }

  void reportStats(spatialvp::ModuleStats& stats) const override {
    stats.counter("reads", reads_, "transactions", "Read accesses");
    stats.counter("writes", writes_, "transactions", "Write accesses");
    stats.counter("read_bytes", read_bytes_, "B", "Bytes read");
    stats.counter("write_bytes", write_bytes_, "B", "Bytes written");
    stats.counter("queued_ps", queued_ps_, "ps", "Time accesses waited for the port");
    stats.action("read_byte", read_bytes_);
    stats.action("write_byte", write_bytes_);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    const std::uint64_t address = payload.get_address();
    const std::uint64_t length = payload.get_data_length();
    // Streaming transfers (streaming width < length) wrap inside [address, address + width).
    const std::uint64_t width = std::min<std::uint64_t>(payload.get_streaming_width(), length);
    if (payload.get_byte_enable_ptr() != nullptr) {
      payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
      return;
    }
    if (width == 0 || address >= storage_.size() || width > storage_.size() - address) {
      payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    const bool write = payload.is_write();
    unsigned char* data = payload.get_data_ptr();
    for (std::uint64_t done = 0; done < length; done += width) {
      const std::uint64_t chunk = std::min(width, length - done);
      if (write)
        std::memcpy(&storage_[address], data + done, chunk);
      else
        std::memcpy(data + done, &storage_[address], chunk);
    }
    // The port serves one access at a time, in arrival (timestamp) order.
    const sc_core::sc_time arrival = sc_core::sc_time_stamp() + delay;
    const sc_core::sc_time start = std::max(arrival, port_free_);
    const sc_core::sc_time busy =
        sc_core::sc_time::from_seconds(static_cast<double>(length) / bandwidth_);
    port_free_ = start + busy;
    queued_ps_ += static_cast<std::uint64_t>((start - arrival).value());
    delay = start + busy + (write ? write_latency_ : read_latency_) - sc_core::sc_time_stamp();
    (write ? writes_ : reads_) += 1;
    (write ? write_bytes_ : read_bytes_) += length;
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  tlm_utils::simple_target_socket<VendorSram> target_{"target"};
  std::vector<unsigned char> storage_;
  sc_core::sc_time read_latency_;
  sc_core::sc_time write_latency_;
  double bandwidth_;  // B/s
  sc_core::sc_time port_free_ = sc_core::SC_ZERO_TIME;
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
  std::uint64_t read_bytes_ = 0;
  std::uint64_t write_bytes_ = 0;
  std::uint64_t queued_ps_ = 0;
};

}  // namespace

void registerVendorSram(spatialvp::ModuleRegistry& registry) {
  using namespace spatialvp;
  ModuleTypeInfo info;
  info.name = "vendor_sram";
  info.description = "Vendor SRAM macro: stores data, fixed latency, one port of given bandwidth";
  // Every quantity carries its unit; the schema checks the kind (data, time, bandwidth).
  info.params.quantity("size", dims::data(), "Capacity")
      .byDefault("64 KiB")
      .above(0)
      .atMost(1073741824.0);
  info.params.quantity("read_latency", dims::time(), "Read access latency")
      .byDefault("1 ns")
      .atLeast(0);
  info.params.quantity("write_latency", dims::time(), "Write access latency")
      .byDefault("1 ns")
      .atLeast(0);
  info.params.quantity("bandwidth", dims::bandwidth(), "Port bandwidth")
      .byDefault("256 GB/s")
      .above(0);
  info.ports.push_back({"target", PortDirection::kTarget, "Reads and writes", true});
  info.energy_actions.push_back({"read_byte", "one byte read", "0.5 pJ"});
  info.energy_actions.push_back({"write_byte", "one byte written", "0.6 pJ"});
  registry.add<VendorSram>(std::move(info));
}

}  // namespace vendor
