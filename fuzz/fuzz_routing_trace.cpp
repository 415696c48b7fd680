// libFuzzer harness: MoE expert-selection traces. The first byte picks CSV or JSONL; a trace
// either loads (dense, every id in range) or throws TraceError; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "workloads/moe/routing_trace.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const bool jsonl = (data[0] & 1) != 0;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  constexpr int kExperts = 16;
  constexpr int kTopK = 2;
  try {
    spatialvp::moe::RoutingTrace trace =
        jsonl ? spatialvp::moe::RoutingTrace::parseJsonl(in, "fuzz.jsonl", kExperts, kTopK)
              : spatialvp::moe::RoutingTrace::parseCsv(in, "fuzz.csv", kExperts, kTopK);
    spatialvp::moe::LayerRouting routing;
    trace.route(trace.iterations() + 1, trace.layers() + 1, routing);
    if (routing.top_k != kTopK)
      std::abort();
  } catch (const spatialvp::moe::TraceError&) {
  }
  return 0;
}
