#include "workloads/star/su_fa.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace spatialvp::star {
namespace {

using Partial = SuFaPartial;

class RowKernel {
 public:
  RowKernel(const double* query, const MatrixD& keys, const MatrixD& values,
            const SuFaOptions& options, SuFaStats& stats)
      : query_(query),
        keys_(keys),
        values_(values),
        options_(options),
        stats_(stats),
        dims_(keys.cols()) {}
  // For the synchronisation step, which reads no K/V.
  RowKernel(std::size_t dims, const SuFaOptions& options, SuFaStats& stats)
      : RowKernel(nullptr, emptyMatrix(), emptyMatrix(), options, stats) {
    dims_ = dims;
  }

  static const MatrixD& emptyMatrix() {
    static const MatrixD empty;
    return empty;
  }

  double score(std::uint32_t key) {
    const double* k = keys_.row(key);
    double acc = 0.0;
    for (std::size_t c = 0; c < dims_; ++c) {
      acc += query_[c] * k[c];
    }
    stats_.ops.mul += dims_;
    stats_.ops.add += dims_;
    return acc * options_.scale;  // the scale folds into the fixed-point format: not counted
  }

  double expOf(double argument) {
    ++stats_.ops.add;  // the subtraction forming the argument
    ++stats_.ops.exp;
    if (argument > options_.exp_argument_limit) {
      ++stats_.saturated_exps;
      argument = options_.exp_argument_limit;
    }
    return std::exp(argument);
  }

  void accumulate(std::vector<double>& o, double weight, std::uint32_t key) {
    const double* v = values_.row(key);
    for (std::size_t c = 0; c < dims_; ++c) {
      o[c] += weight * v[c];
    }
    stats_.ops.mul += dims_;
    stats_.ops.add += dims_;
  }

  void rescale(Partial& p, double factor) {
    p.l *= factor;
    for (double& x : p.o) {
      x *= factor;
    }
    stats_.ops.mul += 1 + dims_;
    ++stats_.rescales;
  }

  // Scores of the tile's selected keys in processing order, max-assured when enabled: the
  // exact scores of the predicted top-1 and top-2 are compared first (AP mode 1).
  std::vector<std::pair<std::uint32_t, double>> scoredInOrder(std::vector<std::uint32_t> order,
                                                              bool assure) {
    std::vector<std::pair<std::uint32_t, double>> scored;
    scored.reserve(order.size());
    for (std::uint32_t key : order) {
      scored.emplace_back(key, score(key));
    }
    if (assure && scored.size() >= 2) {
      ++stats_.ops.cmp;
      if (scored[1].second > scored[0].second) {
        std::swap(scored[0], scored[1]);
        ++stats_.assurance_swaps;
      }
    }
    return scored;
  }

  Partial descendingTile(const SegmentSelection& seg) {
    auto scored = scoredInOrder(seg.keys, options_.max_assurance);
    Partial p;
    p.o.assign(dims_, 0.0);
    p.m = scored.front().second;
    // The first key is the max: its weight e^0 = 1 needs no exp and no multiply.
    p.l = 1.0;
    p.started = true;
    const double* first_value = values_.row(scored.front().first);
    std::copy(first_value, first_value + dims_, p.o.begin());
    for (std::size_t t = 1; t < scored.size(); ++t) {
      const auto& [key, s] = scored[t];
      if (s > p.m) {
        ++stats_.max_violations;
      }
      const double e = expOf(s - p.m);
      p.l += e;
      ++stats_.ops.add;
      accumulate(p.o, e, key);
    }
    return p;
  }

  Partial ascendingTile(const SegmentSelection& seg, const double* predicted) {
    std::vector<std::uint32_t> order = seg.keys;
    if (predicted == nullptr) {
      throw std::invalid_argument("ascending SU-FA needs the predicted scores");
    }
    std::sort(order.begin(), order.end(), [predicted](std::uint32_t a, std::uint32_t b) {
      return predicted[a] < predicted[b] || (predicted[a] == predicted[b] && a > b);
    });
    auto scored = scoredInOrder(order, false);
    Partial p;
    p.o.assign(dims_, 0.0);
    bool first = true;
    for (const auto& [key, s] : scored) {
      if (first) {
        p.m = s;
        p.l = 1.0;
        p.started = true;
        const double* v = values_.row(key);
        std::copy(v, v + dims_, p.o.begin());
        first = false;
        continue;
      }
      // Eq. (1): the new key is taken as the max; exact for any order (shift invariance).
      if (s < p.m) {
        ++stats_.max_violations;
      }
      rescale(p, expOf(p.m - s));
      p.m = s;
      p.l += 1.0;
      ++stats_.ops.add;
      const double* v = values_.row(key);
      for (std::size_t c = 0; c < dims_; ++c) {
        p.o[c] += v[c];
      }
      stats_.ops.add += dims_;
    }
    return p;
  }

