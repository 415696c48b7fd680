// libFuzzer harness: sweep files (`spatialvp sweep FILE`): parsing, settings validation and the
// expansion into points. A sweep either expands or throws ConfigError; nothing else may escape,
// and no input may take unbounded time or memory.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "platform/sweep/sweep_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    // No directory: a relative base or out is never resolved against the file system.
    const spatialvp::sweep::SweepDefinition definition =
        spatialvp::sweep::parseSweepText(text, "fuzz.sweep.yaml", "");
    // Expansion is linear in the points (up to kMaxPoints, a million); the fuzzer checks the
    // limit on every input and expands the small sweeps, so that one input stays milliseconds.
    const std::size_t count = spatialvp::sweep::countPoints(definition);
    if (count > 10'000)
      return 0;
    const auto points = spatialvp::sweep::expandPoints(definition);
    const auto parameters = spatialvp::sweep::sweptParameters(definition);
    if (points.size() != count)
      std::abort();
    for (const auto& point : points) {
      if (point.assignments.size() > parameters.size())
        std::abort();  // a point sets each swept parameter at most once
    }
  } catch (const spatialvp::ConfigError&) {
  }
  return 0;
}
