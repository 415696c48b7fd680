// libFuzzer harness: the units parser. Any text either parses to a finite quantity inside the
// physical range rules or throws UnitError; nothing else may escape.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "platform/core/units.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const spatialvp::Quantity quantity = spatialvp::parseQuantity(text);
    if (!std::isfinite(quantity.value))
      std::abort();  // the parser promises finite values
    (void)spatialvp::formatQuantity(quantity.value, quantity.dimension);
    (void)spatialvp::dimensionName(quantity.dimension);
  } catch (const spatialvp::UnitError&) {
  }
  return 0;
}
