#pragma once
// Pass-through module that checks TLM-2.0 base-protocol rules on one connection: valid
// command, data pointer and lengths; the target sets a response status; the target leaves the
// command, address, data pointer and lengths as they were; delays never decrease; no payload is
// re-entered while in flight; nb_transport phases follow the 4-phase order; accesses stay in
// the declared address window. Elaboration inserts it on connections marked `check: true`
// (or all, with platform.protocol_checks) and tests insert it on the sockets they exercise.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "platform/sim/module.h"
#include "platform/sim/module_registry.h"

namespace spatialvp {

class ProtocolChecker : public Module {
 public:
  ProtocolChecker(sc_core::sc_module_name name, const ModuleContext& context);

  InitiatorSocket* initiatorSocket(const std::string& port, std::size_t index) override;
  TargetSocket* targetSocket(const std::string& port, std::size_t index) override;
  void reportStats(ModuleStats& stats) const override;

  std::uint64_t violations() const { return violations_; }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& payload);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  void checkRequest(const tlm::tlm_generic_payload& payload, const char* interface);
  void violation(const std::string& rule, const std::string& detail);
  void advancePhase(const tlm::tlm_generic_payload& payload, const tlm::tlm_phase& phase,
                    bool forward);

  tlm_utils::simple_target_socket<ProtocolChecker> in_{"in"};
  tlm_utils::simple_initiator_socket<ProtocolChecker> out_{"out"};
  bool fail_on_violation_;
  bool check_range_;
  std::uint64_t range_base_;
  std::uint64_t range_size_;

  std::set<const tlm::tlm_generic_payload*> in_flight_;
  std::map<const tlm::tlm_generic_payload*, int> phase_of_;  // last phase seen per payload
  std::uint64_t transactions_ = 0;
  std::uint64_t violations_ = 0;
  std::map<std::string, std::uint64_t> violations_by_rule_;
  std::vector<std::string> messages_;
};

void registerProtocolChecker(ModuleRegistry& registry);

}  // namespace spatialvp
