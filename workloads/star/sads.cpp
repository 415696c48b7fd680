#include "workloads/star/sads.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace spatialvp::star {
namespace {

// True when key a ranks before key b: larger value first, lower index on ties.
struct RanksBefore {
  const double* values;
  bool operator()(std::uint32_t a, std::uint32_t b) const {
    return values[a] > values[b] || (values[a] == values[b] && a < b);
  }
};

void finishSegment(SegmentSelection& seg, std::vector<std::uint32_t> winners,
                   const RanksBefore& before) {
  const std::size_t lead = std::min<std::size_t>(2, winners.size());
  std::partial_sort(winners.begin(), winners.begin() + static_cast<std::ptrdiff_t>(lead),
                    winners.end(), before);
  seg.top1 = lead > 0 ? static_cast<std::int64_t>(winners[0]) : -1;
  seg.top2 = lead > 1 ? static_cast<std::int64_t>(winners[1]) : -1;
  std::sort(winners.begin() + static_cast<std::ptrdiff_t>(lead), winners.end());
  seg.keys = std::move(winners);
}

}  // namespace

std::size_t RowSelection::keyCount() const {
  std::size_t count = 0;
  for (const auto& seg : segments) {
    count += seg.keys.size();
  }
  return count;
}

std::vector<std::uint32_t> RowSelection::sortedKeys() const {
  std::vector<std::uint32_t> keys;
  keys.reserve(keyCount());
  for (const auto& seg : segments) {
    keys.insert(keys.end(), seg.keys.begin(), seg.keys.end());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::uint64_t RowSelection::rounds() const {
  std::uint64_t rounds = 0;
  for (const auto& seg : segments) {
    rounds += seg.rounds;
  }
  return rounds;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> segmentBounds(std::size_t length,
                                                                   std::size_t segments) {
  if (segments == 0) {
    throw std::invalid_argument("SADS needs at least one sub-segment");
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> bounds;
  const std::size_t tile = (length + segments - 1) / segments;
  for (std::size_t begin = 0; begin < length; begin += tile) {
    bounds.emplace_back(static_cast<std::uint32_t>(begin),
                        static_cast<std::uint32_t>(std::min(length, begin + tile)));
  }
  return bounds;
}

std::size_t selectionTarget(std::size_t length, double keep_ratio) {
  if (length == 0) {
    return 0;
  }
  if (!(keep_ratio > 0.0 && keep_ratio <= 1.0)) {
    throw std::invalid_argument("keep ratio k must be in (0, 1]");
  }
  // The small epsilon keeps k*len = 64.000000001 (binary rounding of 0.25*256) at 64.
  const double wanted = std::ceil(keep_ratio * static_cast<double>(length) - 1e-9);
  return std::min(length, std::max<std::size_t>(1, static_cast<std::size_t>(wanted)));
}

std::size_t sorterPasses(std::size_t winners, std::size_t target, std::size_t width) {
  if (target == 0) {
    return 0;
  }
  if (winners >= target) {
    return (target + width - 1) / width;
  }
  return winners / width + 1;
}

std::size_t sorterRoundsPerPass(std::size_t length, std::size_t new_inputs) {
  return (length + new_inputs - 1) / new_inputs;
}

std::uint64_t vanillaSortRounds(std::size_t length, double keep_ratio, const SadsConfig& config) {
  const std::size_t target = selectionTarget(length, keep_ratio);
  return static_cast<std::uint64_t>(sorterPasses(target, target, config.sorter_width)) *
         sorterRoundsPerPass(length, config.sorter_new_inputs);
}

std::vector<std::uint32_t> exactTopK(const double* scores, std::size_t length, std::size_t count) {
  std::vector<std::uint32_t> order(length);
  for (std::size_t j = 0; j < length; ++j) {
    order[j] = static_cast<std::uint32_t>(j);
  }
  count = std::min(count, length);
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                   RanksBefore{scores});
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

SadsSelector::SadsSelector(SadsConfig config) : config_(config) {
  if (config_.sorter_width == 0 || config_.sorter_new_inputs == 0) {
    throw std::invalid_argument("SADS sorter width and inputs per round must be positive");
  }
  if (!(config_.radius >= 0.0)) {
    throw std::invalid_argument("SADS radius must be >= 0");
  }
  selectionTarget(1, config_.keep_ratio);  // validates k
}

RowSelection SadsSelector::selectRow(const double* predicted, std::size_t length) const {
  RowSelection row;
  const RanksBefore before{predicted};
  std::vector<std::uint32_t> candidates;
  for (const auto& [begin, end] : segmentBounds(length, config_.segments)) {
    SegmentSelection seg;
    seg.begin = begin;
    seg.end = end;
    const std::size_t len = end - begin;
    seg.target = selectionTarget(len, config_.keep_ratio);
    const double max_value = *std::max_element(predicted + begin, predicted + end);
    const double threshold = max_value - config_.radius;
    candidates.clear();
    for (std::uint32_t j = begin; j < end; ++j) {
      if (predicted[j] >= threshold) {
        candidates.push_back(j);
      }
    }
    seg.candidates = candidates.size();
    if (candidates.size() > seg.target) {
      std::nth_element(candidates.begin(),
                       candidates.begin() + static_cast<std::ptrdiff_t>(seg.target),
                       candidates.end(), before);
      candidates.resize(seg.target);
    }
    seg.passes = sorterPasses(candidates.size(), seg.target, config_.sorter_width);
    seg.rounds = seg.passes * sorterRoundsPerPass(len, config_.sorter_new_inputs);
    finishSegment(seg, candidates, before);
    row.segments.push_back(std::move(seg));
  }
  return row;
}

RowSelection SadsSelector::selectRowWithSorter(const double* predicted, std::size_t length) const {
  RowSelection row;
  const RanksBefore before{predicted};
  const std::size_t width = config_.sorter_width;
  for (const auto& [begin, end] : segmentBounds(length, config_.segments)) {
    SegmentSelection seg;
    seg.begin = begin;
    seg.end = end;
    const std::size_t len = end - begin;
    seg.target = selectionTarget(len, config_.keep_ratio);
    std::vector<std::uint32_t> winners;
    std::int64_t low_bound = -1;  // last winner; only keys ranking after it are eligible
    double threshold = -std::numeric_limits<double>::infinity();  // TU unit starts open
    std::vector<std::uint32_t> kept;
    std::vector<std::uint32_t> merged;
    while (winners.size() < seg.target) {
      ++seg.passes;
      kept.clear();
      for (std::uint32_t chunk = begin; chunk < end;
           chunk += static_cast<std::uint32_t>(config_.sorter_new_inputs)) {
        ++seg.rounds;
        merged = kept;
        const std::uint32_t chunk_end = static_cast<std::uint32_t>(
            std::min<std::size_t>(end, chunk + config_.sorter_new_inputs));
        for (std::uint32_t j = chunk; j < chunk_end; ++j) {
          const bool below_bound =
              low_bound < 0 || before(static_cast<std::uint32_t>(low_bound), j);
          if (below_bound && predicted[j] >= threshold) {  // else clipped to zero
            merged.push_back(j);
          }
        }
        const std::size_t keep = std::min(width, merged.size());
        std::partial_sort(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(keep),
                          merged.end(), before);
        merged.resize(keep);
        kept = merged;
      }
      if (seg.passes == 1 && !kept.empty()) {
        threshold = predicted[kept.front()] - config_.radius;  // M is the first pass's top-1
        seg.candidates = 0;
        for (std::uint32_t j = begin; j < end; ++j) {
          seg.candidates += predicted[j] >= threshold;
        }
        kept.erase(std::remove_if(kept.begin(), kept.end(),
                                  [&](std::uint32_t j) { return predicted[j] < threshold; }),
                   kept.end());
      }
      const std::size_t take = std::min(kept.size(), seg.target - winners.size());
      winners.insert(winners.end(), kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(take));
      if (kept.size() < width) {
        break;  // candidates exhausted
      }
      low_bound = kept.back();
    }
    finishSegment(seg, winners, before);
    row.segments.push_back(std::move(seg));
  }
  return row;
}

}  // namespace spatialvp::star
