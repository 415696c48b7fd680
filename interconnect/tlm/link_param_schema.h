#pragma once
// YAML parameters of a link direction (LinkParams) shared by the `mesh` and `d2d_link` module
// types: declaration with units and defaults, reading into LinkParams, and turning the timing
// cores' validation messages into located config errors on the parameter that caused them.
#include <string>
#include <vector>

#include "interconnect/link/link_params.h"
#include "platform/core/param_conversions.h"
#include "platform/core/param_schema.h"

namespace spatialvp::interconnect {

struct LinkParamDefaults {
  std::string bandwidth;
  std::string latency;
  std::string header;
};

// Declares <prefix>bandwidth, latency, header, flit and flit_overhead (prefix "" or "link.").
void declareLinkParams(ParamSchema& schema, const std::string& prefix,
                       const LinkParamDefaults& defaults, const std::string& what);
// Reads them back; energy stays 0 because energy is counted through the module's actions.
LinkParams readLinkParams(const ParamValues& params, const std::string& prefix);

// LinkParams field name ("bandwidth_bytes_per_second") -> parameter leaf name ("bandwidth");
// empty when the field has no parameter.
std::string linkParamFor(const std::string& field);

// A core validation message "scope.field: text" split into its field path and its text.
struct CoreProblem {
  std::string field;  // e.g. "mesh.link.latency_ps"
  std::string text;   // e.g. "expected <= ..., got ..."
};
CoreProblem splitCoreProblem(const std::string& message);

}  // namespace spatialvp::interconnect
