#include "workloads/star/random.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace spatialvp::star {

double DeterministicRng::uniform01() {
  constexpr double kTwoPowMinus53 = 1.0 / 9007199254740992.0;
  return static_cast<double>(engine_() >> 11) * kTwoPowMinus53;
}

std::size_t DeterministicRng::uniformIndex(std::size_t bound) {
  if (bound == 0) {
    throw std::invalid_argument("DeterministicRng::uniformIndex needs a positive bound");
  }
  const std::uint64_t range = static_cast<std::uint64_t>(bound);
  // Largest multiple of `range` that fits: draws above it would bias the low values.
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                              (std::numeric_limits<std::uint64_t>::max() % range);
  std::uint64_t draw = engine_();
  while (draw >= limit) {
    draw = engine_();
  }
  return static_cast<std::size_t>(draw % range);
}

double DeterministicRng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  double u1 = uniform01();
  while (u1 <= 0.0) {
    u1 = uniform01();
  }
  const double u2 = uniform01();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  spare_ = radius * std::sin(kTwoPi * u2);
  has_spare_ = true;
  return radius * std::cos(kTwoPi * u2);
}

}  // namespace spatialvp::star
