#pragma once
// What a memory module owns and a module bound to it reads at elaboration (Module::connected):
// its capacity and its bandwidth. A module that sizes or times its work by the memory behind one
// of its ports reads them here instead of repeating them in its own parameters (issue 13: each
// fact stated once), and reports an error on the memory's own parameter.
#include <string>

namespace spatialvp {

class MemoryFacts {
 public:
  virtual ~MemoryFacts() = default;

  // Bytes the memory holds.
  virtual double capacityBytes() const = 0;
  // Peak rate of the memory's port (B/s): what one long stream of reads can reach at best.
  virtual double peakBandwidth() const = 0;
  // The module parameters that state these facts ("size", "capacity", "data_rate" ...), so that
  // an error about a fact points at where it is written.
  virtual std::string capacityParam() const = 0;
  virtual std::string bandwidthParam() const = 0;
};

}  // namespace spatialvp
