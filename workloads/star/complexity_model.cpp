#include "workloads/star/complexity_model.h"

namespace spatialvp::star {

double formalCost(const OpCounts& ops, const OpCostWeights& weights) {
  return static_cast<double>(ops.exp) * weights.exp + static_cast<double>(ops.mul) * weights.mul16 +
         static_cast<double>(ops.add) * weights.add16 +
         static_cast<double>(ops.cmp) * weights.cmp16 + static_cast<double>(ops.div) * weights.div;
}

}  // namespace spatialvp::star
