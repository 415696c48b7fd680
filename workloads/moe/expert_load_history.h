#pragma once
// Sliding window of per-expert token loads (sources W3.2 "history window", temporal locality).
#include <deque>
#include <vector>

namespace spatialvp::moe {

class ExpertLoadHistory {
 public:
  explicit ExpertLoadHistory(int window);

  void push(const std::vector<double>& loads);
  bool empty() const { return samples_.empty(); }
  int size() const { return static_cast<int>(samples_.size()); }
  std::vector<double> mean() const;

 private:
  int window_;
  std::deque<std::vector<double>> samples_;
};

}  // namespace spatialvp::moe
