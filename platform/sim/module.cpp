#include "platform/sim/module.h"

#include <algorithm>

namespace spatialvp {

const PortSpec* ModuleTypeInfo::findPort(const std::string& port) const {
  auto it = std::find_if(ports.begin(), ports.end(),
                         [&](const PortSpec& spec) { return spec.name == port; });
  return it == ports.end() ? nullptr : &*it;
}

Module::Module(sc_core::sc_module_name name, const ModuleContext& context)
    : sc_core::sc_module(name),
      instance_name_(context.name),
      params_(context.params),
      type_(context.type),
      services_(context.services) {}

InitiatorSocket* Module::initiatorSocket(const std::string&, std::size_t) {
  return nullptr;
}
TargetSocket* Module::targetSocket(const std::string&, std::size_t) {
  return nullptr;
}
std::size_t Module::portWidth(const std::string& port) const {
  return type_.findPort(port) ? 1 : 0;
}
void Module::connected(const PlatformView&) {}
void Module::reportStats(ModuleStats&) const {}
std::optional<WorkProgress> Module::progress() const {
  return std::nullopt;
}

void Module::becomeActive() {
  if (active_)
    return;
  active_ = true;
  services_.registerActive();
}

void Module::finished() {
  if (finished_)
    return;
  finished_ = true;
  services_.reportFinished();
}

void Module::traceTransfer(const std::string& part, std::uint64_t flow, const char* what,
                           Picoseconds start, Picoseconds end, const TraceArgs& args) {
  TraceWriter* writer = trace();
  const std::string name = part.empty() ? instance_name_ : instance_name_ + "." + part;
  writer->transfer(writer->resource(name, type_.name), flow, what, start, end, args);
}

void Module::traceAccess(tlm::tlm_generic_payload& payload, bool is_read, std::uint64_t address,
                         std::uint64_t bytes, Picoseconds arrival, Picoseconds completion) {
  TraceWriter* writer = trace();
  const TraceFlowScope flow(writer, payload);
  TraceArgs args;
  args.bytes = bytes;
  args.address = address;
  traceTransfer("", flow.id(), is_read ? "read" : "write", arrival, completion, args);
  const int outstanding =
      writer->counter(instance_name_ + " outstanding requests", type_.name, "requests", 1e-12);
  writer->spread(outstanding, arrival, completion, static_cast<double>(completion - arrival));
}

TraceSite Module::traceSite(const std::string& part) {
  TraceWriter* writer = trace();
  if (writer == nullptr)
    return {};
  return {writer, writer->namedTrack(instance_name_ + "." + part, type_.name)};
}

int Module::traceTrack() {
  if (trace_track_ < 0 && trace())
    trace_track_ = trace()->track(instance_name_, type_.name);
  return trace_track_;
}

}  // namespace spatialvp
