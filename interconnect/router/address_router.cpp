#include "interconnect/router/address_router.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "platform/sim/kernel_time.h"

namespace spatialvp::interconnect {

namespace {
std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}
// One past `last`, which is 2^64 for a range ending at the top of the address space.
std::string hexEnd(std::uint64_t last) {
  return last == std::numeric_limits<std::uint64_t>::max() ? std::string("0x10000000000000000")
                                                           : hex(last + 1);
}
}  // namespace

AddressRouter::AddressRouter(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      latency_(static_cast<Picoseconds>(params().quantity("latency") * 1e12 + 0.5)),
      bandwidth_(params().quantity("bandwidth")) {
  const auto& bases = params().integers("base_addresses");
  const auto& sizes = params().numbers("sizes");
  if (bases.empty())
    params().fail("base_addresses", "at least one address range is needed");
  if (bases.size() != sizes.size()) {
    params().fail("sizes", "needs one size per base address (" + std::to_string(bases.size()) +
                               " bases, " + std::to_string(sizes.size()) + " sizes)");
  }
  // Every range must end inside the 64-bit address space: [base, base + size) with
  // base + size <= 2^64, so `last` below never wraps.
  constexpr double kAddressSpace = 18446744073709551616.0;  // 2^64
  for (std::size_t i = 0; i < bases.size(); ++i) {
    if (sizes[i] != std::floor(sizes[i]) || !(sizes[i] < kAddressSpace)) {
      params().fail("sizes",
                    "range " + std::to_string(i) + " must be a whole number of bytes below 2^64 B");
    }
    const auto base = static_cast<std::uint64_t>(bases[i]);
    const auto size = static_cast<std::uint64_t>(sizes[i]);
    if (size - 1 > std::numeric_limits<std::uint64_t>::max() - base) {
      params().fail("sizes", "range " + std::to_string(i) + " at " + hex(base) + " of " +
                                 std::to_string(size) +
                                 " B runs past the end of the 64-bit address space");
    }
    ranges_.push_back({base, size});
  }
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    for (std::size_t j = i + 1; j < ranges_.size(); ++j) {
      const Range& a = ranges_[i];
      const Range& b = ranges_[j];
      const std::uint64_t a_last = a.base + (a.size - 1);
      const std::uint64_t b_last = b.base + (b.size - 1);
      if (a.base <= b_last && b.base <= a_last) {
        params().fail("base_addresses", "address ranges " + std::to_string(i) + " [" + hex(a.base) +
                                            ", " + hexEnd(a_last) + ") and " + std::to_string(j) +
                                            " [" + hex(b.base) + ", " + hexEnd(b_last) +
                                            ") overlap");
      }
    }
  }
  const auto input_count = static_cast<std::size_t>(params().integer("inputs"));
  for (std::size_t i = 0; i < input_count; ++i) {
    auto socket = std::make_unique<tlm_utils::simple_target_socket_tagged<AddressRouter>>(
        ("in_" + std::to_string(i)).c_str());
    socket->register_b_transport(this, &AddressRouter::b_transport, static_cast<int>(i));
    socket->register_nb_transport_fw(this, &AddressRouter::nb_transport_fw, static_cast<int>(i));
    socket->register_transport_dbg(this, &AddressRouter::transport_dbg, static_cast<int>(i));
    inputs_.push_back(std::move(socket));
  }
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    auto socket = std::make_unique<tlm_utils::simple_initiator_socket_tagged<AddressRouter>>(
        ("out_" + std::to_string(i)).c_str());
    socket->register_nb_transport_bw(this, &AddressRouter::nb_transport_bw, static_cast<int>(i));
    outputs_.push_back(std::move(socket));
  }
  output_ports_.resize(ranges_.size());
  forwarder_ = std::make_unique<NbForwarder>(
      instanceName(), inputs_, outputs_,
      [this](tlm::tlm_generic_payload& payload, const sc_core::sc_time& delay,
             NbForwarder::Flight& flight) {
        const int output = route(payload, delay, flight.flow, flight.arrival);
        if (output < 0)
          return false;
        flight.output = static_cast<std::size_t>(output);
        flight.local_address = flight.address - ranges_[flight.output].base;
        return true;
      },
      nullptr);  // responses come back as they are
  forwarded_.assign(ranges_.size(), 0);
  forwarded_bytes_.assign(ranges_.size(), 0);
}

InitiatorSocket* AddressRouter::initiatorSocket(const std::string& port, std::size_t index) {
  return port == "out" && index < outputs_.size() ? outputs_[index].get() : nullptr;
}

TargetSocket* AddressRouter::targetSocket(const std::string& port, std::size_t index) {
  return port == "in" && index < inputs_.size() ? inputs_[index].get() : nullptr;
}

std::size_t AddressRouter::portWidth(const std::string& port) const {
  if (port == "in")
    return inputs_.size();
  if (port == "out")
    return outputs_.size();
  return 0;
}

std::optional<AddressDecoder::Route> AddressRouter::routeOf(std::uint64_t address) const {
  const int output = decode(address, 1);
  if (output < 0)
    return std::nullopt;
  const Range& range = ranges_[static_cast<std::size_t>(output)];
  return Route{"out", static_cast<std::size_t>(output), range.base, range.size, true};
}

