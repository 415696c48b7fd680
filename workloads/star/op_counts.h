#pragma once
// Scalar operation counts of the formal (exact) attention stage, as listed by the issue:
// exp, mul, add (adds, subtractions and accumulations), compare and div. A d-wide vector
// multiply counts d muls; a dot product of width d counts d muls and d adds.
#include <cstdint>

namespace spatialvp::star {

struct OpCounts {
  std::uint64_t exp = 0;
  std::uint64_t mul = 0;
  std::uint64_t add = 0;
  std::uint64_t cmp = 0;
  std::uint64_t div = 0;

  OpCounts& operator+=(const OpCounts& other) {
    exp += other.exp;
    mul += other.mul;
    add += other.add;
    cmp += other.cmp;
    div += other.div;
    return *this;
  }
  bool operator==(const OpCounts& other) const {
    return exp == other.exp && mul == other.mul && add == other.add && cmp == other.cmp &&
           div == other.div;
  }
};

}  // namespace spatialvp::star
