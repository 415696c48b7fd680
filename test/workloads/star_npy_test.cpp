#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "workloads/star/npy_file.h"

using namespace spatialvp::star;

namespace {

const std::string kDataDir = std::string(SPATIALVP_SOURCE_DIR) + "/test/workloads/data/";

std::string tempPath(const std::string& name) {
  return std::string(P_tmpdir) + "/spatialvp_star_" + name;
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string headerBytes(const std::string& dict) {
  std::string header = dict;
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header.push_back('\n');
  std::string bytes = "\x93NUMPY\x01";
  bytes.push_back('\0');
  bytes.push_back(static_cast<char>(header.size() & 0xff));
  bytes.push_back(static_cast<char>(header.size() >> 8));
  return bytes + header;
}

}  // namespace

TEST_CASE("star: npy files written independently are read exactly", "[star][npy]") {
  const MatrixD q = readNpyMatrix(kDataDir + "q_2x3_f32.npy", "Q");
  REQUIRE(q.rows() == 2);
  REQUIRE(q.cols() == 3);
  CHECK(q(0, 0) == 1.5);
  CHECK(q(0, 1) == -2.0);
  CHECK(q(1, 2) == -0.5);
  const NpyArray k = readNpy(kDataDir + "k_3x2_i8.npy");
  CHECK(k.dtype == NpyDtype::Int8);
  CHECK(k.values == std::vector<double>{-128, 127, 0, 1, -1, 5});
  // (1, 2, 2) float16 squeezes to 2 x 2, with max-finite and subnormal values.
  const MatrixD v = readNpyMatrix(kDataDir + "v_1x2x2_f16.npy", "V", 2, 2);
  CHECK(v(0, 0) == 1.0);
  CHECK(v(0, 1) == -2.5);
  CHECK(v(1, 0) == 65504.0);
  CHECK(v(1, 1) == std::ldexp(1.0, -24));
  // Big-endian float64 in Fortran order comes back in C order.
  const MatrixD m = readNpyMatrix(kDataDir + "m_2x3_f8_fortran_be.npy", "M");
  CHECK(m.values() == std::vector<double>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("star: npy writer round-trips float16, float32 and int8", "[star][npy]") {
  const std::vector<double> values = {0.0, -1.0, 0.333, 1000.5, -65504.0, 1e-6};
  for (NpyDtype dtype : {NpyDtype::Float16, NpyDtype::Float32, NpyDtype::Float64, NpyDtype::Int8,
                         NpyDtype::Int16, NpyDtype::Int32}) {
    const std::string path = tempPath(std::string("roundtrip_") + npyDtypeName(dtype) + ".npy");
    writeNpy(path, {2, 3}, values, dtype);
    const NpyArray back = readNpy(path);
    CHECK(back.dtype == dtype);
    CHECK(back.shape == std::vector<std::size_t>{2, 3});
    for (std::size_t i = 0; i < values.size(); ++i) {
      double expected = values[i];
      switch (dtype) {
        case NpyDtype::Float16:
          expected = halfBitsToDouble(doubleToHalfBits(values[i]));
          break;
        case NpyDtype::Float32:
          expected = static_cast<double>(static_cast<float>(values[i]));
          break;
        case NpyDtype::Int8:
          expected = std::max(-128.0, std::min(127.0, std::nearbyint(values[i])));
          break;
        case NpyDtype::Int16:
          expected = std::max(-32768.0, std::min(32767.0, std::nearbyint(values[i])));
          break;
        case NpyDtype::Int32:
          expected = std::nearbyint(values[i]);
          break;
        case NpyDtype::Float64:
          break;
      }
      CHECK(back.values[i] == expected);
    }
    std::remove(path.c_str());
  }
  CHECK(doubleToHalfBits(1.0) == 0x3c00);
  CHECK(doubleToHalfBits(-2.5) == 0xc100);
  CHECK(doubleToHalfBits(65504.0) == 0x7bff);
  CHECK(halfBitsToDouble(doubleToHalfBits(0.1)) == Approx(0.1).epsilon(1e-3));
}

TEST_CASE("star: Malformed or mismatched npy files are clear errors naming the file",
          "[star][npy]") {
  const auto expect_error = [](const std::string& path, const std::string& fragment) {
    try {
      readNpyMatrix(path, "K", 0, 4);
      FAIL("no error for " << path);
    } catch (const NpyError& e) {
      const std::string message = e.what();
      CHECK(message.find(path) != std::string::npos);
      CHECK(message.find(fragment) != std::string::npos);
    }
  };
  const std::string missing = tempPath("does_not_exist.npy");
  expect_error(missing, "cannot open");

  const std::string bad_magic = tempPath("bad_magic.npy");
  writeBytes(bad_magic, "PK\x03\x04 this is a zip, not npy");
  expect_error(bad_magic, "magic");

  const std::string complex_type = tempPath("complex.npy");
  writeBytes(complex_type,
             headerBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1, 4), }") +
                 std::string(32, '\0'));
  expect_error(complex_type, "unsupported dtype");

  const std::string truncated = tempPath("truncated.npy");
  writeBytes(truncated, headerBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }") +
                            std::string(12, '\0'));
  expect_error(truncated, "does not match shape");

  const std::string wrong_cols = tempPath("wrong_cols.npy");
  writeNpy(wrong_cols, {3, 5}, std::vector<double>(15, 1.0), NpyDtype::Float32);
  expect_error(wrong_cols, "expected (rows, 4)");

  const std::string three_d = tempPath("three_d.npy");
  writeNpy(three_d, {2, 2, 4}, std::vector<double>(16, 1.0), NpyDtype::Float32);
  expect_error(three_d, "2-D");

  const std::string nan_file = tempPath("nan.npy");
  writeNpy(nan_file, {1, 4}, {1.0, NAN, 0.0, 2.0}, NpyDtype::Float32);
  expect_error(nan_file, "non-finite");
  for (const auto& p : {bad_magic, complex_type, truncated, wrong_cols, three_d, nan_file}) {
    std::remove(p.c_str());
  }
}
