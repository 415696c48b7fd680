#include "interconnect/tlm/link_param_schema.h"

#include <limits>

namespace spatialvp::interconnect {

void declareLinkParams(ParamSchema& schema, const std::string& prefix,
                       const LinkParamDefaults& defaults, const std::string& what) {
  schema
      .quantity(prefix + "bandwidth", dims::bandwidth(), "Wire bandwidth per direction of " + what)
      .byDefault(defaults.bandwidth)
      .above(0);
  schema
      .quantity(prefix + "latency", dims::time(),
                "Flight latency (first bit out to first bit in) of " + what)
      .byDefault(defaults.latency)
      .atLeast(0);
  schema.quantity(prefix + "header", dims::data(), "Header bytes added to every packet on " + what)
      .byDefault(defaults.header)
      .atLeast(0);
  schema
      .quantity(prefix + "flit", dims::data(),
                "Flit size on " + what + "; 0 B = unframed byte stream")
      .byDefault("0 B")
      .atLeast(0);
  schema
      .quantity(prefix + "flit_overhead", dims::data(),
                "Header/CRC bytes inside every flit on " + what)
      .byDefault("0 B")
      .atLeast(0);
}

LinkParams readLinkParams(const ParamValues& params, const std::string& prefix) {
  constexpr std::uint64_t kMaxField = std::numeric_limits<std::uint32_t>::max();
  LinkParams link;
  link.bandwidth_bytes_per_second = params.quantity(prefix + "bandwidth");
  link.latency_ps = picosecondsOf(params, prefix + "latency");
  link.packet_header_bytes =
      static_cast<std::uint32_t>(wholeBytesOf(params, prefix + "header", kMaxField));
  link.flit_bytes = static_cast<std::uint32_t>(wholeBytesOf(params, prefix + "flit", kMaxField));
  link.flit_overhead_bytes =
      static_cast<std::uint32_t>(wholeBytesOf(params, prefix + "flit_overhead", kMaxField));
  return link;
}

std::string linkParamFor(const std::string& field) {
  if (field == "bandwidth_bytes_per_second")
    return "bandwidth";
  if (field == "latency_ps")
    return "latency";
  if (field == "packet_header_bytes")
    return "header";
  if (field == "flit_bytes")
    return "flit";
  if (field == "flit_overhead_bytes")
    return "flit_overhead";
  return "";
}

CoreProblem splitCoreProblem(const std::string& message) {
  const std::size_t colon = message.find(": ");
  if (colon == std::string::npos)
    return {"", message};
  return {message.substr(0, colon), message.substr(colon + 2)};
}

}  // namespace spatialvp::interconnect
