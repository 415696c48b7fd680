#pragma once
// The `mesh` module type: a TLM-2.0 wrapper around the MeshNetwork timing core. Initiators
// attach to in[i] at a mesh node or edge port, targets to out[j]; a transaction is routed by
// address to out[j], crosses the mesh (request packet(s) there, response packet(s) back) and is
// forwarded with its address translated to the range's offset. See interconnect/README.md;
// construction, parameters and stats are in mesh_module.cpp, the transport paths in
// mesh_transport.cpp.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "interconnect/mesh/mesh_network.h"
#include "interconnect/tlm/mesh_topology_source.h"
#include "interconnect/tlm/mesh_trace_recorder.h"
#include "interconnect/tlm/nb_forwarder.h"
#include "platform/core/histogram.h"
#include "platform/core/sequential_id_map.h"
#include "platform/sim/fault_source.h"
#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp::interconnect {

class MeshModule : public Module, public MeshTopologySource, public FaultSource {
 public:
  MeshModule(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  std::size_t portWidth(const std::string& port) const override;
  void reportStats(ModuleStats& stats) const override;
  std::vector<std::pair<std::string, std::string>> faultFreeParams() const override;

  // MeshTopologySource: the facts this mesh owns, for the modules bound to it.
  const MeshConfig& meshConfig() const override { return network_.config(); }
  const std::vector<Endpoint>& inputAttachments() const override { return input_endpoints_; }
  const std::vector<Endpoint>& outputAttachments() const override { return output_endpoints_; }
  std::optional<std::size_t> outputFor(std::uint64_t address) const override;
  std::string whereWritten(const std::string& param) const override;
  const WaferFaults& faults() const override { return network_.faults(); }

 private:
  struct AddressRange {
    std::uint64_t base;
    std::uint64_t size;
  };
  struct PortCounters {
    std::uint64_t transactions = 0;
    std::uint64_t bytes = 0;
  };

  // A crossing waiting for the arrival-order core: its result, and the event that wakes the
  // calling thread when the last tail has been delivered.
  struct QueuedCrossing {
    sc_core::sc_event* delivered = nullptr;
    MeshTransferResult result;
    // nb_transport: the transaction whose request or response this is (delivered unused).
    tlm::tlm_generic_payload* payload = nullptr;
    bool response = false;
  };
  // arrival_order and nb_transport: a crossing to hand to the core at its time (or, in
  // advance(), one it has delivered at that time).
  struct TimedCrossing {
    Picoseconds at = 0;
    std::uint64_t order = 0;  // ties: in the order they came
    tlm::tlm_generic_payload* payload = nullptr;
    bool response = false;
    bool operator>(const TimedCrossing& other) const {
      return at != other.at ? at > other.at : order > other.order;
    }
  };

  void b_transport(int input, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  // nb_transport, forwarded as it comes (nb_forwarder.h): the request crosses when it enters,
  // the response when the target gives it.
  tlm::tlm_sync_enum nb_transport_fw(int input, tlm::tlm_generic_payload& payload,
                                     tlm::tlm_phase& phase, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int output, tlm::tlm_generic_payload& payload,
                                     tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // Counts a request and decodes it: fills the flight's output and local address; false:
  // address error set.
  bool decodeRequest(tlm::tlm_generic_payload& payload, NbForwarder::Flight& flight);
  // Payload bytes of a transaction's request or response packet(s).
  std::uint64_t crossingBytes(const tlm::tlm_generic_payload& payload, bool response) const;
  // Decodes a request and sends it across: fills the flight's output, local address, arrival at
  // the target and request crossing time (`request_time`); false: address error set.
  bool crossRequest(tlm::tlm_generic_payload& payload, const sc_core::sc_time& delay,
                    NbForwarder::Flight& flight);
  // Sends the response back from a target that gave it at `responded`, records the transaction
  // and returns when it reaches the initiator.
  Picoseconds crossResponse(tlm::tlm_generic_payload& payload, const NbForwarder::Flight& flight,
                            Picoseconds responded);
  // arrival_order, nb_transport: the same, with the crossing handed to the core at its time
  // (submitDue()) and passed on when delivered (advance()).
  bool queueRequest(tlm::tlm_generic_payload& payload, const sc_core::sc_time& delay,
                    NbForwarder::Flight& flight);
  Picoseconds queueResponse(tlm::tlm_generic_payload& payload, NbForwarder::Flight& flight,
                            Picoseconds responded);
  void submitDue();  // method on submit_event_
  // Latency histogram, per-output counters and the retire cadence of one finished transaction.
  void recordTransaction(const tlm::tlm_generic_payload& payload, std::size_t output,
                         Picoseconds network_ps);
  // One crossing of the mesh, ready at now + delay; returns with delay grown to its delivery.
  // presentation_order: booked at once. arrival_order: the calling thread waits until the
  // crossing is ready and then until it has been delivered (delay 0 on return).
  MeshTransferResult cross(const Endpoint& from, const Endpoint& to, std::uint64_t bytes,
                           sc_core::sc_time& delay);
  // arrival_order: runs the core up to the current time and wakes delivered crossings.
  void advance();
  unsigned int transport_dbg(int input, tlm::tlm_generic_payload& payload);
  int decode(std::uint64_t address, std::uint64_t length) const;
  void reportChannels(ModuleStats& stats, double simulated_seconds) const;

  MeshNetwork network_;
  std::vector<Endpoint> input_endpoints_;
  std::vector<Endpoint> output_endpoints_;
  std::vector<AddressRange> ranges_;
  std::uint64_t control_bytes_;  // payload of a read request or a write acknowledgement

  std::vector<std::unique_ptr<tlm_utils::simple_target_socket_tagged<MeshModule>>> inputs_;
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket_tagged<MeshModule>>> outputs_;
  std::unique_ptr<NbForwarder> forwarder_;

  std::vector<PortCounters> input_counters_;
  std::vector<PortCounters> output_counters_;
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
  std::uint64_t decode_errors_ = 0;
  Histogram network_latency_ns_{1.0, 1000};    // request + response crossing, target excluded
  std::unique_ptr<MeshTraceRecorder> tracer_;  // only in traced runs
  // arbitration arrival_order only.
  bool queued_ = false;
  sc_core::sc_event advance_event_;
  SequentialIdMap<QueuedCrossing> crossings_;
  std::uint64_t next_crossing_ = 0;
  std::vector<std::unique_ptr<sc_core::sc_event>> events_;  // every event ever made
  std::vector<sc_core::sc_event*> free_events_;
  std::priority_queue<TimedCrossing, std::vector<TimedCrossing>, std::greater<TimedCrossing>>
      timed_crossings_;
  std::uint64_t next_timed_crossing_ = 0;
  sc_core::sc_event submit_event_;
  std::vector<TimedCrossing> delivered_payloads_;  // advance()'s scratch
};

void registerMeshModule(ModuleRegistry& registry);

}  // namespace spatialvp::interconnect
