#include "platform/sim/address_window.h"

#include <sstream>

#include "platform/core/units.h"
#include "platform/sim/memory_facts.h"
#include "platform/sim/module.h"
#include "platform/sim/platform_view.h"

namespace spatialvp {

namespace {

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

std::string window(std::uint64_t base, std::uint64_t size) {
  return "[" + hex(base) + ", +" + formatQuantity(static_cast<double>(size), dims::data()) + ")";
}

}  // namespace

void checkWindowBehind(const PlatformView& view, const Module& initiator, const std::string& port,
                       std::size_t index, std::uint64_t base, std::uint64_t size,
                       const std::string& param) {
  const Module* from = &initiator;
  std::string from_port = port;
  std::size_t from_index = index;
  // What the window went through, for the message.
  std::string path = initiator.instanceName() + "." + port +
                     (initiator.portWidth(port) > 1 ? "[" + std::to_string(index) + "]" : "");
  // A decoder bound to itself would loop; a platform has fewer modules than this many hops.
  for (int hop = 0; hop < 64; ++hop) {
    const auto peer = view.targetThrough(*from, from_port, from_index);
    if (!peer)
      return;
    const Module& target = *peer->module;
    if (const auto* memory = dynamic_cast<const MemoryFacts*>(&target)) {
      const double capacity = memory->capacityBytes();
      if (static_cast<double>(base) + static_cast<double>(size) > capacity) {
        initiator.params().fail(param, "the window " + window(base, size) + " reaches " +
                                           target.instanceName() + " through " + path +
                                           ", which holds " +
                                           formatQuantity(capacity, dims::data()) + " (its '" +
                                           memory->capacityParam() + "')");
      }
      return;
    }
    const auto* decoder = dynamic_cast<const AddressDecoder*>(&target);
    if (decoder == nullptr)
      return;
    const auto route = decoder->routeOf(base);
    if (!route || base - route->base > route->size || size > route->size - (base - route->base)) {
      initiator.params().fail(
          param, "the window " + window(base, size) + " is not inside one range of " +
                     target.instanceName() + " (through " + path + "): " +
                     (route ? "the range at " + hex(route->base) + " holds " +
                                  formatQuantity(static_cast<double>(route->size), dims::data())
                            : std::string("no range starts there")) +
                     " (" + decoder->whereRangesWritten() + ")");
    }
    if (route->translates)
      base -= route->base;
    path += " > " + target.instanceName() + "." + route->port + "[" + std::to_string(route->index) +
            "]";
    from = &target;
    from_port = route->port;
    from_index = route->index;
  }
}

}  // namespace spatialvp
