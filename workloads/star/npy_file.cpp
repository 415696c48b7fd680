#include "workloads/star/npy_file.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace spatialvp::star {
namespace {

std::size_t dtypeSize(NpyDtype dtype) {
  switch (dtype) {
    case NpyDtype::Float16:
    case NpyDtype::Int16:
      return 2;
    case NpyDtype::Float32:
    case NpyDtype::Int32:
      return 4;
    case NpyDtype::Float64:
      return 8;
    case NpyDtype::Int8:
      return 1;
  }
  return 1;
}

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw NpyError(path + ": " + message);
}

// Returns the text after `key` (a quoted dictionary key) up to the next top-level ',' or '}'.
std::string headerField(const std::string& header, const std::string& key,
                        const std::string& path) {
  const std::size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) {
    fail(path, "header has no '" + key + "' field");
  }
  std::size_t pos = header.find(':', at);
  if (pos == std::string::npos) {
    fail(path, "malformed header near '" + key + "'");
  }
  ++pos;
  int depth = 0;
  std::size_t end = pos;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if ((c == ',' || c == '}') && depth == 0) {
      break;
    }
  }
  std::string value = header.substr(pos, end - pos);
  const auto not_space = [](char c) { return c != ' '; };
  value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
  value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
  return value;
}

bool hostIsLittleEndian() {
  const std::uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

template <typename T>
T loadScalar(const unsigned char* bytes, bool swap) {
  unsigned char buffer[sizeof(T)];
  std::memcpy(buffer, bytes, sizeof(T));
  if (swap) {
    std::reverse(buffer, buffer + sizeof(T));
  }
  T value;
  std::memcpy(&value, buffer, sizeof(T));
  return value;
}

}  // namespace

const char* npyDtypeName(NpyDtype dtype) {
  switch (dtype) {
    case NpyDtype::Float16:
      return "float16";
    case NpyDtype::Float32:
      return "float32";
    case NpyDtype::Float64:
      return "float64";
    case NpyDtype::Int8:
      return "int8";
    case NpyDtype::Int16:
      return "int16";
    case NpyDtype::Int32:
      return "int32";
  }
  return "?";
}

double halfBitsToDouble(std::uint16_t bits) {
  const int sign = (bits >> 15) & 1;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double magnitude = 0.0;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<double>(mantissa), -24);  // subnormal
  } else if (exponent == 31) {
    magnitude = mantissa == 0 ? std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::quiet_NaN();
  } else {
    magnitude = std::ldexp(static_cast<double>(mantissa + 1024), exponent - 25);
  }
  return sign ? -magnitude : magnitude;
}

std::uint16_t doubleToHalfBits(double value) {
  const std::uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  double magnitude = std::fabs(value);
  if (std::isnan(value)) {
    return 0x7e00;
  }
  if (magnitude >= 65520.0) {  // rounds to infinity
    return static_cast<std::uint16_t>(sign | 0x7c00);
  }
  if (magnitude < std::ldexp(1.0, -14)) {  // subnormal: units of 2^-24
    const double units = std::nearbyint(std::ldexp(magnitude, 24));
    return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(units));
  }
  int exponent = 0;
  const double fraction = std::frexp(magnitude, &exponent);  // magnitude = fraction * 2^exponent
  // 11 significant bits: mantissa in [1024, 2048).
  double mantissa = std::nearbyint(std::ldexp(fraction, 11));
  if (mantissa >= 2048.0) {
    mantissa /= 2.0;
    ++exponent;
  }
  const int biased = exponent - 1 + 15;
  if (biased >= 31) {
    return static_cast<std::uint16_t>(sign | 0x7c00);
  }
  return static_cast<std::uint16_t>(sign | (biased << 10) | (static_cast<int>(mantissa) - 1024));
}

NpyArray readNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail(path, "cannot open file");
  }
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                         std::istreambuf_iterator<char>());
  return parseNpy(bytes, path);
}

