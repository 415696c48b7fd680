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

std::optional<PlatformView::Socket> PlatformView::targetThrough(const Module& initiator,
                                                                const std::string& port,
                                                                std::size_t index) const {
  auto socket = targetOf(initiator, port, index);
  for (int hop = 0; socket && hop < kMostPassThroughs; ++hop) {
    const auto* through = dynamic_cast<const PassThroughPorts*>(socket->module);
    const auto out = through ? through->forwardsTo(socket->port, socket->index) : std::nullopt;
    if (!out)
      break;
    socket = targetOf(*socket->module, out->port, out->index);
  }
  return socket;
}

std::optional<PlatformView::Socket> PlatformView::initiatorThrough(const Module& target,
                                                                   const std::string& port,
                                                                   std::size_t index) const {
  auto socket = initiatorOf(target, port, index);
  for (int hop = 0; socket && hop < kMostPassThroughs; ++hop) {
    const auto* through = dynamic_cast<const PassThroughPorts*>(socket->module);
    const auto in = through ? through->forwardedFrom(socket->port, socket->index) : std::nullopt;
    if (!in)
      break;
    socket = initiatorOf(*socket->module, in->port, in->index);
  }
  return socket;
}

void PlatformView::connect(const Socket& initiator, const Socket& target) {
  targets_[Key{initiator.module, initiator.port, initiator.index}] = target;
  initiators_[Key{target.module, target.port, target.index}] = initiator;
}

}  // namespace spatialvp
