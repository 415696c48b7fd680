#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "workloads/moe/sram_weight_pinning.h"

using namespace spatialvp::moe;

TEST_CASE("moe: die SRAM pins each layer's share, shared experts first", "[moe][sram]") {
  // 10 layers, 100-byte experts, one shared expert; 2500 B of SRAM = 250 B per layer: the shared
  // expert (100), slot 0 (100) and half of slot 1 (50).
  const SramWeightPinning pinning(2500.0, 10, 100.0, 1);
  CHECK(pinning.layerBudget() == 250.0);
  const std::vector<double> tokens = {3.0, 1.0, 2.0};
  WeightSources all = pinning.split(true, tokens.data(), 3);
  CHECK(all.sram_bytes == 250.0);
  CHECK(all.hbm_bytes == 150.0);  // half of slot 1 and all of slot 2
  // An unused pinned expert does not make another one pinned.
  const std::vector<double> last_only = {0.0, 0.0, 2.0};
  WeightSources one = pinning.split(false, last_only.data(), 3);
  CHECK(one.sram_bytes == 0.0);
  CHECK(one.hbm_bytes == 100.0);
  const std::vector<double> second = {0.0, 5.0, 0.0};
  CHECK(pinning.split(false, second.data(), 3).sram_bytes == 50.0);

  // No SRAM: everything from HBM.
  const SramWeightPinning none(0.0, 10, 100.0, 1);
  WeightSources hbm = none.split(true, tokens.data(), 3);
  CHECK(hbm.sram_bytes == 0.0);
  CHECK(hbm.hbm_bytes == 400.0);
  CHECK_THROWS_AS(SramWeightPinning(-1.0, 10, 100.0, 1), std::invalid_argument);
}
