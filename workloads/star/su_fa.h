#pragma once
// SU-FA, sorted-updating FlashAttention (sources S2.5), and the two orders it is compared with.
// Every order computes softmax(q K_sel^T * scale) V_sel over the selected keys exactly (up to
// float64 rounding); they differ in the operations spent on the running max.
//
// Descending (SU-FA, Eq. 2): per tile, the first processed key is the tile maximum (the
//   predicted top-1, max-assured against top-2) and starts l = 1, o = v; m never changes,
//   so l += e^(s-m) and o += e^(s-m) v with no rescale. Tile partials (m_j, l_j, o_j) are merged
//   once per row (sources S2.5.3 "tile synchronisation") and divided by l.
// Ascending (Eq. 1): keys in ascending predicted order; every key is taken as the new max,
//   so l = l e^(m-s) + 1 and o = o e^(m-s) + v (one rescale per key); tile partials merged
//   as above.
// FlashAttention-2: tiles in order with one running state; per tile, the tile max is found
//   with compares, l and o are rescaled by e^(m_old - m_new) once per tile after the first,
//   and the final division is deferred to the end.
//
// Exact counting rules (all scalar, see op_counts.h): q.k costs d mul + d add; every exp
// argument s - m costs 1 add; o += p v costs d mul + d add; o += v costs d add; a rescale of
// l and o costs 1 mul + d mul; the final O = o / l costs d div.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "workloads/star/matrix.h"
#include "workloads/star/op_counts.h"
#include "workloads/star/sads.h"

namespace spatialvp::star {

enum class SuFaOrder { Descending, Ascending, FlashAttention2 };

const char* suFaOrderName(SuFaOrder order);

struct SuFaOptions {
  SuFaOrder order = SuFaOrder::Descending;
  double scale = 1.0;         // logit scale, normally 1/sqrt(d)
  bool max_assurance = true;  // sources S2.5.4: compare exact top-1 and top-2 before streaming
  // Exp arguments above this are clipped (models a fixed-point exp unit overflowing when a
  // mispredicted key exceeds the assured max, sources S2.5.5). Infinity = exact float64.
  double exp_argument_limit = std::numeric_limits<double>::infinity();
};

struct SuFaStats {
  OpCounts ops;
  std::uint64_t rescales = 0;         // running-max refreshes (l and o multiplied)
  std::uint64_t assurance_swaps = 0;  // exact top-2 beat the predicted top-1
  std::uint64_t max_violations = 0;   // a later key exceeded the assured max (exp > 1)
  std::uint64_t saturated_exps = 0;   // exp arguments clipped at exp_argument_limit

  SuFaStats& operator+=(const SuFaStats& other);
};

// One query row over the selected keys of `selection` (tiles = its sub-segments).
// `predicted` (length = keys.rows()) orders the ascending variant; it may be null for the
// other orders. Writes head-dim values into `output`.
void computeSuFaRow(const double* query, const MatrixD& keys, const MatrixD& values,
                    const RowSelection& selection, const double* predicted,
                    const SuFaOptions& options, double* output, SuFaStats& stats);

// The same computation split at tile boundaries, for a model that runs one tile per job (the
// timed STAR core's functional mode). computeSuFaRow is exactly suFaTile over the non-empty
// tiles in order followed by suFaFinish, so the split is bit-identical.
struct SuFaPartial {
  double m = 0.0;
  double l = 0.0;
  std::vector<double> o;
  bool started = false;  // set by suFaTile
};

// One non-empty tile of one row. Descending / ascending: `state` becomes the tile's own
// partial (m, l, o). FlashAttention-2: `state` is the running state (start from a default
// SuFaPartial, pass the previous tile's state after that) and is updated in place.
void suFaTile(const double* query, const MatrixD& keys, const MatrixD& values,
              const SegmentSelection& tile, const double* predicted, const SuFaOptions& options,
              SuFaPartial& state, SuFaStats& stats);
// Tile synchronisation + division: merges the tile partials (descending / ascending) or
// divides the final running state (FlashAttention-2: exactly one entry). Writes head-dim values.
void suFaFinish(const std::vector<SuFaPartial>& partials, const SuFaOptions& options,
                double* output, SuFaStats& stats);

// Counts of one tile of n selected keys (first_tile matters only for FA-2's rescale).
OpCounts suFaTileOpCounts(std::size_t n, std::size_t head_dim, SuFaOrder order, bool max_assurance,
                          bool first_tile);
// Counts of the per-row tile synchronisation over `tiles` non-empty tiles plus the division.
OpCounts suFaMergeOpCounts(std::size_t tiles, std::size_t head_dim, SuFaOrder order);

// Counts of one row from tile sizes alone (no data); head_dim = 0 gives the scalar softmax
// operations only (every d-wide vector term drops out): equal to computeSuFaRow's counts when
// there is no assurance swap; used by the complexity model and the tiling planner.
OpCounts suFaRowOpCounts(const std::vector<std::size_t>& tile_sizes, std::size_t head_dim,
                         SuFaOrder order, bool max_assurance);

}  // namespace spatialvp::star
