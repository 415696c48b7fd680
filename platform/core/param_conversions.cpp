#include "platform/core/param_conversions.h"

#include <cmath>

namespace spatialvp {

std::uint64_t wholeBytesOf(const ParamValues& params, const std::string& name,
                           std::uint64_t maximum) {
  const double bytes = params.quantity(name);
  if (bytes != std::floor(bytes))
    params.fail(name, "must be a whole number of bytes");
  if (bytes > static_cast<double>(maximum))
    params.fail(name, "must be at most " + std::to_string(maximum) + " bytes");
  return static_cast<std::uint64_t>(bytes);
}

std::uint32_t wholeBitsOf(const ParamValues& params, const std::string& name,
                          std::uint32_t maximum) {
  const double bits = params.quantity(name) * 8.0;
  if (bits != std::floor(bits))
    params.fail(name, "must be a whole number of bits");
  if (bits > static_cast<double>(maximum))
    params.fail(name, "must be at most " + std::to_string(maximum) + " bit");
  return static_cast<std::uint32_t>(bits);
}

Picoseconds picosecondsOf(const ParamValues& params, const std::string& name) {
  const double picoseconds = params.quantity(name) * 1e12;
  if (picoseconds > 1e18)  // keeps time sums far from 64-bit overflow
    params.fail(name, "must be at most 1e6 s");
  return static_cast<Picoseconds>(std::llround(picoseconds));
}

std::uint32_t countOf(const ParamValues& params, const std::string& name) {
  const std::int64_t value = params.integer(name);
  if (value < 0 || value > static_cast<std::int64_t>(0xffffffffLL))
    params.fail(name, "must be in [0, 4294967295], got " + std::to_string(value));
  return static_cast<std::uint32_t>(value);
}

}  // namespace spatialvp
