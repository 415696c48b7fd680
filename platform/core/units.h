#pragma once
// One parser for every physical quantity in a configuration: "512 GB/s", "1 GHz", "28 KiB",
// "10 ns", "0.8 pJ/bit", "5.69 mm^2". Values are held in SI base units (s, B, J, m, op, cycle).
#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace spatialvp {

// Exponents of the base dimensions; bytes (not bits) are the unit of information.
struct Dimension {
  enum Base { kTime, kData, kEnergy, kLength, kOps, kCycles, kCount };
  std::array<int, kCount> exponent{};

  bool operator==(const Dimension& other) const { return exponent == other.exponent; }
  bool operator!=(const Dimension& other) const { return !(*this == other); }
  Dimension operator*(const Dimension& other) const;
  Dimension operator/(const Dimension& other) const;
  bool dimensionless() const { return *this == Dimension{}; }

  static Dimension of(Base base, int power = 1);
};

namespace dims {
Dimension time();           // s
Dimension frequency();      // 1/s
Dimension data();           // B
Dimension bandwidth();      // B/s
Dimension energy();         // J
Dimension energyPerData();  // J/B (so "pJ/bit" is accepted)
Dimension power();          // W = J/s
Dimension area();           // m^2
Dimension length();         // m
Dimension computeRate();    // op/s
Dimension energyPerOp();    // J/op
Dimension cycles();         // cycle
}  // namespace dims

// Human name of a dimension ("bandwidth") or its base-unit form ("J/(B s)") if unnamed.
std::string dimensionName(const Dimension& dim);
// The SI unit symbol the platform reports values of this dimension in ("B/s", "J", "m^2").
std::string baseUnitSymbol(const Dimension& dim);
// An example literal for error messages ("512 GB/s").
std::string exampleLiteral(const Dimension& dim);

// The values a configured quantity of this dimension may take: non-negative and below a bound
// far beyond any machine the platform models (a million seconds, 16 EiB, an exabyte per
// second). Keeps every later conversion (picoseconds, 64-bit byte counts, durations) finite.
struct PhysicalRange {
  double minimum = 0.0;
  double maximum = 0.0;
};
PhysicalRange physicalRange(const Dimension& dim);

struct Quantity {
  double value = 0.0;  // in SI base units
  Dimension dimension;
};

class UnitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses "<number> <unit expression>"; throws UnitError with a readable reason.
Quantity parseQuantity(std::string_view text);

// Parses and checks the dimension; the error names what was expected with an example.
double parseQuantityAs(std::string_view text, const Dimension& expected);

// Formats a value with the most readable SI prefix for its dimension ("1.5 GB/s", "10 ns").
std::string formatQuantity(double si_value, const Dimension& dim);

}  // namespace spatialvp
