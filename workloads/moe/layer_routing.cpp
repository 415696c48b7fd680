#include "workloads/moe/layer_routing.h"

#include <stdexcept>

namespace spatialvp::moe {

std::vector<double> LayerRouting::expertLoads(int expert_count) const {
  std::vector<double> loads(expert_count, 0.0);
  for (std::int32_t e : experts) {
    if (e < 0 || e >= expert_count) {
      throw std::out_of_range("LayerRouting: expert id outside the model's experts");
    }
    loads[e] += 1.0;
  }
  return loads;
}

}  // namespace spatialvp::moe
