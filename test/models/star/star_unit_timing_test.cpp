// Lane occupancy of the STAR units: every unit spreads a job's rows over its 128 lanes, so fewer
// rows than lanes are no faster per pass and more rows take more passes.
#include <catch2/catch.hpp>

#include "models/star/star_unit_timing.h"

using namespace spatialvp::models::star;
using spatialvp::star::StageWork;

namespace {

// A tile-stage job of `rows` query rows with per-row work that does not depend on the rows.
StageWork jobOf(std::uint64_t rows) {
  StageWork work;
  work.rows = rows;
  work.keys = 1024;
  work.ops.shift_adds = rows * 1024 * 128;  // A-hat: keys x d per row
  work.ops.lzc = rows * 128;
  work.ops.sorter_rounds = rows * 19 * 86;
  work.ops.formal.mul = rows * 76 * 2 * 128;
  work.ops.formal.exp = rows * 76;
  return work;
}

}  // namespace

TEST_CASE("star units: fewer rows than lanes are no faster, more rows take another pass",
          "[star][lanes]") {
  const DlzsGeometry dlzs;
  const SadsGeometry sads;
  const SuFaGeometry sufa;
  for (std::uint64_t rows : {1, 32, 64, 127}) {
    CAPTURE(rows);
    CHECK(dlzsCycles(jobOf(rows), dlzs) == dlzsCycles(jobOf(128), dlzs));
    CHECK(sadsCycles(jobOf(rows), sads) == sadsCycles(jobOf(128), sads));
    CHECK(suFaCycles(jobOf(rows), sufa) == suFaCycles(jobOf(128), sufa));
  }
  CHECK(dlzsCycles(jobOf(129), dlzs) == 2 * dlzsCycles(jobOf(128), dlzs));
  CHECK(sadsCycles(jobOf(256), sads) == 2 * sadsCycles(jobOf(128), sads));
  CHECK(suFaCycles(jobOf(384), sufa) == 3 * suFaCycles(jobOf(128), sufa));
  // A full pass: the per-row work at the lane's throughput.
  CHECK(sadsCycles(jobOf(128), sads) == 19 * 86);
  CHECK(suFaCycles(jobOf(128), sufa) == 76 * 2 * 128 / 4);
  CHECK(dlzsCycles(jobOf(128), dlzs) == 1024 * 128 / 32);
}

TEST_CASE("star units: the KV array and K-hat occupy lanes by the rows they produce",
          "[star][lanes]") {
  const MacArrayGeometry array;
  StageWork kv;
  kv.rows = 128;                                 // query rows of the block: irrelevant to the array
  const std::uint64_t per_row = 2 * 4096 * 128;  // K and V row pair, H = 4096, d = 128
  kv.ops.macs = 104 * per_row;
  kv.ops.mac_rows = 104;
  // 104 rows occupy 104 of 128 lines for one pass: as long as 128 rows would take.
  CHECK(kvGenerationCycles(kv, array) == per_row / 4);
  kv.ops.macs = 129 * per_row;
  kv.ops.mac_rows = 129;
  CHECK(kvGenerationCycles(kv, array) == 2 * per_row / 4);
  // K-hat of a 1024-key tile: 8 passes of 128 keys, H x d / 32 cycles each, then A-hat.
  const DlzsGeometry dlzs;
  StageWork a = jobOf(128);
  a.ops.khat_shift_adds = 1024ULL * 4096 * 128;
  a.ops.khat_rows = 1024;
  a.ops.shift_adds += a.ops.khat_shift_adds;
  CHECK(dlzsCycles(a, dlzs) == 8 * 4096 * 128 / 32 + 1024 * 128 / 32);
}

TEST_CASE("star units: utilisation counts work against every lane's peak", "[star][lanes]") {
  const SuFaGeometry sufa;
  const StageWork half = jobOf(64);
  const UnitWork work = suFaWork(half.ops, sufa);
  CHECK(work.peak_per_cycle == 512);
  // Half the lanes busy for a full pass: half the peak work.
  CHECK(static_cast<double>(work.done) / (static_cast<double>(work.peak_per_cycle) *
                                          static_cast<double>(suFaCycles(half, sufa))) ==
        Approx(0.5));
  const SadsGeometry sads;
  CHECK(sadsWork(half.ops, sads).done == half.ops.sorter_rounds);
  CHECK(sadsWork(half.ops, sads).peak_per_cycle == 128);
}
