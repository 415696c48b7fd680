#include "workloads/moe/expert_load_history.h"

#include <stdexcept>

namespace spatialvp::moe {

ExpertLoadHistory::ExpertLoadHistory(int window) : window_(window) {
  if (window < 1)
    throw std::invalid_argument("ExpertLoadHistory: window must be >= 1");
}

void ExpertLoadHistory::push(const std::vector<double>& loads) {
  if (!samples_.empty() && samples_.front().size() != loads.size()) {
    throw std::invalid_argument("ExpertLoadHistory: expert count changed");
  }
  samples_.push_back(loads);
  if (static_cast<int>(samples_.size()) > window_)
    samples_.pop_front();
}

std::vector<double> ExpertLoadHistory::mean() const {
  if (samples_.empty())
    return {};
  std::vector<double> sum(samples_.front().size(), 0.0);
  for (const auto& sample : samples_) {
    for (std::size_t e = 0; e < sum.size(); ++e)
      sum[e] += sample[e];
  }
  for (double& value : sum)
    value /= static_cast<double>(samples_.size());
  return sum;
}

}  // namespace spatialvp::moe
