#pragma once
// Validated parameters (SI values) as the integer units the timing cores use: whole bytes or
// bits, picoseconds, 32-bit counts. A value that does not convert fails its parameter, so the
// problem is a located config error.
#include <cstdint>
#include <string>

#include "platform/core/contention_timeline.h"
#include "platform/core/param_values.h"

namespace spatialvp {

// A data-size parameter as a whole number of bytes no larger than `maximum`.
std::uint64_t wholeBytesOf(const ParamValues& params, const std::string& name,
                           std::uint64_t maximum);
// A data-size parameter as a whole number of bits ("128 bit") no larger than `maximum`.
std::uint32_t wholeBitsOf(const ParamValues& params, const std::string& name,
                          std::uint32_t maximum);
// A time parameter rounded to picoseconds (at most 1e6 s).
Picoseconds picosecondsOf(const ParamValues& params, const std::string& name);
// An integer parameter as a 32-bit count (the schema keeps it >= 0; larger values fail here).
std::uint32_t countOf(const ParamValues& params, const std::string& name);

}  // namespace spatialvp
