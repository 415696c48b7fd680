// The `hbm` module's transport interfaces: b_transport and nb_transport_fw (BEGIN_REQ) serve a
// request alike. Requests answered after their call (writes held in a write buffer with
// `write_completion: deferred`, every request with `scheduling: on_issue`) get BEGIN_RESP on
// the backward path when their data is done, or b_transport waits for it.
#include <algorithm>
#include <stdexcept>

#include "models/memory/tlm/hbm_module.h"
#include "models/memory/tlm/memory_acceptance.h"
#include "platform/sim/kernel_time.h"

namespace spatialvp::models {

namespace {

void notifyAt(sc_core::sc_event& event, Picoseconds time) {  // now if `time` has passed
  const Picoseconds now = nowPs();
  event.notify(sc_core::sc_time::from_value(time > now ? time - now : 0));
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
  } else if (on_issue_) {
    submitOnIssue(payload, *access, blocking, served);
    delay = sc_core::sc_time::from_value(served.accepted_at - access->now);  // END_REQ
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
          tag_of_device_id_.insert(result.write_id) = tag;
          return request.arrival;
        });
    if (auto* acceptance = payload.get_extension<MemoryAcceptanceExtension>()) {
      acceptance->accepted =
          sc_core::sc_time(static_cast<double>(accepted - access->now), sc_core::SC_PS);
      acceptance->valid = true;
    }
    if (deferred_passes > 0) {
      front_.moveData(payload, *access);  // reads that follow see the data (as if forwarded)
      DeferredAnswer& entry = deferred_.insert(tag);
      entry = {&payload, *access,  deferred_passes, 0,    served.completion,
               accepted, blocking, false,           false};
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

void HbmModule::submitOnIssue(tlm::tlm_generic_payload& payload, const MemoryAccess& access,
                              bool blocking, Served& served) {
  // Decisions due by now are final before this request can take part (it queues later).
  // Usually issueDue() has made them already; the call below re-arms issue_event_ anyway.
  device_.issueUpTo(access.now);
  // It could have taken part in a decision already made ahead (decideAhead()). One at the time
  // of the latest decision comes after it, as a call at the current time comes after the
  // decisions due then.
  if (access.arrival + device_.config().controller_latency < decided_ahead_to_)
    ++late_arrivals_;
  if (device_.hasRequestEvents())
    deliverRequestEvents();
  // The tag is the device id of the request's first pass; only later passes are mapped.
  const std::uint64_t tag = device_.nextRequestId();
  DeferredAnswer& entry = deferred_.insert(tag);
  entry.payload = &payload;
  entry.access = access;
  entry.blocking = blocking;
  entry.accepted = access.arrival;
  MemoryTargetFrontEnd::accessPasses(access, [&](const MemoryRequest& request) {
    const std::uint64_t id = device_.submit(request);
    if (id != tag)
      tag_of_device_id_.insert(id) = tag;
    ++entry.passes_left;
    ++entry.passes_unaccepted;
    return request.arrival;
  });
  front_.moveData(payload, access);  // reads that follow see the data (as if forwarded)
  served.deferred_tag = tag;
  deliverRequestEvents();  // its acceptance, if it found its places
  if (!blocking)
    decideAhead(tag);
  DeferredAnswer& called = *deferred_.find(tag);  // (answers may have moved `entry`'s slot)
  served.accepted = called.passes_unaccepted == 0;
  served.accepted_at = served.accepted ? called.accepted : access.now;
  called.in_call = false;
}

void HbmModule::decideAhead(std::uint64_t tag) {
  // The base protocol's request exclusion: no other BEGIN_REQ reaches the target socket before
  // this request's END_REQ, and none is timed before it. So the decisions up to its acceptance
  // cannot be changed by a later call and are made now (END_REQ then goes back in the return,
  // not on the backward path), and so are the ones before its acceptance time, when its own
  // bursts join the queues (their answers never come inside their own call). The initiator runs
  // on within its quantum and finds its answers known, instead of the kernel waking this module
  // at every decision. (A b_transport caller is not bound by that rule: one whose arrival falls
  // in a span decided here takes part from the latest decision on, and is counted.)
  while (deferred_.find(tag)->passes_unaccepted > 0) {
    const Picoseconds next = device_.nextIssue();
    if (next == HbmChannelController::kNoIssue)
      return;  // (a burst waiting for a place always has one ahead of it to issue)
    device_.issueUpTo(next);
    decided_ahead_to_ = std::max(decided_ahead_to_, next);
    if (device_.hasRequestEvents())
      deliverRequestEvents();
  }
  const Picoseconds accepted = deferred_.find(tag)->accepted;
  if (accepted == 0 || accepted - 1 <= decided_ahead_to_)
    return;
  device_.issueUpTo(accepted - 1);
  decided_ahead_to_ = accepted - 1;
  if (device_.hasRequestEvents())
    deliverRequestEvents();
}

void HbmModule::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const std::optional<Served> served = serve(payload, delay, true);
  if (!served || served->deferred_tag == 0)
    return;
  // Answered later: wait until its data is done.
  sc_core::wait(delay);
  // (Looked up after each wait: other requests' entries may have moved it.)
  while (!deferred_.find(served->deferred_tag)->done)
    sc_core::wait(answer_event_);
  const DeferredAnswer answered = *deferred_.find(served->deferred_tag);
  deferred_.erase(served->deferred_tag);
  MemoryAccess access = answered.access;
  access.now = nowPs();
  front_.complete(payload, access, std::max(answered.completion, access.now), delay, false);
  if (trace())
    traceAccess(payload, access.is_read, access.address, access.length, access.arrival,
                answered.completion);
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
    if (!served->accepted)
      return tlm::TLM_ACCEPTED;  // END_REQ on the backward path once it has its places
    phase = tlm::END_REQ;
    return tlm::TLM_UPDATED;
  }
  phase = tlm::BEGIN_RESP;
  return tlm::TLM_COMPLETED;
}

