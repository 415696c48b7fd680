#pragma once
// Seeded random numbers that are identical on every platform: std::mt19937_64 is specified
// bit-exactly, the std:: distributions are not, so the few we need are written here.
#include <cstdint>
#include <random>

namespace spatialvp::interconnect {

class DeterministicRng {
 public:
  explicit DeterministicRng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }
  // Uniform integer in [0, bound); bound must be > 0. Unbiased (rejection sampling).
  std::uint64_t uniformBelow(std::uint64_t bound);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform01();
  // Exponentially distributed value with the given mean (> 0).
  double exponential(double mean);

 private:
  std::mt19937_64 engine_;
};

}  // namespace spatialvp::interconnect
