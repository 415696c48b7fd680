#include "platform/sim/simulation_services.h"

namespace spatialvp {

SimulationServices::SimulationServices(std::uint64_t seed, sc_core::sc_time quantum,
                                       std::unique_ptr<TraceWriter> trace)
    : seed_(seed), quantum_(quantum), trace_(std::move(trace)) {}

std::uint64_t SimulationServices::seedFor(const std::string& instance_name) const {
  // FNV-1a of the name mixed with the platform seed (splitmix64 finaliser).
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : instance_name) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  std::uint64_t z = hash ^ (seed_ + 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void SimulationServices::reportFinished() {
  ++finished_;
  if (finished_ == active_)
    sc_core::sc_stop();
}

}  // namespace spatialvp
