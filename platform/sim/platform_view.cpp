#include "platform/sim/platform_view.h"

#include "platform/sim/module.h"

namespace spatialvp {

std::optional<PlatformView::Socket> PlatformView::targetOf(const Module& initiator,
                                                           const std::string& port,
                                                           std::size_t index) const {
  const auto it = targets_.find(Key{&initiator, port, index});
  if (it == targets_.end())
    return std::nullopt;
  return it->second;
}

std::optional<PlatformView::Socket> PlatformView::initiatorOf(const Module& target,
                                                              const std::string& port,
                                                              std::size_t index) const {
  const auto it = initiators_.find(Key{&target, port, index});
  if (it == initiators_.end())
    return std::nullopt;
  return it->second;
}

namespace {

// Pass-through chains are short (a network port or two); the bound stops a wiring cycle.
constexpr int kMostPassThroughs = 16;

}  // namespace

std::optional<PlatformView::Socket> PlatformView::throughPassThroughs(std::optional<Socket> socket,
                                                                      bool downstream) const {
  for (int hop = 0; socket && hop < kMostPassThroughs; ++hop) {
    const auto* through = dynamic_cast<const PassThroughPorts*>(socket->module);
    if (through == nullptr)
      break;
    const auto next = downstream ? through->forwardsTo(socket->port, socket->index)
                                 : through->forwardedFrom(socket->port, socket->index);
    if (!next)
      break;
    socket = downstream ? targetOf(*socket->module, next->port, next->index)
                        : initiatorOf(*socket->module, next->port, next->index);
  }
  return socket;
}

std::optional<PlatformView::Socket> PlatformView::targetThrough(const Module& initiator,
                                                                const std::string& port,
                                                                std::size_t index) const {
  return throughPassThroughs(targetOf(initiator, port, index), true);
}

std::optional<PlatformView::Socket> PlatformView::initiatorThrough(const Module& target,
                                                                   const std::string& port,
                                                                   std::size_t index) const {
  return throughPassThroughs(initiatorOf(target, port, index), false);
}

void PlatformView::connect(const Socket& initiator, const Socket& target) {
  targets_[Key{initiator.module, initiator.port, initiator.index}] = target;
  initiators_[Key{target.module, target.port, target.index}] = initiator;
}

}  // namespace spatialvp
