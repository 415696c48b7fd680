#pragma once
// Recorded transaction traces (SystemC-free): the file format trace_player replays.
//
//   # spatialvp transaction trace        <- '#' starts a comment; blank lines are skipped
//   # time,   command, address, size,  data (optional, hex bytes in address order)
//   0 ns,     R,       0x1000,  64 B
//   12.5 ns,  W,       0x2000,  4 B,   de ad be ef
//   20 ns,    R,       0x2000,  4 B,   deadbeef      <- a read with data: the player checks it
//
// One transaction per line, five comma-separated fields, the fifth optional:
//   time     issue time with a unit ("12.5 ns", "1 us"), not before the previous line's;
//   command  R or W (also read / write);
//   address  integer, decimal or 0x hex;
//   size     bytes with a unit ("64 B", "1 KiB"), 1 B .. 64 MiB;
//   data     exactly `size` bytes as hex digits (spaces allowed between bytes). On a write it
//            is the data written (zeros if absent); on a read the data expected back.
// Every error names file:line:column, the field and what was expected.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spatialvp::models {

struct TraceTransaction {
  std::uint64_t time_ps = 0;
  bool write = false;
  std::uint64_t address = 0;
  std::uint64_t size = 0;
  std::optional<std::vector<unsigned char>> data;
  int line = 0;
};

// Parses `text` (named `file` in errors). Throws ConfigError at the offending line/column.
std::vector<TraceTransaction> parseTransactionTrace(const std::string& text,
                                                    const std::string& file);
// Reads and parses a trace file; a missing file is a ConfigError at `file`.
std::vector<TraceTransaction> readTransactionTrace(const std::string& file);

}  // namespace spatialvp::models
