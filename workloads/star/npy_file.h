#pragma once
// Reader/writer for NumPy .npy files (format versions 1.0, 2.0 and 3.0) so users can bring
// activations dumped from a real model. Supported element types: float16, float32, float64,
// int8, int16, int32 (either byte order). Values are widened to double.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/star/matrix.h"

namespace spatialvp::star {

// Raised for a malformed, unsupported or mismatched file; the message names the file.
class NpyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class NpyDtype { Float16, Float32, Float64, Int8, Int16, Int32 };

const char* npyDtypeName(NpyDtype dtype);

struct NpyArray {
  NpyDtype dtype = NpyDtype::Float64;
  std::vector<std::size_t> shape;
  std::vector<double> values;  // C (row-major) order, whatever the file's order was
};

NpyArray readNpy(const std::string& path);
// The same from the file's bytes; `path` names it in messages.
NpyArray parseNpy(const std::vector<unsigned char>& bytes, const std::string& path);

// Reads a 2-D array (leading axes of extent 1 are squeezed, e.g. (1, 1, S, d) -> (S, d)).
// `expected_rows` / `expected_cols` of 0 mean "any"; a mismatch is an NpyError naming
// `what` (e.g. "K") and the expected shape.
MatrixD readNpyMatrix(const std::string& path, const std::string& what,
                      std::size_t expected_rows = 0, std::size_t expected_cols = 0);

// Writes little-endian, C order, format 1.0. Values are converted to `dtype` (integers are
// rounded to nearest and saturated; float16 rounds to nearest even).
void writeNpy(const std::string& path, const std::vector<std::size_t>& shape,
              const std::vector<double>& values, NpyDtype dtype);
// The bytes writeNpy writes (`what` names the array in errors).
std::string npyBytes(const std::string& what, const std::vector<std::size_t>& shape,
                     const std::vector<double>& values, NpyDtype dtype);

// IEEE 754 binary16 conversions, exposed for tests.
double halfBitsToDouble(std::uint16_t bits);
std::uint16_t doubleToHalfBits(double value);

}  // namespace spatialvp::star
