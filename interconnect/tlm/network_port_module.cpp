#include "interconnect/tlm/network_port_module.h"

#include "platform/core/param_conversions.h"

namespace spatialvp::interconnect {

namespace {

constexpr int kSend = 0;     // tx -> out
constexpr int kReceive = 1;  // in -> rx

}  // namespace

NetworkPortModule::NetworkPortModule(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      latency_(sc_core::sc_time::from_value(picosecondsOf(params(), "latency"))) {
  tx_.register_b_transport(this, &NetworkPortModule::b_transport, kSend);
  tx_.register_transport_dbg(this, &NetworkPortModule::transport_dbg, kSend);
  in_.register_b_transport(this, &NetworkPortModule::b_transport, kReceive);
  in_.register_transport_dbg(this, &NetworkPortModule::transport_dbg, kReceive);
}

InitiatorSocket* NetworkPortModule::initiatorSocket(const std::string& port, std::size_t index) {
  if (index != 0)
    return nullptr;
  if (port == "out")
    return &out_;
  if (port == "rx")
    return &rx_;
  return nullptr;
}

TargetSocket* NetworkPortModule::targetSocket(const std::string& port, std::size_t index) {
  if (index != 0)
    return nullptr;
  if (port == "tx")
    return &tx_;
  if (port == "in")
    return &in_;
  return nullptr;
}

std::optional<PassThroughPorts::PortRef> NetworkPortModule::forwardsTo(
    const std::string& target_port, std::size_t index) const {
  if (index != 0)
    return std::nullopt;
  if (target_port == "tx")
    return PortRef{"out", 0};
  if (target_port == "in")
    return PortRef{"rx", 0};
  return std::nullopt;
}

std::optional<PassThroughPorts::PortRef> NetworkPortModule::forwardedFrom(
    const std::string& initiator_port, std::size_t index) const {
  if (index != 0)
    return std::nullopt;
  if (initiator_port == "out")
    return PortRef{"tx", 0};
  if (initiator_port == "rx")
    return PortRef{"in", 0};
  return std::nullopt;
}

void NetworkPortModule::b_transport(int way, tlm::tlm_generic_payload& payload,
                                    sc_core::sc_time& delay) {
  Direction& counted = way == kSend ? sent_ : received_;
  ++counted.transactions;
  counted.bytes += payload.get_data_length();
  delay += latency_;
  (way == kSend ? out_ : rx_)->b_transport(payload, delay);
}

unsigned int NetworkPortModule::transport_dbg(int way, tlm::tlm_generic_payload& payload) {
  return (way == kSend ? out_ : rx_)->transport_dbg(payload);
}

void NetworkPortModule::reportStats(ModuleStats& stats) const {
  stats.counter("sent", sent_.transactions, "transactions",
                "Transactions from tx into the network");
  stats.counter("sent_bytes", sent_.bytes, "B", "Data bytes from tx into the network");
  stats.counter("received", received_.transactions, "transactions",
                "Transactions from the network delivered at rx");
  stats.counter("received_bytes", received_.bytes, "B",
                "Data bytes from the network delivered at rx");
}

void registerNetworkPortModule(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "network_port";
  info.description =
      "A die's network interface: tx -> out into the network, in -> rx into the die, each way "
      "adding `latency`; the network's local port owns the bandwidth";
  info.params.quantity("latency", dims::time(), "Added to every transaction, each way")
      .byDefault("0 ns")
      .atLeast(0);
  info.ports.push_back(
      {"tx", PortDirection::kTarget, "The die's outgoing transfers; leave at out", true});
  info.ports.push_back({"out", PortDirection::kInitiator, "Into the network", true});
  info.ports.push_back({"in", PortDirection::kTarget, "From the network; delivered at rx", true});
  info.ports.push_back({"rx", PortDirection::kInitiator, "The die's receive buffer", true});
  registry.add<NetworkPortModule>(std::move(info));
}

}  // namespace spatialvp::interconnect
