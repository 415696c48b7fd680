#include "platform/core/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace spatialvp {

Dimension Dimension::operator*(const Dimension& other) const {
  Dimension result;
  for (int i = 0; i < kCount; ++i)
    result.exponent[i] = exponent[i] + other.exponent[i];
  return result;
}

Dimension Dimension::operator/(const Dimension& other) const {
  Dimension result;
  for (int i = 0; i < kCount; ++i)
    result.exponent[i] = exponent[i] - other.exponent[i];
  return result;
}

Dimension Dimension::of(Base base, int power) {
  Dimension d;
  d.exponent[base] = power;
  return d;
}

namespace dims {
Dimension time() {
  return Dimension::of(Dimension::kTime);
}
Dimension frequency() {
  return Dimension::of(Dimension::kTime, -1);
}
Dimension data() {
  return Dimension::of(Dimension::kData);
}
Dimension bandwidth() {
  return data() / time();
}
Dimension energy() {
  return Dimension::of(Dimension::kEnergy);
}
Dimension energyPerData() {
  return energy() / data();
}
Dimension power() {
  return energy() / time();
}
Dimension area() {
  return Dimension::of(Dimension::kLength, 2);
}
Dimension length() {
  return Dimension::of(Dimension::kLength);
}
Dimension computeRate() {
  return Dimension::of(Dimension::kOps) / time();
}
Dimension energyPerOp() {
  return energy() / Dimension::of(Dimension::kOps);
}
Dimension cycles() {
  return Dimension::of(Dimension::kCycles);
}
}  // namespace dims

