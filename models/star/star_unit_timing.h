#pragma once
// Cycle counts of the STAR units for one tile-stage job (SystemC-free, so the timed modules and
// tests share it). Every unit is an array of lanes (sources S3.2: 128 lines each) that work on
// rows in parallel, one row per lane: the query rows of the job for DLZS's A-hat, SADS and SU-FA,
// the key rows for DLZS's K-hat, the produced rows for the exact PE array. A job of R rows takes
// ceil(R / lanes) passes of its per-row work at the lane's throughput, so fewer rows than lanes
// leave lanes idle and are no faster per pass (sources S8.3). Within a unit the slowest resource
// bounds the job (e.g. SU-FA's MAC lines, or its EXP or DIV units).
#include <cstdint>

#include "workloads/star/tiling_planner.h"

namespace spatialvp::models::star {

struct DlzsGeometry {
  std::uint64_t lanes = 128;           // shift-array rows (sources S3.2: 128 x 32)
  std::uint64_t shifts_per_lane = 32;  // shift-add PEs per row
  std::uint64_t lz_encoders = 128;     // configurable LZEs, spread over the lanes (S2.3)
};

struct SadsGeometry {
  std::uint64_t sort_lanes = 128;  // 16-to-4 sort cores, one round per lane per cycle (S8.3)
};

struct MacArrayGeometry {
  std::uint64_t lanes = 128;        // KV generation: PE lines 0-127 (sources S3.2)
  std::uint64_t macs_per_lane = 4;  // 16-bit PEs per line
};

struct SuFaGeometry {
  std::uint64_t lanes = 128;        // lines, one query row each (sources S3.2)
  std::uint64_t macs_per_lane = 4;  // SA-1 2 PEs + SA-2 2 PEs
  std::uint64_t exp_units = 128;
  std::uint64_t div_units = 128;
};

// Compute cycles of a job (without the unit's pipeline fill).
std::uint64_t dlzsCycles(const spatialvp::star::StageWork& work, const DlzsGeometry& geometry);
std::uint64_t sadsCycles(const spatialvp::star::StageWork& work, const SadsGeometry& geometry);
std::uint64_t kvGenerationCycles(const spatialvp::star::StageWork& work,
                                 const MacArrayGeometry& geometry);
// SU-FA and the per-block tile synchronisation (O update, divide) both run on the SU-FA unit.
std::uint64_t suFaCycles(const spatialvp::star::StageWork& work, const SuFaGeometry& geometry);

// The work a unit counts for its utilisation (shift-adds, sorter rounds or MACs) and its peak per
// cycle with every lane busy: utilisation = work / (peak x cycles).
struct UnitWork {
  std::uint64_t done = 0;
  std::uint64_t peak_per_cycle = 0;
};
UnitWork dlzsWork(const spatialvp::star::StageOps& ops, const DlzsGeometry& geometry);
UnitWork sadsWork(const spatialvp::star::StageOps& ops, const SadsGeometry& geometry);
UnitWork kvGenerationWork(const spatialvp::star::StageOps& ops, const MacArrayGeometry& geometry);
UnitWork suFaWork(const spatialvp::star::StageOps& ops, const SuFaGeometry& geometry);

// Useful MAC-cycles of a job, for PE utilisation (MACs / PEs).
std::uint64_t usefulMacs(const spatialvp::star::StageOps& ops);

}  // namespace spatialvp::models::star
