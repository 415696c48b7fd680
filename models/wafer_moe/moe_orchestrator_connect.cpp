// The wafer MoE orchestrator against the network it is bound to: the mesh owns the die grid,
// the wafer partition, the inter-wafer link placement, link timing and the address map; the
// orchestrator adopts the timing and checks that its own view of the grid agrees (a located
// error otherwise, instead of a run on a topology that does not exist).
#include "interconnect/tlm/mesh_topology_source.h"
#include "models/wafer_moe/moe_orchestrator.h"

namespace spatialvp::models::wafer_moe {

namespace {

std::string grid(int width, int height) {
  return std::to_string(width) + " x " + std::to_string(height);
}

std::string offsetsText(const std::vector<int>& offsets) {
  if (offsets.empty())
    return "[] (every edge die)";
  std::string text = "[";
  for (std::size_t i = 0; i < offsets.size(); ++i)
    text += (i ? ", " : "") + std::to_string(offsets[i]);
  return text + "]";
}

}  // namespace

void MoeOrchestrator::connected(const PlatformView& view) {
  connectDies(view);
  if (!mesh_network_) {
    connectMemories(view);
    return;
  }
  const auto peer = view.targetOf(*this, "net", 0);
  const auto* mesh =
      peer ? dynamic_cast<const interconnect::MeshTopologySource*>(peer->module) : nullptr;
  if (!mesh) {
    params().fail("network",
                  "network: mesh needs net[] bound to the in[] ports of a `mesh` module, which "
                  "owns the die grid and link timing");
  }
  const interconnect::MeshConfig& net = mesh->meshConfig();
  const moe::WaferSystemSpec& spec = topology_->spec();
  const int width = topology_->gridWidth();
  const int height = topology_->gridHeight();
  if (static_cast<int>(net.width) != width || static_cast<int>(net.height) != height) {
    params().fail("mesh_width",
                  std::to_string(spec.wafers()) + " wafer(s) of " +
                      grid(spec.mesh_width, spec.mesh_height) + " dies make a " +
                      grid(width, height) + " die grid, but the mesh bound to net[] is " +
                      grid(static_cast<int>(net.width), static_cast<int>(net.height)) + " (" +
                      mesh->whereWritten("width") + ")");
  }
  const bool one_wafer_mesh = !net.partitioned() || (static_cast<int>(net.wafer_width) == width &&
                                                     static_cast<int>(net.wafer_height) == height);
  const bool partition_agrees = spec.wafers() == 1
                                    ? one_wafer_mesh
                                    : static_cast<int>(net.wafer_width) == spec.mesh_width &&
                                          static_cast<int>(net.wafer_height) == spec.mesh_height;
  if (!partition_agrees) {
    params().fail("mesh_width", "wafers of " + grid(spec.mesh_width, spec.mesh_height) +
                                    " dies, but the mesh's wafer partition is " +
                                    (net.partitioned() ? grid(static_cast<int>(net.wafer_width),
                                                              static_cast<int>(net.wafer_height))
                                                       : std::string("none")) +
                                    " (" + mesh->whereWritten("wafer_width") + ")");
  }
  if (spec.wafers() > 1 && net.inter_wafer_link_offsets != spec.inter_wafer_link_offsets) {
    params().fail("inter_wafer_link_offsets",
                  "routes assume inter-wafer links at " +
                      offsetsText(spec.inter_wafer_link_offsets) +
                      ", but the mesh places them at " + offsetsText(net.inter_wafer_link_offsets) +
                      " (" + mesh->whereWritten("inter_wafer_link_offsets") + ")");
  }

  // Die d injects at its own node and is reached at its own node through its window.
  for (int die = 0; die < dies_; ++die) {
    const auto node = static_cast<interconnect::NodeId>(topology_->globalY(die) * width +
                                                        topology_->globalX(die));
    const interconnect::Endpoint expected = interconnect::Endpoint::local(node);
    const std::string expected_text = interconnect::describeAttachment(expected, net.width);
    const auto in = view.targetOf(*this, "net", static_cast<std::size_t>(die));
    if (!in || in->module != peer->module || in->index >= mesh->inputAttachments().size() ||
        !(mesh->inputAttachments()[in->index] == expected)) {
      const std::string actual =
          in && in->module == peer->module && in->index < mesh->inputAttachments().size()
              ? "in[" + std::to_string(in->index) + "] at " +
                    interconnect::describeAttachment(mesh->inputAttachments()[in->index], net.width)
              : std::string("another module");
      params().fail("dies", "die " + std::to_string(die) + " sits at mesh node " + expected_text +
                                ", but net[" + std::to_string(die) + "] is bound to " + actual +
                                " (" + mesh->whereWritten("in_nodes") + ")");
    }
    const std::uint64_t window = window_base_ + static_cast<std::uint64_t>(die) * window_stride_;
    const auto out = mesh->outputFor(window);
    if (!out || !(mesh->outputAttachments()[*out] == expected)) {
      params().fail("window_base", "die " + std::to_string(die) +
                                       "'s receive window starts at address " +
                                       std::to_string(window) + ", which the mesh routes " +
                                       (out ? "to out[" + std::to_string(*out) + "] at " +
                                                  interconnect::describeAttachment(
                                                      mesh->outputAttachments()[*out], net.width)
                                            : std::string("to no output")) +
                                       ", not to the die's node " + expected_text + " (" +
                                       mesh->whereWritten("out_base_addresses") + ")");
    }
  }

  // Link timing is the mesh's: the orchestrator's estimates (NI chunk admission, zero-load
  // times) use the same links the traffic crosses.
  const interconnect::LinkParams inter_wafer = net.interWaferLinkParams();
  topology_->adoptLinkTiming(
      net.link.bandwidth_bytes_per_second,
      static_cast<double>(net.link.latency_ps + net.router_latency_ps) * 1e-12,
      inter_wafer.bandwidth_bytes_per_second,
      static_cast<double>(inter_wafer.latency_ps + net.router_latency_ps) * 1e-12);
  adoptFaults(*mesh);
  // After the faults: a denser expert placement keeps more bytes per die.
  connectMemories(view);

  // `combine: auto` = the cheapest schedule that leaves every TP member with every sum,
  // estimated on this mesh's link timing and fault-tolerant routes
  // (workloads/moe/combine_schedule.h); tokens go to the live groups only.
  const double group_tokens = tokens_per_iteration_ / mapping_->liveGroupCount();
  combine_choice_ =
      moe::cheapestCombineSchedule(*topology_, mapping_->config(), placements_.front(),
                                   group_tokens, model_.top_k, model_.tokenBytes());
  if (combine_auto_)
    mapping_->setCombinePolicy(combine_choice_.chosen);
}

}  // namespace spatialvp::models::wafer_moe
