#include "platform/sim/burst_transfer.h"

#include <algorithm>
#include <systemc>

#include "platform/sim/kernel_time.h"
#include "platform/sim/trace_flow.h"

namespace spatialvp {

BurstTransfer burstTransfer(tlm::tlm_fw_transport_if<>& target, std::vector<unsigned char>& buffer,
                            std::uint64_t base, std::uint64_t window, std::uint64_t& cursor,
                            std::uint64_t bytes, std::uint64_t burst, bool write, Picoseconds at,
                            const std::string& what, TraceSite site) {
  tlm::tlm_generic_payload payload;
  payload.set_data_ptr(buffer.data());
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
  payload.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  const auto now = nowPs();
  BurstTransfer result{at, 0};
  const std::uint64_t first_address =
      base + (cursor + std::min(bytes, burst) > window ? 0 : cursor);
  const std::uint64_t total = bytes;
  std::vector<std::uint64_t> flows;
  while (bytes > 0) {
    const std::uint64_t chunk = std::min(bytes, burst);
    if (cursor + chunk > window)
      cursor = 0;
    payload.set_address(base + cursor);
    payload.set_data_length(static_cast<unsigned int>(chunk));
    payload.set_streaming_width(static_cast<unsigned int>(chunk));
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    // The bursts stay in flight back to back; the targets' contention models space them.
    sc_core::sc_time delay = sc_core::sc_time::from_value(at - now);
    {
      const TraceFlowScope flow(site.writer, payload);
      if (site.writer != nullptr)
        flows.push_back(flow.id());
      target.b_transport(payload, delay);
    }
    if (payload.is_response_error()) {
      SC_REPORT_ERROR("spatialvp/dma",
                      (what + " failed: " + payload.get_response_string()).c_str());
    }
    ++result.transactions;
    result.done = std::max(result.done, now + static_cast<Picoseconds>(delay.value()));
    cursor += chunk;
    bytes -= chunk;
  }
  if (site.writer != nullptr) {
    TraceArgs args;
    args.bytes = total;
    args.address = first_address;
    const auto span =
        site.writer->complete(site.track, write ? "write" : "read", at, result.done - at, args);
    for (const std::uint64_t flow : flows)
      site.writer->joinFlow(span, flow);
  }
  return result;
}

}  // namespace spatialvp
