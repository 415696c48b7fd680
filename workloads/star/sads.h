#pragma once
// SADS, sphere-search aided distributed sorting (sources S2.4). A score row of length S is cut
// into n sub-segments of Bc = ceil(S/n) keys (the last one may be shorter). Per sub-segment,
// with M its maximum, the candidates are {j : a_j >= M - r}; the k*len largest candidates
// are kept (ties broken by the lower index; sources S2.4.4). Top-1 and top-2 are reported in order
// because SU-FA starts from them; the order of ranks >= 3 is not guaranteed (keys are then
// listed by index).
//
// Sorter cost semantics (sources S2.4.3/2.4.4 [INF]): one 16-to-4 sorter per lane; a round merges
// `sorter_new_inputs` (12) new values with the 4 kept ones; a pass streams the whole
// sub-segment in ceil(len/12) rounds and yields the next 4 winners below the previous low bound.
// Passes = ceil(target/4) when the target is reached, else floor(winners/4) + 1 (the last pass
// finds the candidates exhausted). The radius only clips from the second pass on, once M is
// known.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace spatialvp::star {

struct SadsConfig {
  std::size_t segments = 4;  // n = Tc (sources S2.4.2 example and sources S8.2 default)
  double keep_ratio = 0.25;  // k (sources S8.2 default)
  // r in predicted-logit units ([UNKNOWN] value, sources S2.4.4); infinity disables clipping.
  double radius = std::numeric_limits<double>::infinity();
  std::size_t sorter_new_inputs = 12;  // sources S2.4.3
  std::size_t sorter_width = 4;        // sources S2.4.3 (16-to-4)
  // Comparators active in one 16-to-4 round ([INF]): three new groups of 4 sorted by 4-input
  // bitonic networks (3 x 6), then a tree of three top-4 bitonic merges (3 x 8) = 42.
  std::size_t comparators_per_round = 42;
};

struct SegmentSelection {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  std::vector<std::uint32_t> keys;  // top1, top2, then the rest by ascending index
  std::int64_t top1 = -1;
  std::int64_t top2 = -1;
  std::size_t candidates = 0;  // keys inside the radius
  std::size_t target = 0;      // k * len, at least 1
  std::size_t passes = 0;
  std::size_t rounds = 0;
};

struct RowSelection {
  std::vector<SegmentSelection> segments;
  std::size_t keyCount() const;
  std::vector<std::uint32_t> sortedKeys() const;
  std::uint64_t rounds() const;
};

// Sub-segment boundaries [begin, end) for a row of `length` keys cut into `segments` parts.
std::vector<std::pair<std::uint32_t, std::uint32_t>> segmentBounds(std::size_t length,
                                                                   std::size_t segments);
// max(1, ceil(k * length)), capped at length; 0 for an empty segment.
std::size_t selectionTarget(std::size_t length, double keep_ratio);
std::size_t sorterPasses(std::size_t winners, std::size_t target, std::size_t width);
std::size_t sorterRoundsPerPass(std::size_t length, std::size_t new_inputs);
// Rounds of the same iterative sorter applied to a whole row ("vanilla sort" baseline).
std::uint64_t vanillaSortRounds(std::size_t length, double keep_ratio, const SadsConfig& config);

// Exact top-`count` of a row by (value desc, index asc), returned sorted by index.
std::vector<std::uint32_t> exactTopK(const double* scores, std::size_t length, std::size_t count);

class SadsSelector {
 public:
  explicit SadsSelector(SadsConfig config);

  // Reference semantics (fast; counts computed with the pass formula above).
  RowSelection selectRow(const double* predicted, std::size_t length) const;
  // Simulates the iterative 16-to-4 sorter round by round; same result as selectRow.
  RowSelection selectRowWithSorter(const double* predicted, std::size_t length) const;

  const SadsConfig& config() const { return config_; }

 private:
  SadsConfig config_;
};

}  // namespace spatialvp::star
