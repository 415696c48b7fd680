#pragma once
// Seeded synthetic attention inputs whose post-softmax rows have the shapes of sources S2.4.1:
//   type I   — dominated by a few tokens (1 to type1_dominant keys at random positions);
//   type II  — several dominant tokens spread evenly (one per equal region of the row);
//   type III — dominant tokens concentrated in one region (a window of S * region_fraction).
// Construction (logits = q.k / sqrt(d)): keys and values are standard normal; a query is
// noise (logit std `noise_logit_std`) plus, per dominant key j, a component that adds
// `dominant_logit` to q.k_j / sqrt(d). A shared direction gives every key a per-key bias
// logit (std `key_bias_logit_std`) seen by all queries — the column structure (heavy
// hitters) of real attention maps that makes on-demand KV generation pay off.
// In token mode the same Q, K, V are realised as X W_q, X W_k, X W_v with random weights
// (H >= 3d) and X the minimum-norm solution, so the DLZS key phase (sources S2.3.4) can run.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/star/matrix.h"

namespace spatialvp::star {

enum class RowType { I, II, III };

struct RowTypeMix {
  // Frequencies of sources S2.4.1: type I ~25%, type II >76%, type III rare (normalised).
  double type1 = 0.22;
  double type2 = 0.76;
  double type3 = 0.02;
};

struct SyntheticConfig {
  std::size_t seq_len = 1024;     // S
  std::size_t head_dim = 64;      // d
  std::size_t hidden_size = 768;  // H (token mode, and QKV-generation cost)
  std::size_t queries = 0;        // query rows; 0 = S
  std::uint64_t seed = 1;
  RowTypeMix mix;
  double noise_logit_std = 1.0;
  double dominant_logit = 8.0;
  double key_bias_logit_std = 0.5;
  std::size_t type1_dominant = 3;  // type I draws 1..3 dominant keys
  std::size_t type2_dominant = 8;  // type II: one per 1/8 of the row
  std::size_t type3_dominant = 8;  // type III: inside one window
  double type3_region_fraction = 1.0 / 16.0;
  bool token_mode = false;  // also produce X and W_q, W_k, W_v
};

// The inputs of one head: exact Q/K/V and optionally the tokens and weights behind them.
struct AttentionWorkload {
  MatrixD q;                       // queries x d
  MatrixD k;                       // S x d
  MatrixD v;                       // S x d
  MatrixD x;                       // S x H (token mode only; empty otherwise)
  MatrixD wq, wk, wv;              // H x d (token mode only)
  std::size_t hidden_size = 0;     // H used by the generation-cost model
  std::vector<RowType> row_types;  // per query (synthetic only)

  bool hasTokens() const { return !x.empty(); }
  std::size_t seqLen() const { return k.rows(); }
  std::size_t headDim() const { return k.cols(); }
};

AttentionWorkload generateSyntheticWorkload(const SyntheticConfig& config);

// Throws std::invalid_argument naming the inconsistent shape.
void validateWorkload(const AttentionWorkload& workload);

RowType parseRowType(const std::string& text);  // "I", "II", "III" (or 1, 2, 3)
const char* rowTypeName(RowType type);

}  // namespace spatialvp::star
