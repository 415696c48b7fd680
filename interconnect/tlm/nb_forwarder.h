#pragma once
// nb_transport through an interconnect module with several inputs and outputs (`router`,
// `mesh`): forwards each BEGIN_REQ to the output the module chose as it comes, passes END_REQ,
// BEGIN_RESP and END_RESP through, and keeps the TLM-2.0 base protocol's exclusion rules on both
// sides. While an output's target has a request without its END_REQ (a target that accepts
// later, such as one serving nb_transport through b_transport), later requests for it wait here
// in arrival order; while an input's initiator has a response without its END_RESP, later
// responses for it wait likewise, and the initiator gets END_REQ meanwhile. The module decides
// the timing: when a request reaches its target (`Route`) and when a response reaches its
// initiator (`Respond`). The address the module translated is restored when the response goes
// back to the initiator.
#include <tlm>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "platform/core/contention_timeline.h"  // Picoseconds
#include "platform/core/module_stats.h"

namespace spatialvp::interconnect {

class NbForwarder {
 public:
  // A transaction between its BEGIN_REQ and its end.
  struct Flight {
    std::size_t input = 0;
    std::size_t output = 0;
    std::uint64_t address = 0;        // the initiator's
    std::uint64_t local_address = 0;  // the target's
    Picoseconds arrival = 0;          // when the request reaches the target
    std::uint64_t flow = 0;           // trace flow (0: not traced)
    Picoseconds request_time = 0;     // the module's own records (mesh: the request's crossing,
    Picoseconds response_time = 0;    // and when the target responded)
    Picoseconds response_at = 0;      // a queued response: when it reaches the initiator
    // When the interconnect itself accepts the request (END_REQ to the initiator whatever the
    // target does, as a network interface with an input buffer); kOnTarget: when the target
    // accepts it.
    Picoseconds accepted_at = kOnTarget;
    bool accepted = false;     // the initiator has its END_REQ (or its response)
    bool target_done = false;  // the target needs no END_RESP
  };
  static constexpr Picoseconds kOnTarget = ~Picoseconds{0};
  // A time the module does not know yet: it reports it later (requestDelivered(),
  // responseDelivered()).
  static constexpr Picoseconds kLater = ~Picoseconds{0} - 1;
  // Where a request goes: fills `output`, `local_address` and `arrival` (kLater: reported by
  // requestDelivered(); the request must then be accepted on entry, `accepted_at`) and may set
  // `request_time`; returns true, or sets the payload's error response and returns false
  // (answered in the call). `delay` is the initiator's.
  using Route =
      std::function<bool(tlm::tlm_generic_payload&, const sc_core::sc_time& delay, Flight&)>;
  // When a response the target gave at `responded` (absolute) reaches the initiator (kLater:
  // reported by responseDelivered()).
  using Respond =
      std::function<Picoseconds(tlm::tlm_generic_payload&, Flight&, Picoseconds responded)>;
  // A call on output `port`'s forward path or input `port`'s backward path.
  using Call = std::function<tlm::tlm_sync_enum(std::size_t port, tlm::tlm_generic_payload&,
                                                tlm::tlm_phase&, sc_core::sc_time&)>;

  // Call during elaboration (it makes a method process of the current module). `owner` names
  // the module in error messages.
  NbForwarder(std::string owner, std::size_t inputs, std::size_t outputs, Route route,
              Respond respond, Call to_target, Call to_initiator);
  // The same over a module's sockets (vectors of pointers to tagged simple sockets, which must
  // outlive the forwarder): input i's backward path and output j's forward path.
  template <class Inputs, class Outputs>
  NbForwarder(std::string owner, Inputs& inputs, Outputs& outputs, Route route, Respond respond)
      : NbForwarder(
            std::move(owner), inputs.size(), outputs.size(), std::move(route), std::move(respond),
            [&outputs](std::size_t output, tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                       sc_core::sc_time& delay) {
              return (*outputs[output])->nb_transport_fw(payload, phase, delay);
            },
            [&inputs](std::size_t input, tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                      sc_core::sc_time& delay) {
              return (*inputs[input])->nb_transport_bw(payload, phase, delay);
            }) {}

