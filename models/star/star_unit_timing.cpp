#include "models/star/star_unit_timing.h"

#include <algorithm>

namespace spatialvp::models::star {

namespace {

std::uint64_t ceilDiv(std::uint64_t value, std::uint64_t divisor) {
  return divisor == 0 ? 0 : (value + divisor - 1) / divisor;
}

// Cycles of `total` operations spread evenly over `rows` rows, one row per lane, `lanes` lanes
// each doing `per_lane` operations per cycle: ceil(rows / lanes) passes of the per-row work.
std::uint64_t laneCycles(std::uint64_t total, std::uint64_t rows, std::uint64_t lanes,
                         std::uint64_t per_lane) {
  if (total == 0)
    return 0;
  rows = std::max<std::uint64_t>(rows, 1);
  return ceilDiv(rows, lanes) * ceilDiv(ceilDiv(total, rows), per_lane);
}

// As laneCycles for units shared by the lanes (EXP, DIV): `units` units serve `lanes` lanes, so a
// lane gets units / lanes operations per cycle.
std::uint64_t sharedUnitCycles(std::uint64_t total, std::uint64_t rows, std::uint64_t lanes,
                               std::uint64_t units) {
  if (total == 0)
    return 0;
  rows = std::max<std::uint64_t>(rows, 1);
  return ceilDiv(rows, lanes) * ceilDiv(ceilDiv(total, rows) * lanes, units);
}

}  // namespace

std::uint64_t dlzsCycles(const spatialvp::star::StageWork& work, const DlzsGeometry& geometry) {
  const auto& ops = work.ops;
  // K-hat (key rows on the lanes) then A-hat (query rows); the LZEs encode Q while the shift
  // array works, so the slower of A-hat and encoding bounds that phase.
  const std::uint64_t khat =
      laneCycles(ops.khat_shift_adds, ops.khat_rows, geometry.lanes, geometry.shifts_per_lane);
  const std::uint64_t ahat = laneCycles(ops.shift_adds - ops.khat_shift_adds, work.rows,
                                        geometry.lanes, geometry.shifts_per_lane);
  const std::uint64_t encode =
      sharedUnitCycles(ops.lzc, work.rows, geometry.lanes, geometry.lz_encoders);
  return khat + std::max(ahat, encode);
}

std::uint64_t sadsCycles(const spatialvp::star::StageWork& work, const SadsGeometry& geometry) {
  return laneCycles(work.ops.sorter_rounds, work.rows, geometry.sort_lanes, 1);
}

std::uint64_t kvGenerationCycles(const spatialvp::star::StageWork& work,
                                 const MacArrayGeometry& geometry) {
  return laneCycles(work.ops.macs, work.ops.mac_rows, geometry.lanes, geometry.macs_per_lane);
}

std::uint64_t suFaCycles(const spatialvp::star::StageWork& work, const SuFaGeometry& geometry) {
  const auto& formal = work.ops.formal;
  const std::uint64_t mac_cycles =
      laneCycles(formal.mul, work.rows, geometry.lanes, geometry.macs_per_lane);
  const std::uint64_t exp_cycles =
      sharedUnitCycles(formal.exp, work.rows, geometry.lanes, geometry.exp_units);
  const std::uint64_t div_cycles =
      sharedUnitCycles(formal.div, work.rows, geometry.lanes, geometry.div_units);
  return std::max({mac_cycles, exp_cycles, div_cycles});
}

UnitWork dlzsWork(const spatialvp::star::StageOps& ops, const DlzsGeometry& geometry) {
  return {ops.shift_adds, geometry.lanes * geometry.shifts_per_lane};
}

UnitWork sadsWork(const spatialvp::star::StageOps& ops, const SadsGeometry& geometry) {
  return {ops.sorter_rounds, geometry.sort_lanes};
}

UnitWork kvGenerationWork(const spatialvp::star::StageOps& ops, const MacArrayGeometry& geometry) {
  return {ops.macs, geometry.lanes * geometry.macs_per_lane};
}

UnitWork suFaWork(const spatialvp::star::StageOps& ops, const SuFaGeometry& geometry) {
  return {ops.formal.mul, geometry.lanes * geometry.macs_per_lane};
}

std::uint64_t usefulMacs(const spatialvp::star::StageOps& ops) {
  return ops.macs + ops.formal.mul;
}

}  // namespace spatialvp::models::star
