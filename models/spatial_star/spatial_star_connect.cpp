// The Spatial-STAR orchestrator against the mesh it is bound to. The mesh owns the grid (one
// core per node: the orchestrator plans on it), where each port attaches and which address
// range each output serves; the orchestrator names HBM stacks by attachment point and reaches
// them (and the cores' SRAM and control windows) by address. Both views must agree, or DMA would
// silently cross the mesh to a different node than the plan assumes; a disagreement is a
// located configuration error.
#include "interconnect/tlm/mesh_topology_source.h"
#include "models/spatial_star/spatial_star_core_work.h"
#include "models/spatial_star/spatial_star_orchestrator.h"
#include "models/star/star_stage_unit.h"

namespace spatialvp::models::spatial_star {

namespace {

using interconnect::Endpoint;
using interconnect::Port;

bool sameAttachment(const Endpoint& endpoint, const MeshPoint& point, std::uint32_t width) {
  return endpoint.router == point.y * width + point.x &&
         (endpoint.port != Port::kLocal) == point.edge;
}

}  // namespace

void SpatialStarOrchestrator::connected(const PlatformView& view) {
  using interconnect::MeshTopologySource;
  const auto network_port = view.targetOf(*this, "control", 0);
  const auto* network =
      network_port ? dynamic_cast<const MeshTopologySource*>(network_port->module) : nullptr;
  if (!network) {
    params().fail("control",
                  "control must be bound to an in[] port of a `mesh` module (the control "
                  "network), which owns the core grid");
  }
  // The grid is the meshes': one STAR core per node.
  const std::uint32_t width = network->meshConfig().width;
  const std::uint32_t height = network->meshConfig().height;
  plan(width, height);

  // Each core: the module behind its control window, and the data mesh its `mesh` port enters
  // at its own node.
  const MeshTopologySource* mesh = nullptr;
  std::vector<std::size_t> core_buffers(cores_.size(), 0);
  for (std::size_t core = 0; core < cores_.size(); ++core) {
    const MeshPoint here{static_cast<std::uint32_t>(core % width),
                         static_cast<std::uint32_t>(core / width), false};
    const std::uint64_t control = cores_[core].control;
    const auto out = network->outputFor(control);
    if (!out || !sameAttachment(network->outputAttachments()[*out], here, width) ||
        network->outputFor(control + kDescriptorBytes - 1) != out) {
      params().fail("control_base",
                    "core " + std::to_string(core) + "'s control window at " + hexAddress(control) +
                        " must lie in one output of the control network at node " +
                        std::to_string(core) + " (" + network->whereWritten("out_nodes") + ", " +
                        network->whereWritten("out_base_addresses") + ")");
    }
    const auto controller = view.targetOf(*network_port->module, "out", *out);
    const auto data = controller ? view.targetOf(*controller->module, "mesh", 0) : std::nullopt;
    const auto* data_mesh = data ? dynamic_cast<const MeshTopologySource*>(data->module) : nullptr;
    const std::string who = controller ? controller->module->instanceName() : "core";
    if (!data_mesh) {
      params().fail("control", who + " (core " + std::to_string(core) +
                                   ") must have its `mesh` port bound to an in[] port of the "
                                   "data mesh");
    }
    if (mesh != nullptr && data_mesh != mesh)
      params().fail("control", "every core's `mesh` port must enter the same data mesh");
    mesh = data_mesh;
    // The ring's flow control counts the successor's buffers; a ring member needs one to
    // receive into while it computes on another.
    const auto* facts = dynamic_cast<const SpatialStarCoreFacts*>(controller->module);
    if (!facts) {
      params().fail("control", who + " behind core " + std::to_string(core) +
                                   "'s control window is not a Spatial-STAR core controller "
                                   "(it must implement SpatialStarCoreFacts, as "
                                   "spatial_star_core does)");
    }
    const CoreGroup& group = plan_.groups[plan_.cores[core].group];
    if (group.circulate && group.cores.size() > 1 && facts->kvBuffers() < 2)
      facts->failKvBuffers("a ring member needs at least 2 buffers (receive + compute)");
    core_buffers[core] = facts->kvBuffers();
    star::checkTokenSramWindow(view, *controller->module, params(), config_.layer.token_sram_bytes);
    if (data->index >= mesh->inputAttachments().size() ||
        !sameAttachment(mesh->inputAttachments()[data->index], here, width)) {
      params().fail("control", who + " is core " + std::to_string(core) + " at node " +
                                   std::to_string(core) + ", but its mesh port is bound to in[" +
                                   std::to_string(data->index) + "], not at that node (" +
                                   mesh->whereWritten("in_nodes") + ")");
    }
  }
  for (std::size_t core = 0; core < cores_.size(); ++core) {
    CoreAssignment& assignment = cores_[core].assignment;
    if (assignment.forwards) {
      const CoreGroup& group = plan_.groups[plan_.cores[core].group];
      const std::size_t position = plan_.cores[core].position;
      assignment.successor_kv_buffers =
          core_buffers[group.cores[(position + 1) % group.cores.size()]];
    }
  }
  if (mesh->meshConfig().width != width || mesh->meshConfig().height != height) {
    params().fail("control", "the control network is " + std::to_string(width) + " x " +
                                 std::to_string(height) + " (" + network->whereWritten("width") +
                                 "), the data mesh " + std::to_string(mesh->meshConfig().width) +
                                 " x " + std::to_string(mesh->meshConfig().height) + " (" +
                                 mesh->whereWritten("width") + "): one core per node of both");
  }
  if (!mesh->faults().empty()) {  // the ring and head plans assume every core and link
    params().fail("dataflow",
                  "the Spatial-STAR plans do not route around faults, but the data mesh has "
                  "some (its faults.* parameters)");
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

  for (std::size_t core = 0; core < cores_.size(); ++core) {
    const MeshPoint here{static_cast<std::uint32_t>(core % width),
                         static_cast<std::uint32_t>(core / width), false};
    const std::uint64_t window = sram_base_ + core * sram_stride_;
    const auto out = mesh->outputFor(window);
    if (!out || !sameAttachment(mesh->outputAttachments()[*out], here, width) ||
        !coversWindow(window, sram_window_)) {
      params().fail("sram_base", "core " + std::to_string(core) + "'s SRAM window [" +
                                     hexAddress(window) + ", +" + std::to_string(sram_window_) +
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
                                     names[stack] + " and addressed from " + hexAddress(base) +
                                     " (" + std::to_string(hbm_size_) +
                                     " B), but the mesh routes that address to " + landing(base) +
                                     " (" + mesh->whereWritten("out_nodes") + ", " +
                                     mesh->whereWritten("out_base_addresses") + ")");
    }
  }
}

}  // namespace spatialvp::models::spatial_star
