// The `mesh` module's transport paths (mesh_module.h): b_transport crosses the request, calls the
// target and crosses the response in the call; nb_transport goes through the NbForwarder, with
// crossings booked at once (presentation_order) or handed to the arrival-order core at their
// time and carried on when it has delivered them. Construction, parameters and stats are in
// mesh_module.cpp.
#include "interconnect/tlm/mesh_module.h"
#include "platform/sim/kernel_time.h"

namespace spatialvp::interconnect {

namespace {
constexpr std::uint64_t kRetireEvery = 1024;  // transactions between calendar clean-ups
}  // namespace

bool MeshModule::decodeRequest(tlm::tlm_generic_payload& payload, NbForwarder::Flight& flight) {
  const std::uint64_t length = payload.get_data_length();
  const std::size_t in = flight.input;
  ++input_counters_[in].transactions;
  input_counters_[in].bytes += length;
  const int output = decode(flight.address, length);
  if (output < 0) {
    ++decode_errors_;
    payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  flight.output = static_cast<std::size_t>(output);
  flight.local_address = flight.address - ranges_[flight.output].base;
  return true;
}

std::uint64_t MeshModule::crossingBytes(const tlm::tlm_generic_payload& payload,
                                        bool response) const {
  // Reads send a small request and get the data back; writes send the data and get an ack.
  const bool carries_data = response ? payload.is_read() : payload.is_write();
  return carries_data ? payload.get_data_length() : control_bytes_;
}

bool MeshModule::crossRequest(tlm::tlm_generic_payload& payload, const sc_core::sc_time& delay,
                              NbForwarder::Flight& flight) {
  if (!decodeRequest(payload, flight))
    return false;
  const std::size_t in = flight.input;
  const std::size_t out = flight.output;
  const Picoseconds arrival = nowPs() + delay.value();
  if (tracer_)
    tracer_->begin(flight.flow, payload.is_read() ? "read request" : "write", input_endpoints_[in],
                   output_endpoints_[out]);
  sc_core::sc_time crossing = delay;
  const MeshTransferResult request =
      cross(input_endpoints_[in], output_endpoints_[out], crossingBytes(payload, false), crossing);
  if (tracer_)
    tracer_->end();
  flight.arrival = nowPs() + crossing.value();
  flight.request_time = request.delivered_ps - arrival;
  // A network interface with an input buffer: the request is accepted once its head enters
  // the injection channel (the core books its way from there), whatever the target does; the
  // target's own acceptance holds later requests for it in the mesh (nb_forwarder.h).
  flight.accepted_at = request.start_ps;
  return true;
}

Picoseconds MeshModule::crossResponse(tlm::tlm_generic_payload& payload,
                                      const NbForwarder::Flight& flight, Picoseconds responded) {
  if (tracer_)
    tracer_->begin(flight.flow, payload.is_read() ? "read data" : "write ack",
                   output_endpoints_[flight.output], input_endpoints_[flight.input]);
  sc_core::sc_time crossing = sc_core::sc_time::from_value(responded - nowPs());
  const MeshTransferResult response =
      cross(output_endpoints_[flight.output], input_endpoints_[flight.input],
            crossingBytes(payload, true), crossing);
  if (tracer_)
    tracer_->end();
  recordTransaction(payload, flight.output,
                    flight.request_time + (response.delivered_ps - responded));
  return nowPs() + crossing.value();
}

void MeshModule::recordTransaction(const tlm::tlm_generic_payload& payload, std::size_t output,
                                   Picoseconds network_ps) {
  network_latency_ns_.record(static_cast<double>(network_ps) * 1e-3);
  ++output_counters_[output].transactions;
  output_counters_[output].bytes += payload.get_data_length();
  if (payload.is_read())
    ++reads_;
  else if (payload.is_write())
    ++writes_;
  if (!queued_ && (reads_ + writes_) % kRetireEvery == 0) {
    // No initiator can present a time before the current kernel time.
    network_.retire(nowPs());
  }
}

bool MeshModule::queueRequest(tlm::tlm_generic_payload& payload, const sc_core::sc_time& delay,
                              NbForwarder::Flight& flight) {
  if (!decodeRequest(payload, flight))
    return false;
  const Picoseconds presented = nowPs() + delay.value();
  // The network interface takes the request when it is presented; the core times its crossing
  // once the kernel reaches that time, and the forwarder sends it on when it is delivered.
  flight.accepted_at = presented;
  flight.arrival = NbForwarder::kLater;
  flight.request_time = presented;  // until delivered (advance())
  timed_crossings_.push({presented, next_timed_crossing_++, &payload, false});
  submit_event_.notify(sc_core::sc_time::from_value(presented - nowPs()));
  return true;
}

Picoseconds MeshModule::queueResponse(tlm::tlm_generic_payload& payload,
                                      NbForwarder::Flight& flight, Picoseconds responded) {
  flight.response_time = responded;
  timed_crossings_.push({responded, next_timed_crossing_++, &payload, true});
  submit_event_.notify(sc_core::sc_time::from_value(responded - nowPs()));
  return NbForwarder::kLater;
}

void MeshModule::submitDue() {
  // In time order, as the threads of b_transport hand theirs over (the core grants channels in
  // time order).
  const Picoseconds now = nowPs();
  while (!timed_crossings_.empty() && timed_crossings_.top().at <= now) {
    const TimedCrossing timed = timed_crossings_.top();
    timed_crossings_.pop();
    const NbForwarder::Flight& flight = forwarder_->flight(*timed.payload);
    const Endpoint& initiator = input_endpoints_[flight.input];
    const Endpoint& target = output_endpoints_[flight.output];
    const std::uint64_t id = next_crossing_++;
    QueuedCrossing& crossing = crossings_.insert(id);
    crossing.payload = timed.payload;
    crossing.response = timed.response;
    network_.submit(timed.response ? target : initiator, timed.response ? initiator : target,
                    crossingBytes(*timed.payload, timed.response), now, id);
  }
  advance_event_.notify(sc_core::SC_ZERO_TIME);
  if (!timed_crossings_.empty())
    submit_event_.notify(sc_core::sc_time::from_value(timed_crossings_.top().at - now));
}

void MeshModule::b_transport(int input, tlm::tlm_generic_payload& payload,
                             sc_core::sc_time& delay) {
  const TraceFlowScope flow(trace(), payload);
  NbForwarder::Flight flight;
  flight.input = static_cast<std::size_t>(input);
  flight.address = payload.get_address();
  flight.flow = flow.id();
  if (!crossRequest(payload, delay, flight))
    return;
  delay = sc_core::sc_time::from_value(flight.arrival - nowPs());
  payload.set_address(flight.local_address);
  (*outputs_[flight.output])->b_transport(payload, delay);
  payload.set_address(flight.address);  // an interconnect must restore what it translated
  // Re-read the time: a target may have waited.
  const Picoseconds delivered = crossResponse(payload, flight, nowPs() + delay.value());
  delay = sc_core::sc_time::from_value(delivered - nowPs());
}

tlm::tlm_sync_enum MeshModule::nb_transport_fw(int input, tlm::tlm_generic_payload& payload,
                                               tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  const TraceFlowScope flow(trace(), payload);
  return forwarder_->forward(static_cast<std::size_t>(input), payload, phase, delay, flow.id());
}

tlm::tlm_sync_enum MeshModule::nb_transport_bw(int output, tlm::tlm_generic_payload& payload,
                                               tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  return forwarder_->backward(static_cast<std::size_t>(output), payload, phase, delay);
}

MeshTransferResult MeshModule::cross(const Endpoint& from, const Endpoint& to, std::uint64_t bytes,
                                     sc_core::sc_time& delay) {
  if (!queued_) {
    const Picoseconds now = nowPs();
    const MeshTransferResult result = network_.transfer(from, to, bytes, now + delay.value());
    delay = sc_core::sc_time::from_value(result.delivered_ps - now);
    return result;
  }
  // The core grants channels in time order, so every crossing must reach it in time order:
  // the caller gives up its time offset here (b_transport may wait; initiators are threads).
  if (delay != sc_core::SC_ZERO_TIME) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
  if (free_events_.empty()) {
    events_.push_back(std::make_unique<sc_core::sc_event>());
    free_events_.push_back(events_.back().get());
  }
  sc_core::sc_event* delivered = free_events_.back();
  free_events_.pop_back();
  const std::uint64_t id = next_crossing_++;
  crossings_.insert(id).delivered = delivered;
  network_.submit(from, to, bytes, nowPs(), id);
  advance_event_.notify(sc_core::SC_ZERO_TIME);
  sc_core::wait(*delivered);
  const MeshTransferResult result = crossings_.find(id)->result;
  crossings_.erase(id);
  free_events_.push_back(delivered);
  return result;
}

void MeshModule::advance() {
  const Picoseconds now = nowPs();
  delivered_payloads_.clear();
  network_.advanceTo(now, [&](const MeshDelivery& delivery) {
    QueuedCrossing* crossing = crossings_.find(delivery.tag);
    if (crossing->payload != nullptr) {  // nb_transport: passed on below, outside the core
      delivered_payloads_.push_back(
          {delivery.result.delivered_ps, 0, crossing->payload, crossing->response});
      crossings_.erase(delivery.tag);
      return;
    }
    crossing->result = delivery.result;
    crossing->delivered->notify(sc_core::sc_time::from_value(delivery.result.delivered_ps - now));
  });
  for (const TimedCrossing& delivered : delivered_payloads_) {
    NbForwarder::Flight& flight = forwarder_->flight(*delivered.payload);
    if (!delivered.response) {
      flight.request_time = delivered.at - flight.request_time;  // the crossing's time
      forwarder_->requestDelivered(*delivered.payload, delivered.at);
    } else {
      recordTransaction(*delivered.payload, flight.output,
                        flight.request_time + (delivered.at - flight.response_time));
      forwarder_->responseDelivered(*delivered.payload, delivered.at);
    }
  }
  Picoseconds next = 0;
  if (network_.nextEventTime(next))
    advance_event_.notify(sc_core::sc_time::from_value(next - now));
}

unsigned int MeshModule::transport_dbg(int, tlm::tlm_generic_payload& payload) {
  const std::uint64_t address = payload.get_address();
  const int output = decode(address, payload.get_data_length());
  if (output < 0)
    return 0;
  const auto out = static_cast<std::size_t>(output);
  payload.set_address(address - ranges_[out].base);
  const unsigned int done = (*outputs_[out])->transport_dbg(payload);
  payload.set_address(address);
  return done;
}

}  // namespace spatialvp::interconnect
