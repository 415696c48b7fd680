#include "workloads/star/synthetic_workload.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "workloads/star/random.h"

namespace spatialvp::star {
namespace {

double dot(const double* a, const double* b, std::size_t n) {
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    acc += a[i] * b[i];
  }
  return acc;
}

void removeComponent(double* v, const std::vector<double>& unit) {
  const double along = dot(v, unit.data(), unit.size());
  for (std::size_t c = 0; c < unit.size(); ++c) {
    v[c] -= along * unit[c];
  }
}

RowType drawType(DeterministicRng& rng, const RowTypeMix& mix) {
  const double total = mix.type1 + mix.type2 + mix.type3;
  if (!(total > 0.0) || mix.type1 < 0.0 || mix.type2 < 0.0 || mix.type3 < 0.0) {
    throw std::invalid_argument("row-type mix must be non-negative with a positive sum");
  }
  const double u = rng.uniform01() * total;
  if (u < mix.type1) {
    return RowType::I;
  }
  return u < mix.type1 + mix.type2 ? RowType::II : RowType::III;
}

std::vector<std::size_t> dominantKeys(DeterministicRng& rng, RowType type,
                                      const SyntheticConfig& c) {
  const std::size_t S = c.seq_len;
  std::vector<std::size_t> keys;
  switch (type) {
    case RowType::I: {
      const std::size_t count = 1 + rng.uniformIndex(std::max<std::size_t>(1, c.type1_dominant));
      for (std::size_t t = 0; t < count; ++t) {
        keys.push_back(rng.uniformIndex(S));
      }
      break;
    }
    case RowType::II: {
      const std::size_t count = std::min(S, std::max<std::size_t>(1, c.type2_dominant));
      for (std::size_t t = 0; t < count; ++t) {
        const std::size_t begin = t * S / count;
        const std::size_t end = (t + 1) * S / count;
        keys.push_back(begin + rng.uniformIndex(std::max<std::size_t>(1, end - begin)));
      }
      break;
    }
    case RowType::III: {
      const std::size_t window = std::max<std::size_t>(
          1, static_cast<std::size_t>(static_cast<double>(S) * c.type3_region_fraction));
      const std::size_t start = rng.uniformIndex(S - std::min(S, window) + 1);
      for (std::size_t t = 0; t < c.type3_dominant; ++t) {
        keys.push_back(std::min(S - 1, start + rng.uniformIndex(window)));
      }
      break;
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// Solves the symmetric positive definite system G x = b in place (Cholesky).
void choleskySolveInPlace(const MatrixD& chol, double* b) {
  const std::size_t n = chol.rows();
  for (std::size_t i = 0; i < n; ++i) {
    double s = b[i];
    for (std::size_t k = 0; k < i; ++k) {
      s -= chol(i, k) * b[k];
    }
    b[i] = s / chol(i, i);
  }
  for (std::size_t i = n; i-- > 0;) {
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) {
      s -= chol(k, i) * b[k];
    }
    b[i] = s / chol(i, i);
  }
}

MatrixD choleskyFactor(const MatrixD& g) {
  const std::size_t n = g.rows();
  MatrixD l(n, n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      double s = g(i, j);
      for (std::size_t k = 0; k < j; ++k) {
        s -= l(i, k) * l(j, k);
      }
      if (i == j) {
        if (s <= 0.0) {
          throw std::runtime_error("synthetic token mode: weight Gram matrix is singular");
        }
        l(i, i) = std::sqrt(s);
      } else {
        l(i, j) = s / l(j, j);
      }
    }
  }
  return l;
}

MatrixD multiply(const MatrixD& a, const MatrixD& b) {
  MatrixD out(a.rows(), b.cols(), 0.0);
  for (std::size_t i = 0; i < a.rows(); ++i) {
    double* o = out.row(i);
    for (std::size_t k = 0; k < a.cols(); ++k) {
      const double aik = a(i, k);
      const double* brow = b.row(k);
      for (std::size_t j = 0; j < b.cols(); ++j) {
        o[j] += aik * brow[j];
      }
    }
  }
  return out;
}

// Realises Q, K, V as X W: W = [W_q W_k W_v] random (H x 3d), X = T (W^T W)^-1 W^T where
// T = [Q K V] row-aligned (query rows beyond the queries are filled with plain noise).
void buildTokens(AttentionWorkload& w, const SyntheticConfig& c, DeterministicRng& rng) {
  const std::size_t S = c.seq_len;
  const std::size_t d = c.head_dim;
  const std::size_t H = c.hidden_size;
  if (H < 3 * d) {
    throw std::invalid_argument("synthetic token mode needs hidden size >= 3 x head dim");
  }
  if (w.q.rows() > S) {
    throw std::invalid_argument("synthetic token mode needs queries <= sequence length");
  }
  MatrixD weights(H, 3 * d);
  const double weight_std = 1.0 / std::sqrt(static_cast<double>(H));
  for (double& x : weights.values()) {
    x = rng.normal() * weight_std;
  }
  MatrixD targets(S, 3 * d);
  for (std::size_t j = 0; j < S; ++j) {
    for (std::size_t c2 = 0; c2 < d; ++c2) {
      targets(j, c2) = j < w.q.rows() ? w.q(j, c2) : rng.normal();
      targets(j, d + c2) = w.k(j, c2);
      targets(j, 2 * d + c2) = w.v(j, c2);
    }
  }
  MatrixD gram(3 * d, 3 * d, 0.0);
  for (std::size_t h = 0; h < H; ++h) {
    const double* wr = weights.row(h);
    for (std::size_t a = 0; a < 3 * d; ++a) {
      for (std::size_t b = 0; b <= a; ++b) {
        gram(a, b) += wr[a] * wr[b];
      }
    }
  }
  for (std::size_t a = 0; a < 3 * d; ++a) {
    for (std::size_t b = a + 1; b < 3 * d; ++b) {
      gram(a, b) = gram(b, a);
    }
  }
  const MatrixD chol = choleskyFactor(gram);
  for (std::size_t j = 0; j < S; ++j) {
    choleskySolveInPlace(chol, targets.row(j));
  }
  MatrixD weights_t(3 * d, H);
  for (std::size_t h = 0; h < H; ++h) {
    for (std::size_t a = 0; a < 3 * d; ++a) {
      weights_t(a, h) = weights(h, a);
    }
  }
  w.x = multiply(targets, weights_t);
  w.wq = MatrixD(H, d);
  w.wk = MatrixD(H, d);
  w.wv = MatrixD(H, d);
  for (std::size_t h = 0; h < H; ++h) {
    for (std::size_t c2 = 0; c2 < d; ++c2) {
      w.wq(h, c2) = weights(h, c2);
      w.wk(h, c2) = weights(h, d + c2);
      w.wv(h, c2) = weights(h, 2 * d + c2);
    }
  }
  // The exact path uses X W, so Q/K/V are recomputed from the realised tokens.
  const MatrixD queries_x = w.x.sliceRows(0, w.q.rows());
  w.q = multiply(queries_x, w.wq);
  w.k = multiply(w.x, w.wk);
  w.v = multiply(w.x, w.wv);
}

}  // namespace

RowType parseRowType(const std::string& text) {
  if (text == "I" || text == "i" || text == "1") {
    return RowType::I;
  }
  if (text == "II" || text == "ii" || text == "2") {
    return RowType::II;
  }
  if (text == "III" || text == "iii" || text == "3") {
    return RowType::III;
  }
  throw std::invalid_argument("row type must be I, II or III, got '" + text + "'");
}

const char* rowTypeName(RowType type) {
  switch (type) {
    case RowType::I:
      return "I";
    case RowType::II:
      return "II";
    case RowType::III:
      return "III";
  }
  return "?";
}

AttentionWorkload generateSyntheticWorkload(const SyntheticConfig& c) {
  if (c.seq_len == 0 || c.head_dim < 2) {
    throw std::invalid_argument("synthetic workload needs S >= 1 and head dim >= 2");
  }
  DeterministicRng rng(c.seed);
  const std::size_t S = c.seq_len;
  const std::size_t d = c.head_dim;
  const std::size_t queries = c.queries == 0 ? S : c.queries;
  const double root_d = std::sqrt(static_cast<double>(d));
  AttentionWorkload w;
  w.hidden_size = c.hidden_size;

  std::vector<double> shared(d);
  for (double& x : shared) {
    x = rng.normal();
  }
  const double shared_norm = std::sqrt(dot(shared.data(), shared.data(), d));
  for (double& x : shared) {
    x /= shared_norm;
  }

  w.k = MatrixD(S, d);
  w.v = MatrixD(S, d);
  for (std::size_t j = 0; j < S; ++j) {
    double* k = w.k.row(j);
    for (std::size_t c2 = 0; c2 < d; ++c2) {
      k[c2] = rng.normal();
    }
    removeComponent(k, shared);
    // Queries carry sqrt(d) along `shared`, so this adds `bias` to every query's logit.
    const double bias = rng.normal() * c.key_bias_logit_std;
    for (std::size_t c2 = 0; c2 < d; ++c2) {
      k[c2] += bias * shared[c2];
    }
    double* v = w.v.row(j);
    for (std::size_t c2 = 0; c2 < d; ++c2) {
      v[c2] = rng.normal();
    }
  }

  w.q = MatrixD(queries, d);
  for (std::size_t i = 0; i < queries; ++i) {
    const RowType type = drawType(rng, c.mix);
    w.row_types.push_back(type);
    double* q = w.q.row(i);
    for (std::size_t c2 = 0; c2 < d; ++c2) {
      q[c2] = rng.normal() * c.noise_logit_std;
    }
    removeComponent(q, shared);
    for (std::size_t key : dominantKeys(rng, type, c)) {
      // Adds dominant_logit to q.k_key / sqrt(d) through the key's noise part.
      std::vector<double> noise_part(w.k.row(key), w.k.row(key) + d);
      removeComponent(noise_part.data(), shared);
      const double norm2 = dot(noise_part.data(), noise_part.data(), d);
      if (norm2 <= 0.0) {
        continue;
      }
      const double gain = c.dominant_logit * root_d / norm2;
      for (std::size_t c2 = 0; c2 < d; ++c2) {
        q[c2] += gain * noise_part[c2];
      }
    }
    for (std::size_t c2 = 0; c2 < d; ++c2) {
      q[c2] += root_d * shared[c2];
    }
  }
  if (c.token_mode) {
    buildTokens(w, c, rng);
  }
  return w;
}

void validateWorkload(const AttentionWorkload& w) {
  if (w.k.empty() || w.q.empty() || w.v.empty()) {
    throw std::invalid_argument("Q, K and V must all be non-empty");
  }
  if (w.q.cols() != w.k.cols()) {
    throw std::invalid_argument("Q has " + std::to_string(w.q.cols()) + " columns but K has " +
                                std::to_string(w.k.cols()) + " (head dims must match)");
  }
  if (w.v.rows() != w.k.rows()) {
    throw std::invalid_argument("V has " + std::to_string(w.v.rows()) + " rows but K has " +
                                std::to_string(w.k.rows()) + " (one value row per key)");
  }
  if (w.hasTokens()) {
    if (w.x.rows() != w.k.rows() || w.wk.rows() != w.x.cols() || w.wk.cols() != w.k.cols()) {
      throw std::invalid_argument("X (S x H) and W_k (H x d) do not match K (S x d)");
    }
  }
}

}  // namespace spatialvp::star