namespace {

struct NamedDimension {
  Dimension dim;
  const char* name;
  const char* symbol;
  const char* example;
  double maximum;  // physical range is [0, maximum]
};

const std::vector<NamedDimension>& namedDimensions() {
  static const std::vector<NamedDimension> table = {
      // time: 1e6 s keeps picosecond counts (1e18) inside 64 bits with room for sums.
      {dims::time(), "time", "s", "10 ns", 1e6},
      {dims::frequency(), "frequency", "Hz", "1 GHz", 1e15},
      // data: the 64-bit address space (2^64 B).
      {dims::data(), "data size", "B", "28 KiB", 18446744073709551616.0},
      {dims::bandwidth(), "bandwidth", "B/s", "512 GB/s", 1e18},
      {dims::energy(), "energy", "J", "1.2 pJ", 1e12},
      {dims::energyPerData(), "energy per data", "J/B", "0.8 pJ/bit", 1.0},
      {dims::power(), "power", "W", "950 mW", 1e9},
      {dims::area(), "area", "m^2", "5.69 mm^2", 100.0},
      {dims::length(), "length", "m", "50 mm", 1e4},
      {dims::computeRate(), "compute rate", "op/s", "312 TFLOPS", 1e21},
      {dims::energyPerOp(), "energy per operation", "J/op", "0.5 pJ/op", 1.0},
      {dims::cycles(), "cycle count", "cycle", "4 cycle", 1e15},
      {Dimension{}, "dimensionless number", "", "0.5", 1e15},
  };
  return table;
}

struct UnitAtom {
  const char* symbol;
  double scale;
  Dimension dim;
  bool accepts_binary_prefix;
};

const std::vector<UnitAtom>& unitAtoms() {
  static const std::vector<UnitAtom> atoms = {
      {"s", 1.0, dims::time(), false},
      {"Hz", 1.0, dims::frequency(), false},
      {"B", 1.0, dims::data(), true},
      {"bit", 0.125, dims::data(), true},
      {"b", 0.125, dims::data(), true},
      {"J", 1.0, dims::energy(), false},
      {"W", 1.0, dims::power(), false},
      {"m", 1.0, dims::length(), false},
      {"op", 1.0, Dimension::of(Dimension::kOps), false},
      {"OP", 1.0, Dimension::of(Dimension::kOps), false},
      {"FLOP", 1.0, Dimension::of(Dimension::kOps), false},
      {"OPS", 1.0, dims::computeRate(), false},
      {"FLOPS", 1.0, dims::computeRate(), false},
      {"cycle", 1.0, dims::cycles(), false},
      {"cycles", 1.0, dims::cycles(), false},
  };
  return atoms;
}

struct Prefix {
  const char* symbol;
  double scale;
};

const std::vector<Prefix>& binaryPrefixes() {
  static const std::vector<Prefix> prefixes = {
      {"Ki", 1024.0},          {"Mi", 1048576.0},          {"Gi", 1073741824.0},
      {"Ti", 1099511627776.0}, {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0}};
  return prefixes;
}

const std::vector<Prefix>& siPrefixes() {
  static const std::vector<Prefix> prefixes = {
      {"a", 1e-18},       {"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9}, {"u", 1e-6},
      {"\xC2\xB5", 1e-6}, {"m", 1e-3},  {"k", 1e3},   {"K", 1e3},  {"M", 1e6},
      {"G", 1e9},         {"T", 1e12},  {"P", 1e15},  {"E", 1e18}};
  return prefixes;
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// One factor such as "GB", "mm^2" or "pJ": returns scale and dimension raised to the power.
std::pair<double, Dimension> parseFactor(std::string_view factor, std::string_view whole) {
  int power = 1;
  if (auto caret = factor.find('^'); caret != std::string_view::npos) {
    const std::string exponent(factor.substr(caret + 1));
    char* end = nullptr;
    const long value = std::strtol(exponent.c_str(), &end, 10);
    if (exponent.empty() || *end != '\0' || value == 0 || value < -4 || value > 4) {
      throw UnitError("bad exponent in unit '" + std::string(whole) + "'");
    }
    power = static_cast<int>(value);
    factor = factor.substr(0, caret);
  }
  auto raise = [power](double scale, const Dimension& dim) {
    Dimension result;
    for (int i = 0; i < Dimension::kCount; ++i)
      result.exponent[i] = dim.exponent[i] * power;
    return std::make_pair(std::pow(scale, power), result);
  };
  for (const auto& atom : unitAtoms()) {
    if (factor == atom.symbol)
      return raise(atom.scale, atom.dim);
  }
  for (const auto& prefix : binaryPrefixes()) {
    if (!startsWith(factor, prefix.symbol))
      continue;
    const auto rest = factor.substr(std::string_view(prefix.symbol).size());
    for (const auto& atom : unitAtoms()) {
      if (rest == atom.symbol && atom.accepts_binary_prefix) {
        return raise(prefix.scale * atom.scale, atom.dim);
      }
    }
  }
  for (const auto& prefix : siPrefixes()) {
    if (!startsWith(factor, prefix.symbol))
      continue;
    const auto rest = factor.substr(std::string_view(prefix.symbol).size());
    for (const auto& atom : unitAtoms()) {
      if (rest == atom.symbol)
        return raise(prefix.scale * atom.scale, atom.dim);
    }
  }
  throw UnitError("unknown unit '" + std::string(factor) + "' in '" + std::string(whole) +
                  "' (known: s, Hz, B, bit, J, W, m, op, FLOPS, cycle with SI prefixes "
                  "p n u m k M G T and binary prefixes Ki Mi Gi Ti for B and bit)");
}

}  // namespace

std::string dimensionName(const Dimension& dim) {
  for (const auto& named : namedDimensions()) {
    if (named.dim == dim)
      return named.name;
  }
  return baseUnitSymbol(dim);
}

std::string baseUnitSymbol(const Dimension& dim) {
  for (const auto& named : namedDimensions()) {
    if (named.dim == dim)
      return named.symbol;
  }
  static const char* const kSymbols[] = {"s", "B", "J", "m", "op", "cycle"};
  std::string numerator;
  std::string denominator;
  for (int i = 0; i < Dimension::kCount; ++i) {
    const int e = dim.exponent[i];
    if (e == 0)
      continue;
    std::string& side = e > 0 ? numerator : denominator;
    if (!side.empty())
      side += "*";
    side += kSymbols[i];
    if (std::abs(e) != 1)
      side += "^" + std::to_string(std::abs(e));
  }
  if (numerator.empty())
    numerator = "1";
  return denominator.empty() ? numerator : numerator + "/" + denominator;
}

PhysicalRange physicalRange(const Dimension& dim) {
  for (const auto& named : namedDimensions()) {
    if (named.dim == dim)
      return {0.0, named.maximum};
  }
  return {0.0, 1e30};  // unnamed compound units: finite and non-negative
}

std::string exampleLiteral(const Dimension& dim) {
  for (const auto& named : namedDimensions()) {
    if (named.dim == dim)
      return named.example;
  }
  return "1 " + baseUnitSymbol(dim);
}

Quantity parseQuantity(std::string_view text) {
  const std::string input(text);
  std::size_t pos = 0;
  while (pos < input.size() && std::isspace(static_cast<unsigned char>(input[pos])))
    ++pos;
  const char* begin = input.c_str() + pos;
  char* end = nullptr;
  const double number = std::strtod(begin, &end);
  if (end == begin) {
    throw UnitError("'" + input + "' does not start with a number");
  }
  if (!std::isfinite(number))
    throw UnitError("'" + input + "' is not a finite number");
  std::string unit(end);
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.front())))
    unit.erase(0, 1);
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.back())))
    unit.pop_back();
  if (unit.empty()) {
    throw UnitError("'" + input + "' has no unit");
  }

  Quantity result{number, Dimension{}};
  double scale = 1.0;
  bool divide = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= unit.size(); ++i) {
    const bool at_end = i == unit.size();
    if (!at_end && unit[i] != '/' && unit[i] != '*')
      continue;
    const std::string_view factor(unit.data() + start, i - start);
    if (factor.empty())
      throw UnitError("malformed unit '" + unit + "'");
    const auto [factor_scale, factor_dim] = parseFactor(factor, unit);
    if (divide) {
      scale /= factor_scale;
      result.dimension = result.dimension / factor_dim;
    } else {
      scale *= factor_scale;
      result.dimension = result.dimension * factor_dim;
    }
    if (!at_end)
      divide = unit[i] == '/';
    start = i + 1;
  }
  result.value = number * scale;
  // A finite number can still overflow (1e300 GB/s) or underflow to zero past its prefix.
  if (!std::isfinite(result.value) || (number != 0.0 && result.value == 0.0))
    throw UnitError("'" + input + "' is out of the representable range");
  return result;
}

