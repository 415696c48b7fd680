#include "models/star/star_unit_timing.h"

#include <algorithm>

namespace spatialvp::models::star {

namespace {
std::uint64_t ceilDiv(std::uint64_t value, std::uint64_t divisor) {
  return divisor == 0 ? 0 : (value + divisor - 1) / divisor;
}
}  // namespace

std::uint64_t dlzsCycles(const spatialvp::star::StageOps& ops, const DlzsGeometry& geometry) {
  // The LZEs feed the shift array; both work concurrently, the slower one bounds the job.
  return std::max(ceilDiv(ops.shift_adds, geometry.shift_pes),
                  ceilDiv(ops.lzc, geometry.lz_encoders));
}

std::uint64_t sadsCycles(const spatialvp::star::StageOps& ops, const SadsGeometry& geometry) {
  return ceilDiv(ops.sorter_rounds, geometry.sort_lanes);
}

std::uint64_t kvGenerationCycles(const spatialvp::star::StageOps& ops,
                                 const MacArrayGeometry& geometry) {
  return ceilDiv(ops.macs, geometry.macs_per_cycle);
}

std::uint64_t suFaCycles(const spatialvp::star::StageOps& ops, const SuFaGeometry& geometry) {
  const std::uint64_t mac_cycles = ceilDiv(ops.formal.mul, geometry.macs_per_cycle);
  const std::uint64_t exp_cycles = ceilDiv(ops.formal.exp, geometry.exp_units);
  const std::uint64_t div_cycles = ceilDiv(ops.formal.div, geometry.div_units);
  return std::max({mac_cycles, exp_cycles, div_cycles});
}

std::uint64_t usefulMacs(const spatialvp::star::StageOps& ops) {
  return ops.macs + ops.formal.mul;
}

}  // namespace spatialvp::models::star