  // Tile synchronisation: m = max m_j, l = sum l_j e^(m_j - m), o = sum o_j e^(m_j - m).
  void mergeAndDivide(const std::vector<Partial>& partials, double* output) {
    double m = partials.front().m;
    for (std::size_t t = 1; t < partials.size(); ++t) {
      ++stats_.ops.cmp;
      m = std::max(m, partials[t].m);
    }
    double l = 0.0;
    std::vector<double> o(dims_, 0.0);
    for (const Partial& p : partials) {
      const double factor = expOf(p.m - m);
      l += p.l * factor;
      stats_.ops.mul += 1;
      stats_.ops.add += 1;
      for (std::size_t c = 0; c < dims_; ++c) {
        o[c] += p.o[c] * factor;
      }
      stats_.ops.mul += dims_;
      stats_.ops.add += dims_;
    }
    divide(o, l, output);
  }

  void divide(const std::vector<double>& o, double l, double* output) {
    for (std::size_t c = 0; c < dims_; ++c) {
      output[c] = o[c] / l;
    }
    stats_.ops.div += dims_;
  }

  // One FlashAttention-2 tile on the running state `run`.
  void flashTile(Partial& run, const SegmentSelection& seg) {
    if (run.o.empty()) {
      run.o.assign(dims_, 0.0);
    }
    auto scored = scoredInOrder(seg.keys, false);
    double tile_max = scored.front().second;
    for (std::size_t t = 1; t < scored.size(); ++t) {
      ++stats_.ops.cmp;
      tile_max = std::max(tile_max, scored[t].second);
    }
    double m_new = tile_max;
    if (run.started) {
      ++stats_.ops.cmp;
      m_new = std::max(run.m, tile_max);
      rescale(run, expOf(run.m - m_new));
    }
    run.m = m_new;
    run.started = true;
    for (const auto& [key, s] : scored) {
      const double e = expOf(s - run.m);
      run.l += e;
      ++stats_.ops.add;
      accumulate(run.o, e, key);
    }
  }

  void flashAttention2(const RowSelection& selection, double* output) {
    Partial run;
    run.o.assign(dims_, 0.0);
    for (const auto& seg : selection.segments) {
      if (seg.keys.empty()) {
        continue;
      }
      flashTile(run, seg);
    }
    divide(run.o, run.l, output);
  }

 private:
  const double* query_;
  const MatrixD& keys_;
  const MatrixD& values_;
  const SuFaOptions& options_;
  SuFaStats& stats_;
  std::size_t dims_;
};

}  // namespace

const char* suFaOrderName(SuFaOrder order) {
  switch (order) {
    case SuFaOrder::Descending:
      return "descending";
    case SuFaOrder::Ascending:
      return "ascending";
    case SuFaOrder::FlashAttention2:
      return "fa2";
  }
  return "?";
}

SuFaStats& SuFaStats::operator+=(const SuFaStats& other) {
  ops += other.ops;
  rescales += other.rescales;
  assurance_swaps += other.assurance_swaps;
  max_violations += other.max_violations;
  saturated_exps += other.saturated_exps;
  return *this;
}

void computeSuFaRow(const double* query, const MatrixD& keys, const MatrixD& values,
                    const RowSelection& selection, const double* predicted,
                    const SuFaOptions& options, double* output, SuFaStats& stats) {
  if (keys.rows() != values.rows() || keys.cols() != values.cols()) {
    throw std::invalid_argument("SU-FA: K and V shapes differ");
  }
  if (selection.keyCount() == 0) {
    throw std::invalid_argument("SU-FA: a row selected no key");
  }
  RowKernel kernel(query, keys, values, options, stats);
  if (options.order == SuFaOrder::FlashAttention2) {
    kernel.flashAttention2(selection, output);
    return;
  }
  std::vector<Partial> partials;
  for (const auto& seg : selection.segments) {
    if (seg.keys.empty()) {
      continue;
    }
    partials.push_back(options.order == SuFaOrder::Descending
                           ? kernel.descendingTile(seg)
                           : kernel.ascendingTile(seg, predicted));
  }
  kernel.mergeAndDivide(partials, output);
}