NpyArray parseNpy(const std::vector<unsigned char>& bytes, const std::string& path) {
  static const unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, 6) != 0) {
    fail(path, "not a .npy file (missing \\x93NUMPY magic)");
  }
  const unsigned major = bytes[6];
  std::size_t header_len = 0;
  std::size_t header_start = 0;
  if (major == 1) {
    header_len = bytes[8] | (static_cast<std::size_t>(bytes[9]) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) {
      fail(path, "truncated header");
    }
    header_len = bytes[8] | (static_cast<std::size_t>(bytes[9]) << 8) |
                 (static_cast<std::size_t>(bytes[10]) << 16) |
                 (static_cast<std::size_t>(bytes[11]) << 24);
    header_start = 12;
  } else {
    fail(path, "unsupported .npy format version " + std::to_string(major));
  }
  if (header_start + header_len > bytes.size()) {
    fail(path, "truncated header");
  }
  const std::string header(bytes.begin() + static_cast<std::ptrdiff_t>(header_start),
                           bytes.begin() + static_cast<std::ptrdiff_t>(header_start + header_len));

  std::string descr = headerField(header, "descr", path);
  if (descr.size() < 3 || (descr.front() != '\'' && descr.front() != '"')) {
    fail(path, "malformed 'descr' " + descr);
  }
  descr = descr.substr(1, descr.size() - 2);
  const char order = descr[0];
  const std::string kind = descr.substr(1);
  NpyArray array;
  if (kind == "f2") {
    array.dtype = NpyDtype::Float16;
  } else if (kind == "f4") {
    array.dtype = NpyDtype::Float32;
  } else if (kind == "f8") {
    array.dtype = NpyDtype::Float64;
  } else if (kind == "i1") {
    array.dtype = NpyDtype::Int8;
  } else if (kind == "i2") {
    array.dtype = NpyDtype::Int16;
  } else if (kind == "i4") {
    array.dtype = NpyDtype::Int32;
  } else {
    fail(path, "unsupported dtype '" + descr +
                   "' (expected float16, float32, float64, int8, int16 or int32)");
  }
  if (order != '<' && order != '>' && order != '|' && order != '=') {
    fail(path, "unsupported byte order in dtype '" + descr + "'");
  }
  const bool file_little = order != '>';
  const bool swap = file_little != hostIsLittleEndian();

  const std::string fortran = headerField(header, "fortran_order", path);
  if (fortran != "False" && fortran != "True") {
    fail(path, "malformed 'fortran_order' " + fortran);
  }
  const std::string shape_text = headerField(header, "shape", path);
  if (shape_text.size() < 2 || shape_text.front() != '(' || shape_text.back() != ')') {
    fail(path, "malformed 'shape' " + shape_text);
  }
  std::stringstream shape_stream(shape_text.substr(1, shape_text.size() - 2));
  std::string item;
  while (std::getline(shape_stream, item, ',')) {
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    if (item.empty()) {
      continue;
    }
    if (!std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      fail(path, "malformed 'shape' " + shape_text);
    }
    // The data follows the header, so no extent (nor product) can exceed the file's size; a
    // longer number is a malformed shape, not a reason for stoull to throw.
    if (item.size() > 18) {
      fail(path, "shape " + shape_text + " has an extent larger than the file");
    }
    array.shape.push_back(static_cast<std::size_t>(std::stoull(item)));
  }
  const std::size_t element = dtypeSize(array.dtype);
  const std::size_t data_start = header_start + header_len;
  const std::size_t data_bytes = bytes.size() - data_start;
  std::size_t count = 1;
  bool empty = false;
  for (std::size_t extent : array.shape) {
    empty = empty || extent == 0;
  }
  for (std::size_t extent : array.shape) {
    if (!empty && count > data_bytes / element / extent) {
      fail(path, "data size " + std::to_string(data_bytes) + " bytes does not match shape " +
                     shape_text + " of " + npyDtypeName(array.dtype) +
                     " (more elements than the file holds)");
    }
    count = empty ? 0 : count * extent;
  }
  if (data_bytes != count * element) {
    fail(path, "data size " + std::to_string(bytes.size() - data_start) +
                   " bytes does not match shape " + shape_text + " of " +
                   npyDtypeName(array.dtype) + " (" + std::to_string(count * element) +
                   " bytes expected)");
  }
  std::vector<double> raw(count);
  const unsigned char* data = bytes.data() + data_start;
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned char* at = data + i * element;
    switch (array.dtype) {
      case NpyDtype::Float16:
        raw[i] = halfBitsToDouble(loadScalar<std::uint16_t>(at, swap));
        break;
      case NpyDtype::Float32:
        raw[i] = static_cast<double>(loadScalar<float>(at, swap));
        break;
      case NpyDtype::Float64:
        raw[i] = loadScalar<double>(at, swap);
        break;
      case NpyDtype::Int8:
        raw[i] = static_cast<double>(static_cast<std::int8_t>(*at));
        break;
      case NpyDtype::Int16:
        raw[i] = static_cast<double>(loadScalar<std::int16_t>(at, swap));
        break;
      case NpyDtype::Int32:
        raw[i] = static_cast<double>(loadScalar<std::int32_t>(at, swap));
        break;
    }
  }
  if (fortran == "True" && array.shape.size() > 1) {
    // Fortran order: the first index varies fastest. Re-index into C order.
    const std::size_t dims = array.shape.size();
    array.values.assign(count, 0.0);
    std::vector<std::size_t> index(dims, 0);
    for (std::size_t f = 0; f < count; ++f) {
      std::size_t c_offset = 0;
      for (std::size_t d = 0; d < dims; ++d) {
        c_offset = c_offset * array.shape[d] + index[d];
      }
      array.values[c_offset] = raw[f];
      for (std::size_t d = 0; d < dims; ++d) {
        if (++index[d] < array.shape[d]) {
          break;
        }
        index[d] = 0;
      }
    }
  } else {
    array.values = std::move(raw);
  }
  for (double v : array.values) {
    if (!std::isfinite(v)) {
      fail(path, "contains a non-finite value (NaN or infinity)");
    }
  }
  return array;
}

