#pragma once
// Counting model behind the complexity figures (sources S6.3, Fig. 17 of SOFA).
//
// Every operation is weighted by a cost in "add units": one unit is one 16-bit fixed-point
// addition (about 16 full-adder cells). The default weights follow the bit-level rule that an
// n-bit adder costs n cells and an n x m array multiplier n*m cells, plus two stated
// assumptions for exp and div. All weights are parameters; none is fitted to a figure.
//
//   weight        default  meaning / source
//   add16         1        16-bit add, subtract or accumulate (unit)
//   cmp16         1        16-bit compare = one subtraction (sorters, running max)
//   mul16         16       16x16-bit multiply: 256 cells = 16 adds (n*m rule)
//   mul4          1        4x4-bit multiply of the baseline predictor: 16 cells = 1 add
//   shift_add     1        DLZS term (sources S2.3.1): sign-XOR + shift + accumulate; the shift is
//                          the one-hot accumulation wiring (sources S2.3.3), so it costs the add
//   lzc           1        16-bit leading-zero count on Q (sources S2.3.3), comparator-sized
//   exp           32       [INF] exp unit = range reduction + polynomial, two 16-bit multiplies
//   div           32       [INF] 16-step restoring divider, 16 x 32-bit subtract
//
// A 16-bit MAC (QKV generation) = mul16 + add16 = 17; a baseline 4-bit prediction term =
// mul4 + add16 = 2; a DLZS prediction term = shift_add = 1.
#include <string>
#include <vector>

#include "workloads/star/op_counts.h"

namespace spatialvp::star {

struct OpCostWeights {
  double add16 = 1.0;
  double cmp16 = 1.0;
  double mul16 = 16.0;
  double mul4 = 1.0;
  double shift_add = 1.0;
  double lzc = 1.0;
  double exp = 32.0;
  double div = 32.0;

  double mac16() const { return mul16 + add16; }
  double int4Mac() const { return mul4 + add16; }
};

// Weighted cost of the formal-stage counts (mul = 16-bit multiply, add = 16-bit add).
double formalCost(const OpCounts& ops, const OpCostWeights& weights);

// Cost of one configuration split by stage (all in add units).
struct ComplexityBreakdown {
  std::string name;
  double q_generation = 0.0;      // exact Q = X W_q (16-bit MACs)
  double kv_generation = 0.0;     // exact K, V rows (16-bit MACs)
  double key_prediction = 0.0;    // DLZS K-hat = X (x) W_k codes (shift-adds)
  double score_prediction = 0.0;  // A-hat: 4-bit MACs (baseline) or shift-adds + LZC (DLZS)
  double top_k = 0.0;             // sorter comparators
  double formal = 0.0;            // exact attention over the selected keys

  double total() const {
    return q_generation + kv_generation + key_prediction + score_prediction + top_k + formal;
  }
};

}  // namespace spatialvp::star