bool HbmModule::answer(std::uint64_t tag, DeferredAnswer& deferred) {
  deferred.done = true;
  if (deferred.blocking)
    return true;
  tlm::tlm_generic_payload& payload = *deferred.payload;
  MemoryAccess access = deferred.access;
  access.now = nowPs();
  const Picoseconds completion = std::max(deferred.completion, access.now);
  deferred_.erase(tag);
  sc_core::sc_time delay;
  front_.complete(payload, access, completion, delay, false);
  if (trace())
    traceAccess(payload, access.is_read, access.address, access.length, access.arrival, completion);
  tlm::tlm_phase phase = tlm::BEGIN_RESP;
  target_->nb_transport_bw(payload, phase, delay);  // TLM_COMPLETED or END_RESP later: done
  return false;
}

void HbmModule::deliverCompletedWrites() {
  device_.takeCompletedWrites(completed_writes_);
  bool blocking_done = false;
  for (const HbmCompletedWrite& completed : completed_writes_) {
    const std::uint64_t tag = *tag_of_device_id_.find(completed.write_id);
    tag_of_device_id_.erase(completed.write_id);
    DeferredAnswer& write = *deferred_.find(tag);
    write.completion = std::max(write.completion, completed.completion);
    if (--write.passes_left == 0)
      blocking_done |= answer(tag, write);
  }
  if (blocking_done)
    answer_event_.notify(sc_core::SC_ZERO_TIME);
  const Picoseconds due = device_.nextWriteDrainDue();
  if (due != HbmChannelController::kNoDrainDue)
    notifyAt(drain_event_, due);
}

void HbmModule::drainDueWrites() {
  device_.drainWriteBuffersDueBy(nowPs());
  deliverCompletedWrites();
}

void HbmModule::deliverRequestEvents() {
  bool blocking_done = false;
  if (device_.hasRequestEvents())
    device_.takeRequestEvents(request_events_);
  else
    request_events_.clear();
  for (const HbmRequestEvent& event : request_events_) {
    const std::uint64_t* const mapped = tag_of_device_id_.find(event.request);
    const std::uint64_t tag = mapped != nullptr ? *mapped : event.request;
    DeferredAnswer& request = *deferred_.find(tag);
    if (event.kind == HbmRequestEvent::Kind::kAccepted) {
      request.accepted = std::max(request.accepted, event.time);
      if (--request.passes_unaccepted == 0 && !request.in_call && !request.blocking) {
        const Picoseconds now = nowPs();
        sc_core::sc_time delay =
            sc_core::sc_time::from_value(std::max(request.accepted, now) - now);
        tlm::tlm_phase phase = tlm::END_REQ;
        target_->nb_transport_bw(*request.payload, phase, delay);
      }
      continue;
    }
    // decideAhead() stops before a request's bursts can issue (a column on the pseudo-channel
    // that admitted the last of them comes a data-bus slot after the admitting one).
    if (request.in_call)
      throw std::logic_error(instanceName() +
                             ": a request completed inside its own nb_transport_fw call");
    if (mapped != nullptr)
      tag_of_device_id_.erase(event.request);
    request.completion = std::max(request.completion, event.time);
    if (--request.passes_left == 0)
      blocking_done |= answer(tag, request);
  }
  if (blocking_done)
    answer_event_.notify(sc_core::SC_ZERO_TIME);
  // Re-arming at the same or a later time would change nothing (SystemC keeps the earlier
  // notification), so the event is notified only for an earlier decision.
  const Picoseconds next = device_.nextIssue();
  if (next < issue_armed_at_) {
    notifyAt(issue_event_, next);
    issue_armed_at_ = next;
  }
}

void HbmModule::issueDue() {
  issue_armed_at_ = HbmChannelController::kNoIssue;
  device_.issueUpTo(nowPs());
  deliverRequestEvents();
}

}  // namespace spatialvp::models
