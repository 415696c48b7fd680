#include "platform/core/units.h"

#include <catch2/catch.hpp>

using namespace spatialvp;
using Catch::Matchers::Contains;

TEST_CASE("Units parser reads the quantities configs write", "[units]") {
  CHECK(parseQuantityAs("512 GB/s", dims::bandwidth()) == Approx(512e9));
  CHECK(parseQuantityAs("1 GHz", dims::frequency()) == Approx(1e9));
  CHECK(parseQuantityAs("28 KiB", dims::data()) == Approx(28.0 * 1024));
  CHECK(parseQuantityAs("10 ns", dims::time()) == Approx(10e-9));
  CHECK(parseQuantityAs("0.8 pJ/bit", dims::energyPerData()) == Approx(6.4e-12));
  CHECK(parseQuantityAs("5.69 mm^2", dims::area()) == Approx(5.69e-6));
  CHECK(parseQuantityAs("950 mW", dims::power()) == Approx(0.95));
  CHECK(parseQuantityAs("312 TFLOPS", dims::computeRate()) == Approx(312e12));
  CHECK(parseQuantityAs("2 Gb/s", dims::bandwidth()) == Approx(0.25e9));
  CHECK(parseQuantityAs("180 GB", dims::data()) == Approx(180e9));
  CHECK(parseQuantityAs("3.9us", dims::time()) == Approx(3.9e-6));
  CHECK(parseQuantityAs("4 cycle", dims::cycles()) == Approx(4));
  CHECK(parseQuantityAs("1.5 TiB", dims::data()) == Approx(1.5 * 1099511627776.0));
}

TEST_CASE("Units parser rejects a quantity without a unit", "[units]") {
  CHECK_THROWS_WITH(parseQuantityAs("512", dims::bandwidth()),
                    Contains("has no unit") && Contains("512 GB/s"));
}

TEST_CASE("Units parser rejects a quantity of the wrong kind", "[units]") {
  CHECK_THROWS_WITH(parseQuantityAs("1 GHz", dims::bandwidth()),
                    Contains("is a frequency") && Contains("expected a bandwidth"));
  CHECK_THROWS_WITH(parseQuantityAs("10 ns", dims::data()), Contains("is a time"));
}

TEST_CASE("Units parser rejects malformed input", "[units]") {
  CHECK_THROWS_AS(parseQuantity("GB/s"), UnitError);
  CHECK_THROWS_WITH(parseQuantity("5 furlongs"), Contains("unknown unit 'furlongs'"));
  CHECK_THROWS_AS(parseQuantity("5 GB//s"), UnitError);
  CHECK_THROWS_AS(parseQuantity("5 m^x"), UnitError);
  CHECK_THROWS_AS(parseQuantity("nan s"), UnitError);
  CHECK_THROWS_AS(parseQuantity("5 KiHz"), UnitError);  // binary prefixes are for data only
}

TEST_CASE("Quantities format with readable prefixes", "[units]") {
  CHECK(formatQuantity(512e9, dims::bandwidth()) == "512 GB/s");
  CHECK(formatQuantity(10e-9, dims::time()) == "10 ns");
  CHECK(formatQuantity(0.0, dims::energy()) == "0 J");
}
