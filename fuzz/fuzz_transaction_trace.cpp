// libFuzzer harness: recorded transaction traces (the trace_player's format). A trace either
// parses (times non-decreasing, sizes 1 B .. 64 MiB, data exactly `size` bytes) or throws
// ConfigError; nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "models/traffic/transaction_trace.h"
#include "platform/core/config_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto trace = spatialvp::models::parseTransactionTrace(text, "fuzz.trace");
    std::uint64_t previous = 0;
    for (const auto& transaction : trace) {
      const bool bad_size = transaction.size < 1 || transaction.size > (std::uint64_t{1} << 26);
      const bool bad_data = transaction.data && transaction.data->size() != transaction.size;
      if (transaction.time_ps < previous || bad_size || bad_data)
        std::abort();  // the parser's promises
      previous = transaction.time_ps;
    }
  } catch (const spatialvp::ConfigError&) {
  }
  return 0;
}
