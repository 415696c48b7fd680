#include "models/memory/tlm/sram_module.h"

#include <algorithm>
#include <limits>

#include "models/memory/tlm/core_param_binding.h"
#include "platform/sim/kernel_time.h"

namespace spatialvp::models {

namespace {

const std::map<std::string, std::string>& sramRenames() {
  static const std::map<std::string, std::string> renames = {
      {"energy_read", "energy.read_word"},
      {"energy_write", "energy.write_word"},
      {"leakage", "static_power"},
  };
  return renames;
}

SramConfig sramConfigFrom(const ParamValues& params) {
  constexpr std::uint64_t kMaxBytes = 1ULL << 50;
  SramConfig c;
  c.capacity = wholeBytesOf(params, "capacity", kMaxBytes);
  c.word_width = wholeBitsOf(params, "word_width", 1U << 20);
  c.banks = countOf(params, "banks");
  c.ports = countOf(params, "ports");
  c.interleave = wholeBytesOf(params, "interleave", kMaxBytes);
  c.clock = params.quantity("clock");
  c.read_latency = picosecondsOf(params, "read_latency");
  c.write_latency = picosecondsOf(params, "write_latency");
  // One source of truth: the registry's energy.<action>, static_power and area parameters.
  c.energy_read = params.quantity("energy.read_word") * 1e12;    // pJ per word
  c.energy_write = params.quantity("energy.write_word") * 1e12;  // pJ per word
  c.leakage = params.quantity("static_power") * 1e3;             // mW
  c.area = params.quantity("area") * 1e6;                        // mm^2
  failOnCoreProblems(params, c.validate(), sramRenames(), "capacity");
  return c;
}

double seconds(Picoseconds ps) {
  return static_cast<double>(ps) * 1e-12;
}

}  // namespace

SramModule::SramModule(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      sram_(sramConfigFrom(params())),
      front_(1.0, 4096, params().boolean("store_data")) {
  target_.register_b_transport(this, &SramModule::b_transport);
  target_.register_transport_dbg(this, &SramModule::transport_dbg);
}

TargetSocket* SramModule::targetSocket(const std::string& port, std::size_t index) {
  return port == "target" && index == 0 ? &target_ : nullptr;
}

void SramModule::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const auto access =
      front_.admit(payload, delay, [this](std::uint64_t address, std::uint64_t bytes) {
        return sram_.contains(address, bytes);
      });
  if (!access)
    return;
  sram_.retire(nowPs());
  const Picoseconds completion = MemoryTargetFrontEnd::accessPasses(
      *access, [this](const MemoryRequest& request) { return sram_.access(request).completion; });
  front_.complete(payload, *access, completion, delay);
  if (trace())
    traceAccess(payload, access->is_read, access->address, access->length, access->arrival,
                completion);
}

unsigned int SramModule::transport_dbg(tlm::tlm_generic_payload& payload) {
  return front_.transportDbg(payload, sram_.config().capacity);
}

void SramModule::reportStats(ModuleStats& stats) const {
  const SramCounters& c = sram_.counters();
  stats.counter("reads", c.read_requests, "transactions", "Read transactions served");
  stats.counter("writes", c.write_requests, "transactions", "Write transactions served");
  stats.counter("read_bytes", c.bytes_read, "B", "Bytes read (as requested)");
  stats.counter("write_bytes", c.bytes_written, "B", "Bytes written (as requested)");
  stats.counter("read_words", c.read_words, "words", "Word accesses of reads");
  stats.counter("write_words", c.write_words, "words", "Word accesses of writes");
  stats.counter("address_errors", front_.addressErrors(), "transactions",
                "Accesses outside the SRAM (or empty)");
  stats.counter("conflicted_requests", c.conflicted_requests, "transactions",
                "Requests that waited for a bank");
  stats.value("conflict_stall_time", seconds(c.conflict_stall_time), "s",
              "Time beyond conflict-free access, summed over requests");

  const Picoseconds active = front_.activeTime();
  const double active_seconds = seconds(active);
  const double bytes = static_cast<double>(c.bytes_read + c.bytes_written);
  const double bandwidth = active > 0 ? bytes / active_seconds : 0.0;
  const double peak = sram_.config().peakBandwidth();
  stats.value("active_time", active_seconds, "s", "First arrival to last completion");
  stats.value("peak_bandwidth", peak, "B/s", "Banks x ports x word per cycle");
  stats.value("bandwidth_utilisation", bandwidth / peak, "", "Achieved / peak bandwidth");

  const std::uint32_t banks = sram_.config().banks;
  Picoseconds busy_min = std::numeric_limits<Picoseconds>::max();
  Picoseconds busy_max = 0;
  Picoseconds busy_sum = 0;
  for (std::uint32_t b = 0; b < banks; ++b) {
    const Picoseconds busy = sram_.bankBusyTime(b);
    busy_min = std::min(busy_min, busy);
    busy_max = std::max(busy_max, busy);
    busy_sum += busy;
  }
  stats.value("bank_busy.min", seconds(busy_min), "s", "Busy time of the least used bank");
  stats.value("bank_busy.mean", seconds(busy_sum) / static_cast<double>(banks), "s",
              "Busy time, mean over banks");
  stats.value("bank_busy.max", seconds(busy_max), "s", "Busy time of the busiest bank");
  stats.histogram("latency", front_.latencyNs(), "ns", "Per transaction: arrival to data done");
  stats.headline("bandwidth", bandwidth, "B/s", "Bytes moved / (last completion - first arrival)");
  stats.action("read_word", c.read_words);
  stats.action("write_word", c.write_words);
}

void registerSramModule(ModuleRegistry& registry) {
  ModuleTypeInfo info;
  info.name = "sram";
  info.description =
      "On-chip SRAM bank group: words interleaved over banks, each bank `ports` accesses per "
      "cycle; conflicts serialise (see presets sram_28nm, sram_28nm/*)";
  auto& p = info.params;
  p.quantity("capacity", dims::data(), "Capacity of the whole group").above(0);
  p.quantity("word_width", dims::data(), "Bits moved by one bank access")
      .byDefault("128 bit")
      .above(0);
  p.integer("banks", "Banks").byDefault("16").atLeast(1);
  p.integer("ports", "Accesses per cycle per bank, shared by reads and writes")
      .byDefault("1")
      .atLeast(1);
  p.quantity("interleave", dims::data(), "Bytes on one bank before the next; 0 B = one word")
      .byDefault("0 B")
      .atLeast(0);
  p.quantity("clock", dims::frequency(), "Clock of the banks").byDefault("1 GHz").above(0);
  p.quantity("read_latency", dims::time(), "Start of the last access cycle to read data")
      .byDefault("1 ns")
      .above(0);
  p.quantity("write_latency", dims::time(), "Start of the last access cycle to write done")
      .byDefault("1 ns")
      .above(0);
  p.boolean("store_data", "Keep the data (functional runs); timing-only when false")
      .byDefault("false");
  info.ports.push_back(
      {"target", PortDirection::kTarget, "Memory accesses (local addresses)", true});
  info.energy_actions.push_back({"read_word", "one word read from a bank", "0 J"});
  info.energy_actions.push_back({"write_word", "one word written to a bank", "0 J"});
  registry.add<SramModule>(std::move(info));
}

}  // namespace spatialvp::models
