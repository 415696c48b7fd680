#pragma once
// Cycle counts of the STAR units for one tile-stage of work (SystemC-free, so the timed
// modules and tests share it). Each unit is modelled by its peak per-cycle throughput from the
// hardware inventory (spec 3.2) plus a fixed pipeline fill per job; the slowest resource of a
// unit bounds it (e.g. SU-FA is bound by its MAC lines, or its EXP or DIV units).
#include <cstdint>

#include "workloads/star/tiling_planner.h"

namespace spatialvp::models::star {

struct DlzsGeometry {
  std::uint64_t shift_pes = 128 * 32;  // 128 x 32 shift-add PEs (spec 3.2)
  std::uint64_t lz_encoders = 128;     // configurable LZEs (spec 2.3.3)
};

struct SadsGeometry {
  std::uint64_t sort_lanes = 128;  // 16-to-4 sort cores, one round per lane per cycle (spec 8.3)
};

struct MacArrayGeometry {
  std::uint64_t macs_per_cycle = 128 * 4;  // KV generation: 128 x 4 16-bit PEs (spec 3.2)
};

struct SuFaGeometry {
  std::uint64_t macs_per_cycle = 128 * 4;  // 128 lines x (SA-1 2 PEs + SA-2 2 PEs) (spec 3.2)
  std::uint64_t exp_units = 128;
  std::uint64_t div_units = 128;
};

std::uint64_t dlzsCycles(const spatialvp::star::StageOps& ops, const DlzsGeometry& geometry);
std::uint64_t sadsCycles(const spatialvp::star::StageOps& ops, const SadsGeometry& geometry);
std::uint64_t kvGenerationCycles(const spatialvp::star::StageOps& ops,
                                 const MacArrayGeometry& geometry);
// SU-FA and the per-block tile synchronisation (O update, divide) both run on the SU-FA unit.
std::uint64_t suFaCycles(const spatialvp::star::StageOps& ops, const SuFaGeometry& geometry);

// Useful MAC-cycles of a job, for PE utilisation (MACs / PEs).
std::uint64_t usefulMacs(const spatialvp::star::StageOps& ops);

}  // namespace spatialvp::models::star
