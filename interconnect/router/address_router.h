#pragma once
// Address decoder/router: N input target sockets, one output initiator socket per address
// range. Adds a fixed traversal latency and per-output bandwidth contention, translates the
// address to the range's local offset, and answers unmapped addresses with an address error.
// b_transport and nb_transport are forwarded as they come: an initiator keeping several
// requests in flight through nb_transport keeps them in flight at the target. The router keeps
// the base protocol's exclusion rules on both sides: one request per output awaiting its END_REQ
// (later ones wait in the router, in arrival order) and one response per input awaiting its
// END_RESP (later ones wait likewise).
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "platform/core/contention_timeline.h"
#include "platform/sim/address_window.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::interconnect {

class AddressRouter : public Module, public AddressDecoder {
 public:
  AddressRouter(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  std::size_t portWidth(const std::string& port) const override;
  void reportStats(ModuleStats& stats) const override;
  // Its ranges, for windows checked at elaboration (platform/sim/address_window.h).
  std::optional<Route> routeOf(std::uint64_t address) const override;
  std::string whereRangesWritten() const override;
  // Checks that each range exists behind its output (memory capacity, further decoders).
  void connected(const PlatformView& view) override;

 private:
  struct Range {
    std::uint64_t base;
    std::uint64_t size;
  };
  void b_transport(int input, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(int input, tlm::tlm_generic_payload& payload);
  int decode(std::uint64_t address, std::uint64_t length) const;
  // Decodes a request and books its output's bandwidth: the output, or -1 (address error set).
  // `arrival` is when it reaches the target (absolute); `flow` is its trace flow.
  int route(tlm::tlm_generic_payload& payload, const sc_core::sc_time& delay, std::uint64_t flow,
            Picoseconds& arrival);

  // nb_transport: a transaction between its BEGIN_REQ and its end, by payload.
  struct Flight {
    std::size_t input = 0;
    std::size_t output = 0;
    std::uint64_t address = 0;    // the initiator's (restored when the response goes back)
    Picoseconds arrival = 0;      // at the target
    Picoseconds response_at = 0;  // a queued response: when the target gave it
    bool accepted = false;        // the initiator has its END_REQ (or its response)
    bool target_done = false;     // the target needs no END_RESP from the router
  };
  // Where the outcome goes: back in the initiator's own nb_transport_fw call; on its backward
  // path from the router's own method (queued requests and responses); or on its backward path
  // from inside the target's nb_transport_bw call (whose return tells the target the rest).
  enum class Answer { kInCall, kBackward, kTargetCall };
  tlm::tlm_sync_enum nb_transport_fw(int input, tlm::tlm_generic_payload& payload,
                                     tlm::tlm_phase& phase, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int output, tlm::tlm_generic_payload& payload,
                                     tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // Sends BEGIN_REQ to the flight's output and passes the outcome to the initiator.
  tlm::tlm_sync_enum sendRequest(tlm::tlm_generic_payload& payload, Flight& flight, Answer answer,
                                 tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // The target answered (BEGIN_RESP, or completed): to the initiator now if its input has no
  // response outstanding, else queued (the initiator gets its END_REQ meanwhile).
  tlm::tlm_sync_enum respond(tlm::tlm_generic_payload& payload, Flight& flight, Answer answer,
                             tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // The initiator took the response (its END_RESP, or TLM_COMPLETED): END_RESP to the target if
  // it waits for one, and the flight ends.
  void endResponse(tlm::tlm_generic_payload& payload);
  void releaseOutput(std::size_t output);  // its request got END_REQ: send the next one
  void releaseInput(std::size_t input);    // its response ended: send the next one
  void pump();                             // method: queued requests and responses, in order
  Flight& flightOf(tlm::tlm_generic_payload& payload);

  std::vector<std::unique_ptr<tlm_utils::simple_target_socket_tagged<AddressRouter>>> inputs_;
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket_tagged<AddressRouter>>> outputs_;
  std::unordered_map<const tlm::tlm_generic_payload*, Flight> flights_;
  struct OutputState {
    tlm::tlm_generic_payload* awaiting_end_req = nullptr;
    std::deque<tlm::tlm_generic_payload*> requests;  // waiting for the output, in arrival order
  };
  struct InputState {
    tlm::tlm_generic_payload* awaiting_end_resp = nullptr;
    std::deque<tlm::tlm_generic_payload*> responses;  // waiting for the input
  };
  std::vector<OutputState> output_state_;
  std::vector<InputState> input_state_;
  sc_core::sc_event pump_event_;
  std::uint64_t queued_requests_ = 0;
  std::uint64_t queued_responses_ = 0;
  std::vector<Range> ranges_;
  std::vector<ContentionTimeline> output_ports_;
  Picoseconds latency_;
  double bandwidth_;

  std::vector<std::uint64_t> forwarded_;
  std::vector<std::uint64_t> forwarded_bytes_;
  std::uint64_t decode_errors_ = 0;
};

void registerAddressRouter(ModuleRegistry& registry);

}  // namespace spatialvp::interconnect
