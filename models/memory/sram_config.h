#pragma once
// Parameters of an on-chip SRAM bank group. Field names are the keys of the `sram` module type
// (presets platform/configs/presets/sram_28nm*.yaml), except energy_read/_write (its
// energy.read_word/write_word), leakage (static_power) and area (area). Canonical units of the
// C++ fields: sizes in bytes, widths in bits, clock in Hz, times in picoseconds, energies in pJ,
// power in mW, area in mm^2.
#include <cstdint>
#include <string>
#include <vector>

#include "platform/core/contention_timeline.h"

namespace spatialvp::models {

struct SramConfig {
  std::uint64_t capacity = 0;    // bytes of the whole group
  std::uint32_t word_width = 0;  // bits moved by one bank access
  std::uint32_t banks = 0;
  std::uint32_t ports = 1;       // accesses per cycle per bank, shared by reads and writes
  std::uint64_t interleave = 0;  // bytes on one bank before the next bank; 0: one word
  double clock = 0.0;            // Hz
  spatialvp::Picoseconds read_latency = 0;   // access cycle start to read data available
  spatialvp::Picoseconds write_latency = 0;  // access cycle start to write done
  double energy_read = 0.0;                  // pJ per word read
  double energy_write = 0.0;                 // pJ per word written
  double leakage = 0.0;                      // mW for the whole group
  double area = 0.0;                         // mm^2, reported only

  // Every problem found, each naming the parameter and the expected range; empty when valid.
  std::vector<std::string> validate() const;

  // Derived quantities; meaningful only for a valid configuration.
  std::uint64_t wordBytes() const { return word_width / 8; }
  std::uint64_t interleaveBytes() const { return interleave == 0 ? wordBytes() : interleave; }
  spatialvp::Picoseconds clockPeriod() const;  // rounded to a whole picosecond
  double peakBandwidth() const;                // bytes/s over all banks and ports
};

}  // namespace spatialvp::models
