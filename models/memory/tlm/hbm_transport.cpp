// The `hbm` module's transport interfaces: b_transport and nb_transport_fw (BEGIN_REQ) serve a
// request alike; writes held in a write buffer with `write_completion: deferred` are answered
// when their batch is written (BEGIN_RESP on the backward path, or b_transport's wait ends).
#include "models/memory/tlm/hbm_module.h"

#include <algorithm>

#include "models/memory/tlm/memory_acceptance.h"

namespace spatialvp::models {

namespace {
Picoseconds nowPs() {
  return static_cast<Picoseconds>(sc_core::sc_time_stamp().value());
}
}  // namespace

std::optional<HbmModule::Served> HbmModule::serve(tlm::tlm_generic_payload& payload,
                                                  sc_core::sc_time& delay, bool blocking) {
  const auto access =
      front_.admit(payload, delay, [this](std::uint64_t address, std::uint64_t bytes) {
        return device_.contains(address, bytes);
      });
  if (!access)
    return std::nullopt;
  if (access->arrival + skew_limit_ < latest_arrival_)
    ++skewed_requests_;
  latest_arrival_ = std::max(latest_arrival_, access->arrival);
  Served served;
  if (fast_) {
    tallyFast(access->address, access->span, access->length);
    served.completion = fastAccess(access->length, access->is_read, access->arrival);
    if (front_.requests() % 1024 == 0)
      fast_bus_.retire(access->now);
  } else {
    Picoseconds accepted = access->arrival;
    const std::uint64_t tag = deferred_writes_ && !access->is_read ? next_tag_++ : 0;
    std::size_t deferred_passes = 0;
    served.completion =
        MemoryTargetFrontEnd::accessPasses(*access, [&](const MemoryRequest& request) {
          const HbmAccessResult result = device_.access(request);
          accepted = std::max(accepted, result.stats.accepted);
          if (!result.deferred)
            return result.completion;
          ++deferred_passes;
          tag_of_write_id_[result.write_id] = tag;
          return request.arrival;
        });
    if (auto* acceptance = payload.get_extension<MemoryAcceptanceExtension>()) {
      acceptance->accepted =
          sc_core::sc_time(static_cast<double>(accepted - access->now), sc_core::SC_PS);
      acceptance->valid = true;
    }
    if (deferred_passes > 0) {
      front_.moveData(payload, *access);  // reads that follow see the data (as if forwarded)
      deferred_[tag] = {&payload, *access, deferred_passes, served.completion, blocking, false};
      served.deferred_tag = tag;
      delay = sc_core::sc_time::from_value(accepted - access->now);  // END_REQ
    }
  }
  if (served.deferred_tag == 0) {
    front_.complete(payload, *access, served.completion, delay);
    if (trace())
      traceAccess(payload, access->is_read, access->address, access->length, access->arrival,
                  served.completion);
  }
  if (deferred_writes_)
    deliverCompletedWrites();
  return served;
}

void HbmModule::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const std::optional<Served> served = serve(payload, delay, true);
  if (!served || served->deferred_tag == 0)
    return;
  // A deferred write through the blocking interface: wait until its batch is written.
  sc_core::wait(delay);
  const auto entry = deferred_.find(served->deferred_tag);
  while (!entry->second.done)
    sc_core::wait(write_done_event_);
  const DeferredWrite write = entry->second;
  deferred_.erase(entry);
  MemoryAccess access = write.access;
  access.now = nowPs();
  front_.complete(payload, access, std::max(write.completion, access.now), delay, false);
  if (trace())
    traceAccess(payload, false, access.address, access.length, access.arrival, write.completion);
}

tlm::tlm_sync_enum HbmModule::nb_transport_fw(tlm::tlm_generic_payload& payload,
                                              tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  if (phase == tlm::END_RESP)
    return tlm::TLM_COMPLETED;
  if (phase != tlm::BEGIN_REQ) {
    SC_REPORT_ERROR("spatialvp/hbm", (instanceName() + ": nb_transport_fw with a phase other "
                                                       "than BEGIN_REQ or END_RESP")
                                         .c_str());
    return tlm::TLM_COMPLETED;
  }
  const std::optional<Served> served = serve(payload, delay, false);
  if (served && served->deferred_tag != 0) {
    phase = tlm::END_REQ;
    return tlm::TLM_UPDATED;
  }
  phase = tlm::BEGIN_RESP;
  return tlm::TLM_COMPLETED;
}

void HbmModule::deliverCompletedWrites() {
  device_.takeCompletedWrites(completed_writes_);
  bool blocking_done = false;
  for (const HbmCompletedWrite& completed : completed_writes_) {
    const auto id = tag_of_write_id_.find(completed.write_id);
    const auto entry = deferred_.find(id->second);
    tag_of_write_id_.erase(id);
    DeferredWrite& write = entry->second;
    write.completion = std::max(write.completion, completed.completion);
    if (--write.passes_left > 0)
      continue;
    write.done = true;
    if (write.blocking) {
      blocking_done = true;
      continue;
    }
    tlm::tlm_generic_payload& payload = *write.payload;
    MemoryAccess access = write.access;
    access.now = nowPs();
    const Picoseconds completion = std::max(write.completion, access.now);
    deferred_.erase(entry);
    sc_core::sc_time delay;
    front_.complete(payload, access, completion, delay, false);
    if (trace())
      traceAccess(payload, false, access.address, access.length, access.arrival, completion);
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    target_->nb_transport_bw(payload, phase, delay);  // TLM_COMPLETED or END_RESP later: done
  }
  if (blocking_done)
    write_done_event_.notify(sc_core::SC_ZERO_TIME);
  const Picoseconds due = device_.nextWriteDrainDue();
  if (due != HbmChannelController::kNoDrainDue) {
    const Picoseconds now = nowPs();
    drain_event_.notify(sc_core::sc_time::from_value(due > now ? due - now : 0));
  }
}

void HbmModule::drainDueWrites() {
  device_.drainWriteBuffersDueBy(nowPs());
  deliverCompletedWrites();
}

}  // namespace spatialvp::models
