// Speed of the memory timing cores (host requests per CPU second of this process), not a test.
// line per pattern, e.g. "HBM stream: 12.3 M requests/s"; details of the simulated traffic go
// to stderr. A request is one 64 B read (two 32 B HBM2 bursts in one pseudo-channel) unless the
// line says otherwise. Configurations are the HBM2 (SOFA/STAR) and token-SRAM presets.
// Traffic is closed-loop like a DMA engine with a bounded number of outstanding requests: each
// request is issued when the one `kOutstanding` before it has completed (LT local time).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "models/memory/hbm_device.h"
#include "models/memory/sram_bank_group.h"
// C++ copies of the presets until the YAML layer can load platform/configs/presets/*.yaml.
#include "test/models/memory/hbm_test_configs.h"

namespace {

using spatialvp::Picoseconds;
using spatialvp::models::MemoryRequest;
// Host speed is measured in CPU time of this process, not wall time: on a shared machine the
// wall time mostly measures the other processes.
struct Clock {
  using time_point = double;
  static double now() {
    timespec time{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time);
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_nsec) * 1e-9;
  }
};

constexpr std::size_t kOutstanding = 256;

struct Pattern {
  const char* name;
  std::uint64_t requests;
  std::uint64_t bytes;  // per request
  bool random;
};

template <typename Device>
void run(const char* device_name, Device& device, const Pattern& pattern, std::uint64_t capacity) {
  std::mt19937_64 random(42);
  const std::uint64_t blocks = capacity / pattern.bytes;
  std::vector<Picoseconds> in_flight(kOutstanding, 0);  // completion times, ring
  Picoseconds last = 0;
  const Clock::time_point start = Clock::now();
  for (std::uint64_t i = 0; i < pattern.requests; ++i) {
    const std::uint64_t block = pattern.random ? random() % blocks : i % blocks;
    Picoseconds& slot = in_flight[i % kOutstanding];
    const MemoryRequest request{block * pattern.bytes, pattern.bytes, false, slot};
    slot = device.access(request).completion;
    last = std::max(last, slot);
  }
  const double seconds = Clock::now() - start;
  const double rate = static_cast<double>(pattern.requests) / seconds / 1e6;
  if (pattern.bytes == 64) {
    std::printf("%s %s: %.1f M requests/s\n", device_name, pattern.name, rate);
  } else {  // large DMAs: report host speed in 64 B units on stderr only
    std::fprintf(stderr, "  %s %s: %.1f M 64 B units/s\n", device_name, pattern.name,
                 rate * static_cast<double>(pattern.bytes / 64));
  }
  std::fprintf(
      stderr, "  %s %s: %llu requests of %llu B, simulated %.1f GB/s over %.1f us\n", device_name,
      pattern.name, static_cast<unsigned long long>(pattern.requests),
      static_cast<unsigned long long>(pattern.bytes),
      static_cast<double>(pattern.requests * pattern.bytes) * 1e3 / static_cast<double>(last),
      static_cast<double>(last) / 1e6);
}

// The STAR data fetcher's pattern: sequential 1 MiB reads (32768 bursts over all 32 HBM2
// pseudo-channels), closed-loop like the other patterns. stdout: simulated bandwidth and host
// speed in GB of DRAM traffic per CPU second; `fast` = false times the reference scheduler.
void runDma(bool fast, std::uint64_t requests) {
  using namespace spatialvp::models;
  constexpr std::uint64_t kBytes = 1024 * 1024;
  HbmDevice device(test::hbm2Config());
  device.setFastPath(fast);
  std::vector<Picoseconds> in_flight(kOutstanding, 0);
  Picoseconds last = 0;
  const Clock::time_point start = Clock::now();
  for (std::uint64_t i = 0; i < requests; ++i) {
    Picoseconds& slot = in_flight[i % kOutstanding];
    const MemoryRequest request{(i * kBytes) % device.config().capacity, kBytes, false, slot};
    slot = device.access(request).completion;
    last = std::max(last, slot);
  }
  const double seconds = Clock::now() - start;
  const double bytes = static_cast<double>(requests * kBytes);
  std::printf("HBM stream 1MiB DMA%s: %.1f GB/s simulated, %.2f GB of DRAM per CPU second\n",
              fast ? "" : " (reference path)", bytes * 1e3 / static_cast<double>(last),
              bytes / seconds / 1e9);
}

}  // namespace

// With an argument ("random" or "stream"), only that HBM pattern runs, 300k requests (for
// profilers and instruction counts, e.g. under valgrind --tool=callgrind).
int main(int argc, char** argv) {
  using namespace spatialvp::models;
  if (argc > 1) {
    const std::string only = argv[1];
    HbmDevice device(test::hbm2Config());
    run("HBM", device,
        Pattern{only == "random" ? "random" : "stream", 300'000, 64, only == "random"},
        device.config().capacity);
    return 0;
  }
  for (const Pattern& pattern :
       {Pattern{"stream", 2'000'000, 64, false}, Pattern{"random", 2'000'000, 64, true},
        Pattern{"stream 64KiB DMA", 2'000, 64 * 1024, false}}) {
    HbmDevice device(test::hbm2Config());
    run("HBM", device, pattern, device.config().capacity);
  }
  runDma(true, 300);
  runDma(false, 100);
  for (const Pattern& pattern :
       {Pattern{"stream", 4'000'000, 64, false}, Pattern{"random", 4'000'000, 64, true}}) {
    SramBankGroup sram(test::tokenSramConfig());
    run("SRAM", sram, pattern, sram.config().capacity);
  }
  return 0;
}
