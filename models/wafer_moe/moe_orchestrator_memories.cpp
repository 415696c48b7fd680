// The wafer MoE orchestrator against its dies' memories: each HBM and SRAM module owns its
// capacity and bandwidth (platform/sim/memory_facts.h); the orchestrator reads them once bound
// instead of repeating them. A die's resident weights and KV cache must fit its HBM (a located
// error on that module's capacity otherwise). The attention roofline and the SRAM weight
// pinning take one value for every die, so dies whose memories differ there are a located error
// on the die that differs.
#include "models/wafer_moe/moe_orchestrator.h"
#include "models/wafer_moe/phase_keys.h"
#include "platform/sim/memory_facts.h"

namespace spatialvp::models::wafer_moe {

namespace {

struct BoundMemory {
  const Module* module = nullptr;
  const MemoryFacts* facts = nullptr;
};

}  // namespace

void MoeOrchestrator::connectMemories(const PlatformView& view) {
  auto boundMemory = [&](const std::string& port, int die) {
    const auto peer = view.targetOf(*this, port, static_cast<std::size_t>(die));
    const auto* facts = peer ? dynamic_cast<const MemoryFacts*>(peer->module) : nullptr;
    if (!facts) {
      params().fail("dies", port + "[" + std::to_string(die) +
                                "] must be bound to a memory module that states its capacity and "
                                "bandwidth (e.g. memory, hbm, sram), not " +
                                (peer ? peer->module->instanceName() + " (" +
                                            peer->module->typeInfo().name + ")"
                                      : std::string("nothing")));
    }
    return BoundMemory{peer->module, facts};
  };
  // A fact every die's memory must state alike: die 0's is the reference.
  auto requireSame = [](const BoundMemory& first, const BoundMemory& memory, double first_value,
                        double value, const std::string& param, const Dimension& dimension,
                        const std::string& why) {
    if (value != first_value) {
      memory.module->params().fail(param, why + ": " + first.module->instanceName() + " has " +
                                              formatQuantity(first_value, dimension) + ", " +
                                              memory.module->instanceName() + " " +
                                              formatQuantity(value, dimension));
    }
  };

  const auto gb = [](double bytes) { return formatQuantity(bytes, dims::data()); };
  BoundMemory first_hbm;
  for (int die = 0; die < dies_; ++die) {
    const BoundMemory hbm = boundMemory("hbm", die);
    if (die == 0)
      first_hbm = hbm;
    if (resident_.total > hbm.facts->capacityBytes()) {
      hbm.module->params().fail(
          hbm.facts->capacityParam(),
          instanceName() + " keeps at least " + gb(resident_.total) + " in die " +
              std::to_string(die) + "'s HBM (routed experts " + gb(resident_.routed_experts) +
              ", shared experts " + gb(resident_.shared_experts) + ", attention " +
              gb(resident_.attention) + ", KV cache " + gb(resident_.kv_cache) + "), got " +
              gb(hbm.facts->capacityBytes()));
    }
    if (static_cast<double>(hbm_size_) > hbm.facts->capacityBytes()) {
      params().fail("hbm_size", "the address range read in each HBM (" +
                                    gb(static_cast<double>(hbm_size_)) + ") exceeds " +
                                    hbm.module->instanceName() + "'s capacity " +
                                    gb(hbm.facts->capacityBytes()));
    }
  }
  // No bandwidth here: every HBM read is a TLM read the die's own module times, so dies may
  // differ in HBM bandwidth (a degraded stack is slower, not an error).
  die_.hbm_capacity = first_hbm.facts->capacityBytes();
  compute_ = std::make_unique<moe::ExpertComputeModel>(model_, die_);

  BoundMemory first_sram;
  for (int die = 0; die < static_cast<int>(sram_sockets_.size()); ++die) {
    const BoundMemory sram = boundMemory("sram", die);
    if (die == 0)
      first_sram = sram;
    requireSame(first_sram, sram, first_sram.facts->capacityBytes(), sram.facts->capacityBytes(),
                sram.facts->capacityParam(), dims::data(),
                "every die pins the same expert weights in its SRAM");
  }
  die_.sram_bytes = first_sram.facts ? first_sram.facts->capacityBytes() : 0.0;
  sram_range_ = wholeBytes(die_.sram_bytes);
  sram_ = std::make_unique<moe::SramWeightPinning>(
      die_.sram_bytes, model_.moeLayers(), model_.expertWeightBytes(), model_.shared_experts);
}

}  // namespace spatialvp::models::wafer_moe
