#include "interconnect/tlm/nb_forwarder.h"

#include <sysc/kernel/sc_spawn.h>

#include <algorithm>
#include <utility>

#include "platform/sim/kernel_time.h"

namespace spatialvp::interconnect {

namespace {
sc_core::sc_time delayTo(Picoseconds time) {  // zero if `time` has passed
  const Picoseconds now = nowPs();
  return sc_core::sc_time::from_value(time > now ? time - now : 0);
}
Picoseconds timeAfter(const sc_core::sc_time& delay) {
  return nowPs() + static_cast<Picoseconds>(delay.value());
}
}  // namespace

NbForwarder::NbForwarder(std::string owner, std::size_t inputs, std::size_t outputs, Route route,
                         Respond respond, Call to_target, Call to_initiator)
    : owner_(std::move(owner)),
      route_(std::move(route)),
      respond_(std::move(respond)),
      to_target_(std::move(to_target)),
      to_initiator_(std::move(to_initiator)),
      outputs_(outputs),
      inputs_(inputs) {
  // A method of its own sends what waited, so that nothing is sent from inside the call that
  // freed its way (a target answering on its backward path, say).
  sc_core::sc_spawn_options options;
  options.spawn_method();
  options.set_sensitivity(&pump_event_);
  options.dont_initialize();
  sc_core::sc_spawn([this] { pump(); }, "nb_forwarder", &options);
}

tlm::tlm_sync_enum NbForwarder::phaseError(const char* call, const char* expected) const {
  SC_REPORT_ERROR("spatialvp/nb_forwarder",
                  (owner_ + ": " + call + " with a phase other than " + expected).c_str());
  return tlm::TLM_COMPLETED;
}

NbForwarder::Flight& NbForwarder::flightOf(tlm::tlm_generic_payload& payload) {
  const auto found = flights_.find(&payload);
  if (found == flights_.end()) {
    SC_REPORT_FATAL("spatialvp/nb_forwarder",
                    (owner_ + ": nb_transport for a transaction it is not carrying").c_str());
  }
  return found->second;
}

tlm::tlm_sync_enum NbForwarder::forward(std::size_t input, tlm::tlm_generic_payload& payload,
                                        tlm::tlm_phase& phase, sc_core::sc_time& delay,
                                        std::uint64_t flow) {
  if (phase == tlm::END_RESP) {
    InputState& in = inputs_[input];
    const bool outstanding = in.awaiting_end_resp == &payload;
    if (outstanding)
      in.awaiting_end_resp = nullptr;
    endResponse(payload);
    if (outstanding && !in.responses.empty())
      pump_event_.notify(sc_core::SC_ZERO_TIME);
    return tlm::TLM_COMPLETED;
  }
  if (phase != tlm::BEGIN_REQ)
    return phaseError("nb_transport_fw", "BEGIN_REQ or END_RESP");
  Flight flight;
  flight.input = input;
  flight.address = payload.get_address();
  flight.flow = flow;
  if (!route_(payload, delay, flight)) {
    phase = tlm::BEGIN_RESP;
    return tlm::TLM_COMPLETED;  // answered in the call (an address error)
  }
  Flight& carried = flights_[&payload] = flight;
  payload.set_address(carried.local_address);
  if (carried.arrival == kLater)  // on its way: requestDelivered() goes on
    return acceptRequest(payload, carried, Answer::kInCall, phase, delay);
  return sendOrQueue(payload, carried, Answer::kInCall, phase, delay);
}

tlm::tlm_sync_enum NbForwarder::sendOrQueue(tlm::tlm_generic_payload& payload, Flight& flight,
                                            Answer answer, tlm::tlm_phase& phase,
                                            sc_core::sc_time& delay) {
  OutputState& out = outputs_[flight.output];
  if (out.awaiting_end_req == nullptr && out.requests.empty())
    return sendRequest(payload, flight, answer, phase, delay);
  // Request exclusion: the output's target has a request without its END_REQ.
  out.requests.push_back(&payload);
  ++queued_requests_;
  if (flight.accepted_at == kOnTarget)
    return tlm::TLM_ACCEPTED;  // END_REQ on the backward path once it is sent and accepted
  return acceptRequest(payload, flight, answer, phase, delay);
}

tlm::tlm_sync_enum NbForwarder::sendRequest(tlm::tlm_generic_payload& payload, Flight& flight,
                                            Answer answer, tlm::tlm_phase& phase,
                                            sc_core::sc_time& delay) {
  OutputState& out = outputs_[flight.output];
  phase = tlm::BEGIN_REQ;
  // Request exclusion in time too: a target may take decisions up to its END_REQ as final.
  delay = delayTo(std::max(flight.arrival, out.free_at));
  const tlm::tlm_sync_enum status = to_target_(flight.output, payload, phase, delay);
  // (`flight` stays valid: other flights come and go in the call, but unordered_map entries do
  // not move.)
  if (status == tlm::TLM_COMPLETED || (status == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP)) {
    out.free_at = std::max(out.free_at, timeAfter(delay));
    flight.target_done = status == tlm::TLM_COMPLETED;
    return respond(payload, flight, answer, phase, delay);
  }
  if (status == tlm::TLM_ACCEPTED) {
    out.awaiting_end_req = &payload;  // END_REQ comes on backward()
    if (flight.accepted_at == kOnTarget)
      return tlm::TLM_ACCEPTED;
    return acceptRequest(payload, flight, answer, phase, delay);
  }
  out.free_at = std::max(out.free_at, timeAfter(delay));  // TLM_UPDATED with END_REQ
  return acceptRequest(payload, flight, answer, phase, delay);
}

tlm::tlm_sync_enum NbForwarder::acceptRequest(tlm::tlm_generic_payload& payload, Flight& flight,
                                              Answer answer, tlm::tlm_phase& phase,
                                              sc_core::sc_time& delay) {
  sc_core::sc_time end_req_delay =
      flight.accepted_at != kOnTarget ? delayTo(flight.accepted_at) : delay;
  const bool had_it = flight.accepted;
  flight.accepted = true;
  if (answer == Answer::kInCall) {
    phase = tlm::END_REQ;
    delay = end_req_delay;
    return tlm::TLM_UPDATED;
  }
  if (!had_it) {  // (the caller's phase and delay stay as they are: a target's, say)
    tlm::tlm_phase end_req = tlm::END_REQ;
    to_initiator_(flight.input, payload, end_req, end_req_delay);
  }
  return tlm::TLM_UPDATED;
}

void NbForwarder::requestDelivered(tlm::tlm_generic_payload& payload, Picoseconds arrival) {
  Flight& flight = flightOf(payload);
  flight.arrival = arrival;
  tlm::tlm_phase phase;
  sc_core::sc_time delay;
  sendOrQueue(payload, flight, Answer::kBackward, phase, delay);
}

void NbForwarder::responseDelivered(tlm::tlm_generic_payload& payload, Picoseconds arrival) {
  tlm::tlm_phase phase = tlm::BEGIN_RESP;
  sc_core::sc_time delay = delayTo(arrival);
  deliverResponse(payload, flightOf(payload), Answer::kBackward, phase, delay);
}

tlm::tlm_sync_enum NbForwarder::respond(tlm::tlm_generic_payload& payload, Flight& flight,
                                        Answer answer, tlm::tlm_phase& phase,
                                        sc_core::sc_time& delay) {
  const Picoseconds responded = timeAfter(delay);
  const Picoseconds back = respond_ ? respond_(payload, flight, responded) : responded;
  if (back != kLater) {
    delay = delayTo(back);
    return deliverResponse(payload, flight, answer, phase, delay);
  }
  return holdResponse(payload, flight, answer, phase, delay);  // responseDelivered() goes on
}

tlm::tlm_sync_enum NbForwarder::holdResponse(tlm::tlm_generic_payload& payload, Flight& flight,
                                             Answer answer, tlm::tlm_phase& phase,
                                             sc_core::sc_time& delay) {
  const tlm::tlm_sync_enum status = acceptRequest(payload, flight, answer, phase, delay);
  return answer == Answer::kInCall ? status : tlm::TLM_ACCEPTED;  // a target: END_RESP follows
}

tlm::tlm_sync_enum NbForwarder::deliverResponse(tlm::tlm_generic_payload& payload, Flight& flight,
                                                Answer answer, tlm::tlm_phase& phase,
                                                sc_core::sc_time& delay) {
  payload.set_address(flight.address);  // an interconnect must restore what it translated
  InputState& in = inputs_[flight.input];
  if (in.awaiting_end_resp != nullptr || !in.responses.empty()) {
    // Response exclusion: the initiator has a response without its END_RESP.
    in.responses.push_back(&payload);
    ++queued_responses_;
    flight.response_at = timeAfter(delay);
    return holdResponse(payload, flight, answer, phase, delay);
  }
  flight.accepted = true;
  phase = tlm::BEGIN_RESP;
  if (answer == Answer::kInCall) {
    if (flight.target_done) {
      flights_.erase(&payload);
      return tlm::TLM_COMPLETED;
    }
    in.awaiting_end_resp = &payload;  // the initiator sends END_RESP on the forward path
    return tlm::TLM_UPDATED;
  }
  const tlm::tlm_sync_enum status = to_initiator_(flight.input, payload, phase, delay);
  if (status == tlm::TLM_ACCEPTED) {
    in.awaiting_end_resp = &payload;  // END_RESP comes on forward()
    return tlm::TLM_ACCEPTED;
  }
  // TLM_COMPLETED, or TLM_UPDATED with END_RESP: the initiator took the response.
  if (answer == Answer::kTargetCall) {
    flights_.erase(&payload);
    return tlm::TLM_COMPLETED;  // to the target's BEGIN_RESP: nothing follows
  }
  endResponse(payload);
  return tlm::TLM_COMPLETED;
}

void NbForwarder::endResponse(tlm::tlm_generic_payload& payload) {
  const Flight flight = flightOf(payload);
  flights_.erase(&payload);
  if (flight.target_done)
    return;
  tlm::tlm_phase phase = tlm::END_RESP;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  to_target_(flight.output, payload, phase, delay);
}

tlm::tlm_sync_enum NbForwarder::backward(std::size_t output, tlm::tlm_generic_payload& payload,
                                         tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  Flight& flight = flightOf(payload);
  OutputState& out = outputs_[output];
  if (out.awaiting_end_req == &payload) {  // END_REQ, or BEGIN_RESP (which implies it)
    out.awaiting_end_req = nullptr;
    out.free_at = std::max(out.free_at, timeAfter(delay));
    if (!out.requests.empty())
      pump_event_.notify(sc_core::SC_ZERO_TIME);
  }
  if (phase == tlm::END_REQ) {
    acceptRequest(payload, flight, Answer::kTargetCall, phase, delay);
    return tlm::TLM_ACCEPTED;
  }
  if (phase != tlm::BEGIN_RESP)
    return phaseError("nb_transport_bw", "END_REQ or BEGIN_RESP");
  flight.target_done = false;
  return respond(payload, flight, Answer::kTargetCall, phase, delay);
}

void NbForwarder::reportStats(ModuleStats& stats, const std::string& where) const {
  stats.counter("queued_requests", queued_requests_, "transactions",
                "nb_transport requests that waited in " + where +
                    " for an earlier one's END_REQ at their output");
  stats.counter("queued_responses", queued_responses_, "transactions",
                "nb_transport responses that waited in " + where +
                    " for an earlier one's END_RESP at their input");
}

void NbForwarder::pump() {
  for (OutputState& out : outputs_) {
    while (out.awaiting_end_req == nullptr && !out.requests.empty()) {
      tlm::tlm_generic_payload& payload = *out.requests.front();
      out.requests.pop_front();
      tlm::tlm_phase phase;
      sc_core::sc_time delay;
      sendRequest(payload, flightOf(payload), Answer::kBackward, phase, delay);
    }
  }
  for (InputState& in : inputs_) {
    while (in.awaiting_end_resp == nullptr && !in.responses.empty()) {
      tlm::tlm_generic_payload& payload = *in.responses.front();
      in.responses.pop_front();
      Flight& flight = flightOf(payload);
      tlm::tlm_phase phase = tlm::BEGIN_RESP;
      sc_core::sc_time delay = delayTo(flight.response_at);
      if (to_initiator_(flight.input, payload, phase, delay) == tlm::TLM_ACCEPTED)
        in.awaiting_end_resp = &payload;
      else
        endResponse(payload);
    }
  }
}

}  // namespace spatialvp::interconnect