MatrixD readNpyMatrix(const std::string& path, const std::string& what, std::size_t expected_rows,
                      std::size_t expected_cols) {
  NpyArray array = readNpy(path);
  std::vector<std::size_t> shape = array.shape;
  while (shape.size() > 2 && shape.front() == 1) {
    shape.erase(shape.begin());
  }
  const auto expected = [&]() {
    return "(" + (expected_rows ? std::to_string(expected_rows) : std::string("rows")) + ", " +
           (expected_cols ? std::to_string(expected_cols) : std::string("cols")) + ")";
  };
  std::string found = "(";
  for (std::size_t i = 0; i < array.shape.size(); ++i) {
    found += (i ? ", " : "") + std::to_string(array.shape[i]);
  }
  found += array.shape.size() == 1 ? ",)" : ")";
  if (shape.size() != 2) {
    fail(path, what + " must be a 2-D array " + expected() + ", found shape " + found);
  }
  if ((expected_rows && shape[0] != expected_rows) ||
      (expected_cols && shape[1] != expected_cols)) {
    fail(path, what + " has shape " + found + ", expected " + expected());
  }
  if (shape[0] == 0 || shape[1] == 0) {
    fail(path, what + " is empty, shape " + found);
  }
  MatrixD matrix(shape[0], shape[1]);
  matrix.values() = std::move(array.values);
  return matrix;
}

void writeNpy(const std::string& path, const std::vector<std::size_t>& shape,
              const std::vector<double>& values, NpyDtype dtype) {
  const std::string bytes = npyBytes(path, shape, values, dtype);
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    throw NpyError(path + ": cannot open for writing");
  }
  out << bytes;
  if (!out) {
    throw NpyError(path + ": write failed");
  }
}

std::string npyBytes(const std::string& what, const std::vector<std::size_t>& shape,
                     const std::vector<double>& values, NpyDtype dtype) {
  const std::string& path = what;
  std::size_t count = 1;
  std::string shape_text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    count *= shape[i];
    shape_text += (i ? ", " : "") + std::to_string(shape[i]);
  }
  shape_text += shape.size() == 1 ? ",)" : ")";
  if (count != values.size()) {
    throw NpyError(path + ": writeNpy got " + std::to_string(values.size()) + " values for shape " +
                   shape_text);
  }
  static const char* kDescr[] = {"<f2", "<f4", "<f8", "|i1", "<i2", "<i4"};
  std::string header = "{'descr': '" + std::string(kDescr[static_cast<int>(dtype)]) +
                       "', 'fortran_order': False, 'shape': " + shape_text + ", }";
  // Pad with spaces so that magic + version + length + header is a multiple of 64, then '\n'.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');

  std::ostringstream out(std::ios::binary);
  const unsigned char preamble[10] = {0x93,
                                      'N',
                                      'U',
                                      'M',
                                      'P',
                                      'Y',
                                      1,
                                      0,
                                      static_cast<unsigned char>(header.size() & 0xff),
                                      static_cast<unsigned char>(header.size() >> 8)};
  out.write(reinterpret_cast<const char*>(preamble), 10);
  out << header;
  const auto put_little = [&out](std::uint64_t bits, std::size_t size) {
    for (std::size_t b = 0; b < size; ++b) {
      out.put(static_cast<char>((bits >> (8 * b)) & 0xff));
    }
  };
  const auto saturate = [](double v, double low, double high) {
    return static_cast<std::int64_t>(std::nearbyint(std::min(high, std::max(low, v))));
  };
  for (double v : values) {
    switch (dtype) {
      case NpyDtype::Float16:
        put_little(doubleToHalfBits(v), 2);
        break;
      case NpyDtype::Float32: {
        const float f = static_cast<float>(v);
        std::uint32_t bits = 0;
        std::memcpy(&bits, &f, 4);
        put_little(bits, 4);
        break;
      }
      case NpyDtype::Float64: {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, 8);
        put_little(bits, 8);
        break;
      }
      case NpyDtype::Int8:
        put_little(static_cast<std::uint64_t>(saturate(v, -128, 127)), 1);
        break;
      case NpyDtype::Int16:
        put_little(static_cast<std::uint64_t>(saturate(v, -32768, 32767)), 2);
        break;
      case NpyDtype::Int32:
        put_little(static_cast<std::uint64_t>(saturate(v, -2147483648.0, 2147483647.0)), 4);
        break;
    }
  }
  return out.str();
}

}  // namespace spatialvp::star
