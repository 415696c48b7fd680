// libFuzzer harness: .npy input. A file either parses (shape matching the data) or throws
// NpyError; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "workloads/star/npy_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<unsigned char> bytes(data, data + size);
  try {
    const spatialvp::star::NpyArray array = spatialvp::star::parseNpy(bytes, "fuzz.npy");
    std::size_t count = 1;
    for (std::size_t extent : array.shape)
      count *= extent;
    if (count != array.values.size())
      std::abort();
  } catch (const spatialvp::star::NpyError&) {
  }
  return 0;
}
