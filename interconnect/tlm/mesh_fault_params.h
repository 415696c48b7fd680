#pragma once
// The `faults.*` parameters of the `mesh` module type: the wafer's fault map, stated once on
// the mesh that owns the dies' routers and links and read by every module bound to it
// (MeshTopologySource::faults). Lists name dies as "x<X>y<Y>" or node ids, links as two
// neighbouring dies "x3y2-x4y2"; densities sample further faults with faults.seed.
#include <string>
#include <utility>
#include <vector>

#include "interconnect/mesh/mesh_network.h"
#include "interconnect/mesh/wafer_faults.h"
#include "platform/core/param_schema.h"

namespace spatialvp::interconnect {

void declareFaultParams(ParamSchema& schema);
// Every faults.* parameter at the value that means "no faults" (the fault-free twin of a run).
std::vector<std::pair<std::string, std::string>> faultFreeParamValues();
// Reads the spec; a die or link that is not on the `width` x `height` mesh is a located error.
WaferFaultSpec readFaultSpec(const ParamValues& params, std::uint32_t width, std::uint32_t height);
// Builds the network from `config`, turning a FaultSpecError into a located config error on
// the faults.* parameter (and list element) behind it.
MeshNetwork buildMeshNetwork(const ParamValues& params, const MeshConfig& config);

}  // namespace spatialvp::interconnect