void suFaTile(const double* query, const MatrixD& keys, const MatrixD& values,
              const SegmentSelection& tile, const double* predicted, const SuFaOptions& options,
              SuFaPartial& state, SuFaStats& stats) {
  if (keys.rows() != values.rows() || keys.cols() != values.cols()) {
    throw std::invalid_argument("SU-FA: K and V shapes differ");
  }
  if (tile.keys.empty()) {
    throw std::invalid_argument("SU-FA: a tile selected no key");
  }
  RowKernel kernel(query, keys, values, options, stats);
  switch (options.order) {
    case SuFaOrder::FlashAttention2:
      kernel.flashTile(state, tile);
      return;
    case SuFaOrder::Descending:
      state = kernel.descendingTile(tile);
      return;
    case SuFaOrder::Ascending:
      state = kernel.ascendingTile(tile, predicted);
      return;
  }
}

void suFaFinish(const std::vector<SuFaPartial>& partials, const SuFaOptions& options,
                double* output, SuFaStats& stats) {
  if (partials.empty() || (options.order == SuFaOrder::FlashAttention2 && partials.size() != 1)) {
    throw std::invalid_argument("SU-FA: synchronisation needs the tile partials");
  }
  RowKernel kernel(partials.front().o.size(), options, stats);
  if (options.order == SuFaOrder::FlashAttention2) {
    kernel.divide(partials.front().o, partials.front().l, output);
  } else {
    kernel.mergeAndDivide(partials, output);
  }
}

OpCounts suFaTileOpCounts(std::size_t n, std::size_t head_dim, SuFaOrder order, bool max_assurance,
                          bool first_tile) {
  OpCounts ops;
  if (n == 0) {
    return ops;
  }
  const std::uint64_t d = head_dim;
  ops.mul += n * d;  // q.k
  ops.add += n * d;
  switch (order) {
    case SuFaOrder::Descending:
      ops.cmp += (max_assurance && n >= 2) ? 1 : 0;
      ops.exp += n - 1;                  // the first key (the max) has weight 1
      ops.add += (n - 1) * (1 + 1 + d);  // exp argument, l, o
      ops.mul += (n - 1) * d;
      break;
    case SuFaOrder::Ascending:
      ops.exp += n - 1;
      ops.add += (n - 1) * (1 + 1 + d);  // exp argument, l, o += v
      ops.mul += (n - 1) * (1 + d);      // rescale
      break;
    case SuFaOrder::FlashAttention2:
      ops.cmp += (n - 1) + (first_tile ? 0 : 1);
      if (!first_tile) {
        ops.exp += 1;
        ops.add += 1;
        ops.mul += 1 + d;
      }
      ops.exp += n;
      ops.add += n + n + n * d;
      ops.mul += n * d;
      break;
  }
  return ops;
}

OpCounts suFaMergeOpCounts(std::size_t tiles, std::size_t head_dim, SuFaOrder order) {
  OpCounts ops;
  if (tiles == 0) {
    return ops;
  }
  const std::uint64_t d = head_dim;
  if (order != SuFaOrder::FlashAttention2) {
    ops.cmp += tiles - 1;
    ops.exp += tiles;
    ops.add += tiles * (1 + 1 + d);
    ops.mul += tiles * (1 + d);
  }
  ops.div += d;
  return ops;
}

OpCounts suFaRowOpCounts(const std::vector<std::size_t>& tile_sizes, std::size_t head_dim,
                         SuFaOrder order, bool max_assurance) {
  OpCounts ops;
  std::size_t tiles = 0;
  for (std::size_t n : tile_sizes) {
    if (n == 0) {
      continue;
    }
    ops += suFaTileOpCounts(n, head_dim, order, max_assurance, tiles == 0);
    ++tiles;
  }
  ops += suFaMergeOpCounts(tiles, head_dim, order);
  return ops;
}

}  // namespace spatialvp::star
