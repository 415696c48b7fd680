#pragma once
// A module whose parameters describe faults (dead or degraded parts, e.g. the mesh's wafer fault
// map) implements FaultSource, so that `spatialvp run --fault-reference` can run the same
// platform without its faults and report what they cost.
#include <string>
#include <utility>
#include <vector>

namespace spatialvp {

class FaultSource {
 public:
  virtual ~FaultSource() = default;
  // Parameter values (name, YAML value) that give this module without its faults; empty when it
  // has none after elaboration (a sampled fault set may be empty).
  virtual std::vector<std::pair<std::string, std::string>> faultFreeParams() const = 0;
};

}  // namespace spatialvp