std::string AddressRouter::whereRangesWritten() const {
  return params().whereWritten("sizes");
}

void AddressRouter::connected(const PlatformView& view) {
  for (std::size_t i = 0; i < ranges_.size(); ++i)  // a range leaves as offsets from 0
    checkWindowBehind(view, *this, "out", i, 0, ranges_[i].size, "sizes");
}

int AddressRouter::decode(std::uint64_t address, std::uint64_t length) const {
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    const Range& range = ranges_[i];
    if (address >= range.base && address - range.base < range.size &&
        length <= range.size - (address - range.base)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int AddressRouter::route(tlm::tlm_generic_payload& payload, const sc_core::sc_time& delay,
                         std::uint64_t flow, Picoseconds& arrival) {
  const std::uint64_t address = payload.get_address();
  const std::uint64_t length = payload.get_data_length();
  // Streaming transfers only touch [address, address + streaming width).
  const std::uint64_t width = payload.get_streaming_width();
  const int output = decode(address, width > 0 && width < length ? width : length);
  if (output < 0) {
    ++decode_errors_;
    payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return -1;
  }
  const auto index = static_cast<std::size_t>(output);
  const Picoseconds now = nowPs();
  const Picoseconds transfer = transferTime(length, bandwidth_);
  const Picoseconds start = output_ports_[index].reserve(now + delay.value() + latency_, transfer);
  arrival = start + transfer;
  if (forwarded_[index] % 1024 == 0)
    output_ports_[index].retire(now);
  ++forwarded_[index];
  forwarded_bytes_[index] += length;
  if (trace()) {
    TraceArgs args;
    args.bytes = length;
    args.address = address;
    traceTransfer("out_" + std::to_string(index), flow, payload.is_read() ? "read" : "write", start,
                  arrival, args);
  }
  return output;
}

void AddressRouter::b_transport(int, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const TraceFlowScope flow(trace(), payload);
  Picoseconds arrival = 0;
  const int output = route(payload, delay, flow.id(), arrival);
  if (output < 0)
    return;
  const auto index = static_cast<std::size_t>(output);
  const std::uint64_t address = payload.get_address();
  delay = sc_core::sc_time::from_value(arrival - nowPs());
  payload.set_address(address - ranges_[index].base);
  (*outputs_[index])->b_transport(payload, delay);
  payload.set_address(address);  // an interconnect must restore what it translated
}

tlm::tlm_sync_enum AddressRouter::nb_transport_fw(int input, tlm::tlm_generic_payload& payload,
                                                  tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  const TraceFlowScope flow(trace(), payload);
  return forwarder_->forward(static_cast<std::size_t>(input), payload, phase, delay, flow.id());
}

unsigned int AddressRouter::transport_dbg(int, tlm::tlm_generic_payload& payload) {
  const std::uint64_t address = payload.get_address();
  const int output = decode(address, payload.get_data_length());
  if (output < 0)
    return 0;
  const auto index = static_cast<std::size_t>(output);
  payload.set_address(address - ranges_[index].base);
  const unsigned int done = (*outputs_[index])->transport_dbg(payload);
  payload.set_address(address);
  return done;
}

void AddressRouter::reportStats(ModuleStats& stats) const {
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    const std::string port = "out_" + std::to_string(i);
    stats.counter(port + ".transactions", forwarded_[i], "transactions",
                  "Transactions routed to this output");
    stats.counter(port + ".bytes", forwarded_bytes_[i], "B", "Bytes routed to this output");
    stats.value(port + ".busy_time", static_cast<double>(output_ports_[i].busyTime()) * 1e-12, "s",
                "Time this output spent transferring");
  }
  stats.counter("decode_errors", decode_errors_, "transactions", "Accesses to unmapped addresses");
  forwarder_->reportStats(stats, "the router");
  std::uint64_t total = 0;
  for (auto bytes : forwarded_bytes_)
    total += bytes;
  stats.action("byte", total);
}

void registerAddressRouter(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "router";
  info.description = "Address decoder: routes each access to the output whose range holds it";
  info.params.integer("inputs", "Number of input (target) sockets: in[0..inputs-1]")
      .byDefault("1")
      .atLeast(1)
      .atMost(1024);
  info.params.integerList("base_addresses", "Base address of each output range: out[i]").atLeast(0);
  info.params.quantityList("sizes", dims::data(), "Size of each output range").above(0);
  info.params.quantity("latency", dims::time(), "Traversal latency").byDefault("1 ns").atLeast(0);
  info.params.quantity("bandwidth", dims::bandwidth(), "Bandwidth of each output")
      .byDefault("1 TB/s")
      .above(0);
  info.ports.push_back({"in", PortDirection::kTarget, "Inputs from initiators (indexed)", true});
  info.ports.push_back(
      {"out", PortDirection::kInitiator, "One output per address range (indexed)", true});
  info.energy_actions.push_back({"byte", "one byte routed", "0 J"});
  registry.add<AddressRouter>(std::move(info));
}

}  // namespace spatialvp::interconnect
