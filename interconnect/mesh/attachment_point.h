#pragma once
// Mesh attachment points as YAML writes them (the mesh module's in_nodes / out_nodes, the
// Spatial-STAR HBM stacks): a node id "5", "x<X>y<Y>" (a node's local port), or an edge port
// "N<X>", "S<X>" (column X) or "E<Y>", "W<Y>" (row Y). Callers word their own errors.
#include <cstdint>
#include <optional>
#include <string>

#include "interconnect/mesh/mesh_types.h"

namespace spatialvp::interconnect {

struct AttachmentPoint {
  std::optional<Endpoint> endpoint;  // set when `text` names a point of the mesh
  // Well-formed but outside the mesh: what lies outside ("node 17", "router (4, 1)",
  // "column 5", "row 7"). Empty with no endpoint: not an attachment point at all.
  std::string outside;
};

AttachmentPoint parseAttachmentPoint(const std::string& text, std::uint32_t width,
                                     std::uint32_t height);

}  // namespace spatialvp::interconnect
