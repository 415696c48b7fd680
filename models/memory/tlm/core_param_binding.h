#pragma once
// Binding of validated YAML parameters (SI values) to the fields of the SystemC-free memory
// cores (bytes, bits, picoseconds, counts), and of the cores' validation messages back to the
// YAML key that caused them, so that every problem is a located config error.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "platform/core/contention_timeline.h"
#include "platform/core/param_conversions.h"
#include "platform/core/param_values.h"

namespace spatialvp::models {

// The parameter a core validation message "field: text" is about: `renames` maps core field
// names to parameter names (e.g. "energy_read" -> "energy.read_bit"); otherwise the first word
// of the field that names a parameter ("stacks * channels_per_stack" -> "stacks"); otherwise
// `fallback`.
std::string paramForCoreField(const ParamValues& params, const std::string& field,
                              const std::map<std::string, std::string>& renames,
                              const std::string& fallback);

// Fails on the parameter behind the first problem (the others are appended to the message);
// returns normally when `problems` is empty.
void failOnCoreProblems(const ParamValues& params, const std::vector<std::string>& problems,
                        const std::map<std::string, std::string>& renames,
                        const std::string& fallback);

}  // namespace spatialvp::models