  // Input `input`'s nb_transport_fw (BEGIN_REQ, END_RESP); `flow` is the request's trace flow.
  tlm::tlm_sync_enum forward(std::size_t input, tlm::tlm_generic_payload& payload,
                             tlm::tlm_phase& phase, sc_core::sc_time& delay, std::uint64_t flow);
  // Output `output`'s nb_transport_bw (END_REQ, BEGIN_RESP).
  tlm::tlm_sync_enum backward(std::size_t output, tlm::tlm_generic_payload& payload,
                              tlm::tlm_phase& phase, sc_core::sc_time& delay);

  // A request whose route said kLater reaches its target's side at `arrival` (absolute, not
  // before the current time); call from a process of the module, not from inside a transport
  // call of the forwarder.
  void requestDelivered(tlm::tlm_generic_payload& payload, Picoseconds arrival);
  // A response whose Respond said kLater reaches its initiator's side at `arrival` (likewise).
  void responseDelivered(tlm::tlm_generic_payload& payload, Picoseconds arrival);
  // A flight the forwarder carries (the module's own records in it).
  Flight& flight(tlm::tlm_generic_payload& payload) { return flightOf(payload); }

  // `queued_requests` and `queued_responses`; `where` names the interconnect ("the router").
  void reportStats(ModuleStats& stats, const std::string& where) const;

 private:
  // Where the outcome goes: back in the initiator's own nb_transport_fw call; on its backward
  // path from this forwarder's method (queued requests and responses); or on its backward path
  // from inside the target's nb_transport_bw call (whose return tells the target the rest).
  enum class Answer { kInCall, kBackward, kTargetCall };
  Flight& flightOf(tlm::tlm_generic_payload& payload);  // a fatal error if not carried
  tlm::tlm_sync_enum phaseError(const char* call, const char* expected) const;
  // Sends the request to its output now, or queues it while the output's target has one without
  // END_REQ (the initiator gets END_REQ meanwhile if the module accepted it on entry).
  tlm::tlm_sync_enum sendOrQueue(tlm::tlm_generic_payload& payload, Flight& flight, Answer answer,
                                 tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // Sends BEGIN_REQ to the flight's output (no earlier than the END_REQ of the request before
  // it there) and passes the outcome to the initiator.
  tlm::tlm_sync_enum sendRequest(tlm::tlm_generic_payload& payload, Flight& flight, Answer answer,
                                 tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // END_REQ to the initiator (at now + delay, or at the flight's own acceptance), unless it has
  // it: in the return (kInCall, through phase and delay) or on its backward path.
  tlm::tlm_sync_enum acceptRequest(tlm::tlm_generic_payload& payload, Flight& flight, Answer answer,
                                   tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // The target answered at now + delay (BEGIN_RESP, or completed): the module times the way
  // back, then deliverResponse(), or later (responseDelivered()).
  tlm::tlm_sync_enum respond(tlm::tlm_generic_payload& payload, Flight& flight, Answer answer,
                             tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // A response that does not go to the initiator now (on its way back, or queued): the initiator
  // gets END_REQ; a target's BEGIN_RESP is answered TLM_ACCEPTED (END_RESP follows).
  tlm::tlm_sync_enum holdResponse(tlm::tlm_generic_payload& payload, Flight& flight, Answer answer,
                                  tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // The response reaches the initiator's side at now + delay: to the initiator now if its input
  // has no response outstanding, else queued.
  tlm::tlm_sync_enum deliverResponse(tlm::tlm_generic_payload& payload, Flight& flight,
                                     Answer answer, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // The initiator took the response: END_RESP to the target if it waits for one; the flight ends.
  void endResponse(tlm::tlm_generic_payload& payload);
  void pump();  // method: queued requests and responses, in order

  std::string owner_;
  Route route_;
  Respond respond_;
  Call to_target_;
  Call to_initiator_;
  std::unordered_map<const tlm::tlm_generic_payload*, Flight> flights_;
  struct OutputState {
    tlm::tlm_generic_payload* awaiting_end_req = nullptr;
    Picoseconds free_at = 0;  // the END_REQ time of the last request sent there
    std::deque<tlm::tlm_generic_payload*> requests;  // waiting for the output, in arrival order
  };
  struct InputState {
    tlm::tlm_generic_payload* awaiting_end_resp = nullptr;
    std::deque<tlm::tlm_generic_payload*> responses;  // waiting for the input
  };
  std::vector<OutputState> outputs_;
  std::vector<InputState> inputs_;
  sc_core::sc_event pump_event_;
  std::uint64_t queued_requests_ = 0;
  std::uint64_t queued_responses_ = 0;
};

}  // namespace spatialvp::interconnect
