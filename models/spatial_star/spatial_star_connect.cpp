// The Spatial-STAR orchestrator against the mesh it is bound to. The mesh owns the grid, where
// each port attaches and which address range each output serves; the orchestrator names HBM
// stacks by attachment point and reaches them (and the cores' SRAM windows) by address. Both
// views must agree, or DMA would silently cross the mesh to a different node than the plan
// assumes; a disagreement is a located configuration error.
#include "interconnect/tlm/mesh_topology_source.h"
#include "models/spatial_star/spatial_star_orchestrator.h"

#include <sstream>

namespace spatialvp::models::spatial_star {

namespace {

using interconnect::Endpoint;
using interconnect::Port;

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

bool sameAttachment(const Endpoint& endpoint, const MeshPoint& point, std::uint32_t width) {
  return endpoint.router == point.y * width + point.x &&
         (endpoint.port != Port::kLocal) == point.edge;
}

}  // namespace

void SpatialStarOrchestrator::connected(const PlatformView& view) {
  const auto peer = view.targetOf(*this, "mesh", 0);
  const auto* mesh =
      peer ? dynamic_cast<const interconnect::MeshTopologySource*>(peer->module) : nullptr;
  if (!mesh) {
    params().fail("mesh_width",
                  "mesh[] must be bound to the in[] ports of a `mesh` module, "
                  "which owns the core grid and the address map");
  }
  const std::uint32_t width = mesh->meshConfig().width;
  if (width != config_.mesh_width || mesh->meshConfig().height != config_.mesh_height) {
    params().fail("mesh_width", "the plan assumes a " + std::to_string(config_.mesh_width) + " x " +
                                    std::to_string(config_.mesh_height) +
                                    " mesh, but mesh[] is bound to a " + std::to_string(width) +
                                    " x " + std::to_string(mesh->meshConfig().height) + " mesh (" +
                                    mesh->whereWritten("width") + ")");
  }
  if (!mesh->faults().empty()) {  // the ring and head plans assume every core and link
    params().fail("mesh_width",
                  "the Spatial-STAR plans do not route around faults, but the mesh bound to "
                  "mesh[] has some (its faults.* parameters)");
  }
  // Where an address lands, as "out[j] at N1", for messages.
  auto landing = [&](std::uint64_t address) -> std::string {
    const auto out = mesh->outputFor(address);
    if (!out)
      return "no output of the mesh";
    return "out[" + std::to_string(*out) + "] at " +
           interconnect::describeAttachment(mesh->outputAttachments()[*out], width);
  };
  auto coversWindow = [&](std::uint64_t base, std::uint64_t size) {
    const auto first = mesh->outputFor(base);
    return first && size > 0 && mesh->outputFor(base + size - 1) == first;
  };

  for (std::size_t core = 0; core < mesh_.size(); ++core) {
    const MeshPoint here{static_cast<std::uint32_t>(core % width),
                         static_cast<std::uint32_t>(core / width), false};
    const auto in = view.targetOf(*this, "mesh", core);
    if (!in || in->module != peer->module || in->index >= mesh->inputAttachments().size() ||
        !sameAttachment(mesh->inputAttachments()[in->index], here, width)) {
      params().fail("cores", "core " + std::to_string(core) + " sits at node " +
                                 std::to_string(core) + ", but mesh[" + std::to_string(core) +
                                 "] is not bound to a mesh input at that node (" +
                                 mesh->whereWritten("in_nodes") + ")");
    }
    const std::uint64_t window = sram_base_ + core * sram_stride_;
    const auto out = mesh->outputFor(window);
    if (!out || !sameAttachment(mesh->outputAttachments()[*out], here, width) ||
        !coversWindow(window, sram_window_)) {
      params().fail("sram_base", "core " + std::to_string(core) + "'s SRAM window [" + hex(window) +
                                     ", +" + std::to_string(sram_window_) +
                                     " B) must lie in one mesh output at node " +
                                     std::to_string(core) + "; it starts in " + landing(window) +
                                     " (" + mesh->whereWritten("out_base_addresses") + ")");
    }
  }
  const auto& names = params().strings("hbm_nodes");
  for (std::size_t stack = 0; stack < hbm_points_.size(); ++stack) {
    const std::uint64_t base = hbm_bases_[stack];
    const auto out = mesh->outputFor(base);
    if (!out || !sameAttachment(mesh->outputAttachments()[*out], hbm_points_[stack], width) ||
        !coversWindow(base, hbm_size_)) {
      params().fail("hbm_nodes", "HBM stack " + std::to_string(stack) + " is placed at " +
                                     names[stack] + " and addressed from " + hex(base) + " (" +
                                     std::to_string(hbm_size_) +
                                     " B), but the mesh routes that address to " + landing(base) +
                                     " (" + mesh->whereWritten("out_nodes") + ", " +
                                     mesh->whereWritten("out_base_addresses") + ")");
    }
  }
}

}  // namespace spatialvp::models::spatial_star
