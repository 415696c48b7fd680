#include "workloads/moe/hardware_spec.h"

#include <stdexcept>

namespace spatialvp::moe {

WaferSystemSpec waferSystemWithWafers(int wafers, WaferSystemSpec base) {
  if (wafers < 1) {
    throw std::invalid_argument("waferSystemWithWafers: need at least one wafer");
  }
  int rows = 1;
  for (int candidate = 1; candidate * candidate <= wafers; ++candidate) {
    if (wafers % candidate == 0) {
      rows = candidate;
    }
  }
  base.wafers_x = wafers / rows;
  base.wafers_y = rows;
  return base;
}

}  // namespace spatialvp::moe
