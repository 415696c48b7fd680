#pragma once
// Portable deterministic random numbers: std::mt19937_64 is specified bit for bit by the
// standard, the std:: distributions are not, so the distributions are written here.
#include <cstddef>
#include <cstdint>
#include <random>

namespace spatialvp::star {

class DeterministicRng {
 public:
  explicit DeterministicRng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t nextBits() { return engine_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  double uniform(double low, double high) { return low + (high - low) * uniform01(); }
  // Unbiased integer in [0, bound) by rejection; bound must be > 0.
  std::size_t uniformIndex(std::size_t bound);
  // Standard normal by the Box-Muller transform (the second variate is cached).
  double normal();

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace spatialvp::star
