#include "models/memory/sram_bank_group.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace spatialvp::models {

using spatialvp::Picoseconds;

namespace {

const SramConfig& validated(const SramConfig& config) {
  const std::vector<std::string> errors = config.validate();
  if (!errors.empty()) {
    std::string message = "invalid SRAM configuration:";
    for (const std::string& error : errors)
      message += "\n  " + error;
    throw std::invalid_argument(message);
  }
  return config;
}

}  // namespace

SramBankGroup::SramBankGroup(const SramConfig& config)
    : config_(validated(config)),
      period_(config_.clockPeriod()),
      word_bytes_(config_.wordBytes()),
      words_per_chunk_(config_.interleaveBytes() / config_.wordBytes()),
      ports_(static_cast<std::size_t>(config_.banks) * config_.ports),
      words_per_bank_(config_.banks, 0) {}

spatialvp::Picoseconds SramBankGroup::bankBusyTime(std::uint32_t bank) const {
  // A bank's ports work in parallel: its busy time is that of its average port.
  Picoseconds busy = 0;
  for (std::uint32_t p = 0; p < config_.ports; ++p)
    busy += ports_[static_cast<std::size_t>(bank) * config_.ports + p].busyTime();
  return busy / config_.ports;
}

bool SramBankGroup::contains(std::uint64_t address, std::uint64_t bytes) const {
  return bytes <= config_.capacity && address <= config_.capacity - bytes;
}

void SramBankGroup::retire(spatialvp::Picoseconds horizon) {
  if (horizon <= retired_until_)
    return;
  retired_until_ = horizon;
  for (ContentionTimeline& port : ports_)
    port.retire(horizon);
}

SramAccessResult SramBankGroup::access(const MemoryRequest& request) {
  if (request.bytes == 0) {
    throw std::invalid_argument("SRAM access: zero-byte request at address " +
                                std::to_string(request.address));
  }
  if (!contains(request.address, request.bytes)) {
    throw std::out_of_range("SRAM access: [" + std::to_string(request.address) + ", +" +
                            std::to_string(request.bytes) + ") lies outside the group's " +
                            std::to_string(config_.capacity) + " bytes");
  }
  // Words per bank in closed form: partial first and last interleave chunks, then whole
  // rounds of chunks over all banks.
  const std::uint64_t bank_count = words_per_bank_.size();
  const std::uint64_t first_word = request.address / word_bytes_;
  const std::uint64_t last_word = (request.address + request.bytes - 1) / word_bytes_;
  const std::uint64_t first_chunk = first_word / words_per_chunk_;
  const std::uint64_t last_chunk = last_word / words_per_chunk_;
  std::fill(words_per_bank_.begin(), words_per_bank_.end(), 0);
  if (first_chunk == last_chunk) {
    words_per_bank_[first_chunk % bank_count] += last_word - first_word + 1;
  } else {
    words_per_bank_[first_chunk % bank_count] += (first_chunk + 1) * words_per_chunk_ - first_word;
    words_per_bank_[last_chunk % bank_count] += last_word - last_chunk * words_per_chunk_ + 1;
    const std::uint64_t whole_chunks = last_chunk - first_chunk - 1;
    const std::uint64_t rounds = whole_chunks / bank_count;
    const std::uint64_t remainder = whole_chunks % bank_count;
    for (std::uint64_t b = 0; b < bank_count; ++b) {
      words_per_bank_[b] += rounds * words_per_chunk_;
    }
    for (std::uint64_t k = 0; k < remainder; ++k) {
      words_per_bank_[(first_chunk + 1 + k) % bank_count] += words_per_chunk_;
    }
  }

  const Picoseconds start = (request.arrival + period_ - 1) / period_ * period_;  // clock edge
  Picoseconds last_cycle_end = start;
  for (std::uint64_t b = 0; b < bank_count; ++b) {
    const std::uint64_t words = words_per_bank_[b];
    if (words == 0)
      continue;
    // Each port serves one word per cycle, from any request: the words are shared out over the
    // bank's ports, the larger shares to the ports free first, so two one-word requests on a
    // two-port bank run in the same cycle.
    ContentionTimeline* const ports = &ports_[b * config_.ports];
    std::uint32_t order[kMaxPorts];
    for (std::uint32_t p = 0; p < config_.ports; ++p)
      order[p] = p;
    // Insertion sort, stable like std::stable_sort but without its temporary buffer: a heap
    // allocation per bank and access was a quarter of a Spatial-STAR run's instructions.
    for (std::uint32_t p = 1; p < config_.ports; ++p) {
      const std::uint32_t port = order[p];
      std::uint32_t q = p;
      for (; q > 0 && ports[port].busyUntil() < ports[order[q - 1]].busyUntil(); --q)
        order[q] = order[q - 1];
      order[q] = port;
    }
    for (std::uint32_t p = 0; p < config_.ports; ++p) {
      const std::uint64_t share = words / config_.ports + (p < words % config_.ports ? 1 : 0);
      if (share == 0)
        break;
      const Picoseconds busy = share * period_;
      const Picoseconds granted = ports[order[p]].reserve(start, busy);
      last_cycle_end = std::max(last_cycle_end, granted + busy);
    }
  }
  SramAccessResult result;
  result.words = last_word - first_word + 1;
  const std::uint64_t per_cycle = bank_count * config_.ports;
  const Picoseconds ideal = (result.words + per_cycle - 1) / per_cycle * period_;
  result.conflict_stall = last_cycle_end - start - ideal;
  // Data of the last access cycle is ready a latency after that cycle starts.
  const Picoseconds latency = request.is_write ? config_.write_latency : config_.read_latency;
  result.completion = last_cycle_end - period_ + latency;

  if (request.is_write) {
    ++counters_.write_requests;
    counters_.write_words += result.words;
    counters_.bytes_written += request.bytes;
  } else {
    ++counters_.read_requests;
    counters_.read_words += result.words;
    counters_.bytes_read += request.bytes;
  }
  if (result.conflict_stall > 0)
    ++counters_.conflicted_requests;
  counters_.conflict_stall_time += result.conflict_stall;
  return result;
}

double SramBankGroup::dynamicEnergy() const {
  return static_cast<double>(counters_.read_words) * config_.energy_read +
         static_cast<double>(counters_.write_words) * config_.energy_write;
}

double SramBankGroup::leakageEnergy(Picoseconds duration) const {
  return config_.leakage * 1e-3 * static_cast<double>(duration);  // mW * ps = 1e-3 pJ
}

}  // namespace spatialvp::models
