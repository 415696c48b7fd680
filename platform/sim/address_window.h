#pragma once
// Address windows checked at elaboration. An initiator that streams through a window
// [base, base + size) behind one of its ports (a STAR unit's SRAM window, a controller's DRAM
// window) states that window, and the modules bound behind the port state what they serve: an
// address decoder its ranges, a memory its capacity (MemoryFacts). checkWindowBehind() follows
// the binding through decoders to the memory and turns a window that does not exist there into
// a located error on the initiator's parameter, before anything runs, instead of an address
// error in the middle of a run (or a run that silently assumes a memory larger than it is).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace spatialvp {

class Module;
class PlatformView;

// A module that forwards each address range to one of its initiator sockets (a router).
class AddressDecoder {
 public:
  virtual ~AddressDecoder() = default;

  struct Route {
    std::string port;    // the initiator socket the range goes out of
    std::size_t index;   // its index
    std::uint64_t base;  // the range, in this module's addresses
    std::uint64_t size;
    bool translates;  // addresses leave as offsets from `base`
  };
  // The range that serves `address` (none: unmapped).
  virtual std::optional<Route> routeOf(std::uint64_t address) const = 0;
  // Where the ranges are written ("modules.bus.params.sizes (file:line:col)").
  virtual std::string whereRangesWritten() const = 0;
};

// Follows `port`[`index`] of `initiator` through address decoders and pass-through modules
// (PlatformView::targetThrough) to a memory and fails on the initiator's parameter `param` when
// [base, base + size) is not inside one decoded range or goes past the memory's capacity. Stops
// without a verdict at a module that is neither (its address map is its own).
void checkWindowBehind(const PlatformView& view, const Module& initiator, const std::string& port,
                       std::size_t index, std::uint64_t base, std::uint64_t size,
                       const std::string& param);

}  // namespace spatialvp
