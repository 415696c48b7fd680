#include "interconnect/traffic/deterministic_rng.h"

#include <cmath>

namespace spatialvp::interconnect {

std::uint64_t DeterministicRng::uniformBelow(std::uint64_t bound) {
  if (bound <= 1)
    return 0;
  // Reject the top partial block of the 64-bit range so every residue is equally likely.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % bound + 1) % bound;
  std::uint64_t value = engine_();
  while (value > limit)
    value = engine_();
  return value % bound;
}

double DeterministicRng::uniform01() {
  return static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

double DeterministicRng::exponential(double mean) {
  return -mean * std::log1p(-uniform01());
}

}  // namespace spatialvp::interconnect
