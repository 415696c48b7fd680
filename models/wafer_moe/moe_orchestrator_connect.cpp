// The wafer MoE orchestrator against the network it is bound to: the mesh owns the die grid,
// the wafer partition, the inter-wafer link placement, link timing and the address map; the
// orchestrator plans on that grid and timing, and checks that its dies are attached and
// addressed where the grid puts them (a located error otherwise, instead of a run on a
// topology that does not exist).
#include "interconnect/tlm/mesh_topology_source.h"
#include "models/wafer_moe/moe_orchestrator.h"
#include "platform/sim/address_window.h"

namespace spatialvp::models::wafer_moe {

namespace {

std::string grid(int width, int height) {
  return std::to_string(width) + " x " + std::to_string(height);
}

}  // namespace

void MoeOrchestrator::connected(const PlatformView& view) {
  connectDies(view);
  if (!mesh_network_) {
    connectSwitch(view);
    connectMemories(view);
    return;
  }
  const auto peer = view.targetThrough(*this, "net", 0);
  const auto* mesh =
      peer ? dynamic_cast<const interconnect::MeshTopologySource*>(peer->module) : nullptr;
  if (!mesh) {
    params().fail("network",
                  "network: mesh needs net[] bound to the in[] ports of a `mesh` module, which "
                  "owns the die grid and link timing");
  }
  // The die grid, the wafer partition and the inter-wafer link placement are the mesh's alone.
  const interconnect::MeshConfig& net = mesh->meshConfig();
  moe::WaferSystemSpec spec;
  spec.mesh_width = static_cast<int>(net.partitioned() ? net.wafer_width : net.width);
  spec.mesh_height = static_cast<int>(net.partitioned() ? net.wafer_height : net.height);
  spec.wafers_x = static_cast<int>(net.width) / spec.mesh_width;
  spec.wafers_y = static_cast<int>(net.height) / spec.mesh_height;
  spec.inter_wafer_link_offsets = net.inter_wafer_link_offsets;
  planOnGrid(spec, std::to_string(spec.wafers()) + " wafer(s) of " +
                       grid(spec.mesh_width, spec.mesh_height) +
                       " dies of the mesh bound to net[] (" + mesh->whereWritten("width") + ")");
  const int width = topology_->gridWidth();

  // Die d injects at its own node and is reached at its own node through its window.
  for (int die = 0; die < dies_; ++die) {
    const auto node = static_cast<interconnect::NodeId>(topology_->globalY(die) * width +
                                                        topology_->globalX(die));
    const interconnect::Endpoint expected = interconnect::Endpoint::local(node);
    const std::string expected_text = interconnect::describeAttachment(expected, net.width);
    const auto in = view.targetThrough(*this, "net", static_cast<std::size_t>(die));
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

void MoeOrchestrator::connectSwitch(const PlatformView& view) {
  // The switch decodes addresses into its out ports; a die's window must come out of the port
  // that is bound to that die's rx, whole (else the run fails at the first transfer with an
  // address error, or delivers to another die).
  for (int die = 0; die < dies_; ++die) {
    const auto d = static_cast<std::size_t>(die);
    const auto in = view.targetThrough(*this, "net", d);
    const auto* decoder = in ? dynamic_cast<const AddressDecoder*>(in->module) : nullptr;
    if (decoder == nullptr)
      continue;  // a network of another type keeps its address map to itself
    const std::uint64_t window = window_base_ + d * window_stride_;
    const auto route = decoder->routeOf(window);
    const auto rx = view.initiatorThrough(*this, "rx", d);
    const bool whole = route && window_stride_ <= route->size - (window - route->base);
    if (!route || !whole || !rx || rx->module != in->module || rx->port != route->port ||
        rx->index != route->index) {
      params().fail(
          "window_stride",
          "die " + std::to_string(die) + "'s receive window [" + std::to_string(window) + ", +" +
              std::to_string(window_stride_) + " B) " +
              (route ? "leaves " + in->module->instanceName() + " by " + route->port + "[" +
                           std::to_string(route->index) + "] (window " +
                           std::to_string(route->base) + ", +" + std::to_string(route->size) +
                           " B)" + (whole ? "" : ", which does not hold it whole")
                     : "is not decoded by " + in->module->instanceName()) +
              (rx ? ", but rx[" + std::to_string(die) + "] is bound to " +
                        rx->module->instanceName() + "." + rx->port + "[" +
                        std::to_string(rx->index) + "]"
                  : std::string()) +
              " (" + decoder->whereRangesWritten() + ")");
    }
  }
}

}  // namespace spatialvp::models::wafer_moe
