#include "platform/sim/platform_view.h"

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

void PlatformView::connect(const Socket& initiator, const Socket& target) {
  targets_[Key{initiator.module, initiator.port, initiator.index}] = target;
  initiators_[Key{target.module, target.port, target.index}] = initiator;
}

}  // namespace spatialvp
