#include "models/memory/sram_config.h"

#include <cmath>
#include <sstream>

namespace spatialvp::models {

namespace {

void requireNonNegative(std::vector<std::string>& errors, const char* name, double value,
                        const char* unit) {
  if (std::isfinite(value) && value >= 0.0)
    return;
  std::ostringstream out;
  out << name << ": must be finite and >= 0 " << unit << ", got " << value;
  errors.push_back(out.str());
}

}  // namespace

spatialvp::Picoseconds SramConfig::clockPeriod() const {
  return static_cast<spatialvp::Picoseconds>(std::llround(1e12 / clock));
}

double SramConfig::peakBandwidth() const {
  return static_cast<double>(banks) * ports * static_cast<double>(wordBytes()) * 1e12 /
         static_cast<double>(clockPeriod());
}

std::vector<std::string> SramConfig::validate() const {
  std::vector<std::string> errors;
  if (word_width < 8 || word_width > 4096 || word_width % 8 != 0) {
    errors.push_back("word_width: must be a whole number of bytes in [8, 4096] bit, got " +
                     std::to_string(word_width) + " bit");
  }
  if (banks < 1 || banks > 1024) {
    errors.push_back("banks: must be in [1, 1024], got " + std::to_string(banks));
  }
  if (ports < 1 || ports > 16) {
    errors.push_back("ports: must be in [1, 16], got " + std::to_string(ports));
  }
  if (!(std::isfinite(clock) && clock >= 1e6 && clock <= 1e11)) {
    std::ostringstream out;
    out << "clock: must be in [1 MHz, 100 GHz], got " << clock << " Hz";
    errors.push_back(out.str());
  }
  if (errors.empty()) {
    const std::uint64_t word = wordBytes();
    if (interleave != 0 && (interleave % word != 0 || interleave > (1ULL << 40))) {
      errors.push_back("interleave: must be 0 (one word) or a multiple of the word (" +
                       std::to_string(word) + " B), got " + std::to_string(interleave) + " B");
    } else {
      const std::uint64_t stripe = interleaveBytes() * banks;
      if (capacity == 0 || capacity % stripe != 0) {
        errors.push_back("capacity: must be a positive multiple of banks * interleave (" +
                         std::to_string(stripe) + " B), got " + std::to_string(capacity) + " B");
      }
    }
  }
  const spatialvp::Picoseconds one_second = 1'000'000'000'000ULL;
  if (read_latency == 0 || read_latency > one_second) {
    errors.push_back("read_latency: must be in [1 ps, 1 s], got " + std::to_string(read_latency) +
                     " ps");
  }
  if (write_latency == 0 || write_latency > one_second) {
    errors.push_back("write_latency: must be in [1 ps, 1 s], got " + std::to_string(write_latency) +
                     " ps");
  }
  requireNonNegative(errors, "energy_read", energy_read, "pJ");
  requireNonNegative(errors, "energy_write", energy_write, "pJ");
  requireNonNegative(errors, "leakage", leakage, "mW");
  requireNonNegative(errors, "area", area, "mm^2");
  return errors;
}

}  // namespace spatialvp::models