double parseQuantityAs(std::string_view text, const Dimension& expected) {
  Quantity quantity;
  try {
    quantity = parseQuantity(text);
  } catch (const UnitError& error) {
    throw UnitError(std::string(error.what()) + "; expected a " + dimensionName(expected) +
                    " such as '" + exampleLiteral(expected) + "'");
  }
  if (quantity.dimension != expected) {
    throw UnitError("'" + std::string(text) + "' is a " + dimensionName(quantity.dimension) +
                    ", expected a " + dimensionName(expected) + " such as '" +
                    exampleLiteral(expected) + "'");
  }
  return quantity.value;
}

std::string formatQuantity(double si_value, const Dimension& dim) {
  static const std::pair<double, const char*> kPrefixes[] = {
      {1e18, "E"}, {1e15, "P"}, {1e12, "T"}, {1e9, "G"},  {1e6, "M"},   {1e3, "k"},
      {1.0, ""},   {1e-3, "m"}, {1e-6, "u"}, {1e-9, "n"}, {1e-12, "p"}, {1e-15, "f"}};
  const std::string symbol = baseUnitSymbol(dim);
  const bool prefixable =
      dim != dims::area() && !symbol.empty() && symbol.find('*') == std::string::npos;
  char buffer[64];
  if (!prefixable || si_value == 0.0) {
    std::snprintf(buffer, sizeof(buffer), "%.6g", si_value);
    return symbol.empty() ? buffer : std::string(buffer) + " " + symbol;
  }
  const double magnitude = std::fabs(si_value);
  for (const auto& [scale, prefix] : kPrefixes) {
    if (magnitude >= scale * 0.9999999) {
      std::snprintf(buffer, sizeof(buffer), "%.6g %s%s", si_value / scale, prefix, symbol.c_str());
      return buffer;
    }
  }
  std::snprintf(buffer, sizeof(buffer), "%.6g %s", si_value, symbol.c_str());
  return buffer;
}

}  // namespace spatialvp
