#include "models/spatial_star/spatial_star_orchestrator.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <stdexcept>

#include "models/star/layer_params.h"
#include "models/star/stage_job.h"
#include "platform/core/config_error.h"
#include "platform/core/param_choice.h"
#include "platform/sim/burst_transfer.h"
#include "platform/sim/kernel_time.h"
#include "platform/sim/trace_flow.h"

namespace spatialvp::models::spatial_star {

namespace {

using spatialvp::models::star::sendStageJob;
using spatialvp::models::star::StageJobTiming;
using spatialvp::models::star::tilingInputFrom;

std::size_t toSize(std::int64_t value) {
  return static_cast<std::size_t>(value);
}

std::uint64_t toBytes(double value) {
  return static_cast<std::uint64_t>(value + 0.5);
}

}  // namespace

SpatialStarOrchestrator::SpatialStarOrchestrator(sc_core::sc_module_name name,
                                                 const ModuleContext& context)
    : Module(name, context),
      sample_rounds_(toSize(params().integer("sample_rounds"))),
      hbm_size_(toBytes(params().quantity("hbm_size"))),
      hbm_burst_(toBytes(params().quantity("hbm_burst"))),
      sram_base_(static_cast<std::uint64_t>(params().integer("sram_base"))),
      sram_stride_(toBytes(params().quantity("sram_stride"))),
      sram_window_(toBytes(params().quantity("sram_window"))),
      control_base_(static_cast<std::uint64_t>(params().integer("control_base"))),
      control_stride_(toBytes(params().quantity("control_stride"))),
      ring_burst_(toBytes(params().quantity("ring_burst"))) {
  config_.layer = tilingInputFrom(params());
  auto& in = config_.layer;
  if (in.tile_length == 0 && in.tiles > in.seq_len)
    params().fail("workload.tiles", "more tiles than keys");
  if (in.tile_length > in.seq_len)
    params().fail("workload.tile_length",
                  "longer than the sequence (" + std::to_string(in.seq_len) + ")");

  config_.dataflow = paramChoice<Dataflow>(params(), "dataflow",
                                           {{"head_parallel", Dataflow::kHeadParallel},
                                            {"ring", Dataflow::kRing},
                                            {"hybrid", Dataflow::kHybrid},
                                            {"baseline", Dataflow::kBaseline}});
  config_.ring_order = paramChoice<RingOrder>(
      params(), "ring_order", {{"snake", RingOrder::kSnake}, {"row_major", RingOrder::kRowMajor}});
  config_.ring_group = toSize(params().integer("ring_group"));
  config_.baseline_by_heads =
      paramChoice<bool>(params(), "baseline_partition", {{"heads", true}, {"sequence", false}});
  config_.tile_group = toSize(params().integer("tile_group"));
  config_.ring_payload = paramChoice<RingPayload>(params(), "ring_payload",
                                                  {{"union", RingPayload::kUnion},
                                                   {"full_kv", RingPayload::kFullKv},
                                                   {"plan", RingPayload::kPlan}});
  overlap_ = config_.dataflow != Dataflow::kBaseline || params().boolean("baseline_overlap");
  nearest_ = paramChoice<bool>(params(), "hbm_mapping", {{"nearest", true}, {"interleave", false}});

  for (std::int64_t base : params().integers("hbm_bases"))
    hbm_bases_.push_back(static_cast<std::uint64_t>(base));
  if (params().strings("hbm_nodes").empty())
    params().fail("hbm_nodes", "at least one HBM stack is needed");
  if (hbm_bases_.size() != params().strings("hbm_nodes").size()) {
    params().fail("hbm_bases", "needs one base address per hbm_nodes entry (" +
                                   std::to_string(params().strings("hbm_nodes").size()) +
                                   "), got " + std::to_string(hbm_bases_.size()));
  }
  if (hbm_burst_ > hbm_size_)
    params().fail("hbm_burst", "must not exceed hbm_size");
  if (ring_burst_ > sram_window_)
    params().fail("ring_burst", "must not exceed sram_window");
  if (sram_window_ > sram_stride_)
    params().fail("sram_window", "must not exceed sram_stride");

  if (control_stride_ < kDescriptorBytes)
    params().fail("control_stride", "a control window holds at least one work descriptor (" +
                                        std::to_string(kDescriptorBytes) + " B)");
  descriptor_.assign(kDescriptorBytes, 0);
  becomeActive();
  SC_HAS_PROCESS(SpatialStarOrchestrator);
  SC_THREAD(run);
}

InitiatorSocket* SpatialStarOrchestrator::initiatorSocket(const std::string& port,
                                                          std::size_t index) {
  return port == "control" && index == 0 ? &control_ : nullptr;
}

std::size_t SpatialStarOrchestrator::portWidth(const std::string& port) const {
  return port == "control" ? 1 : 0;
}

void SpatialStarOrchestrator::plan(std::uint32_t width, std::uint32_t height) {
  config_.mesh_width = width;
  config_.mesh_height = height;
  const std::size_t cores = config_.cores();
  auto& in = config_.layer;
  // HBM stacks: where they sit on this mesh, element by element.
  const auto& nodes = params().strings("hbm_nodes");
  const ConfigNode& written = params().value("hbm_nodes").written;
  hbm_points_.clear();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::string problem;
    const auto point = parseMeshPoint(nodes[i], width, height, problem);
    if (!point) {
      if (!written.isSequence() || i >= written.items().size())
        params().fail("hbm_nodes", problem);
      throw ConfigError(written.items()[i].location(), params().ownerPath() + ".hbm_nodes",
                        "element " + std::to_string(i) + ": " + problem);
    }
    hbm_points_.push_back(*point);
  }
  try {
    plan_ = planSpatial(config_);
    // A ring needs at least one item per member and wave: cap G at the tiles per member.
    std::size_t members = 1;
    for (const auto& group : plan_.groups) {
      if (group.circulate)
        members = std::max(members, group.cores.size());
    }
    const std::size_t tiles = spatialvp::star::chooseTileCount(in);
    spatialvp::models::star::warnIfSorterBound(in, instanceName());
    warnIfRingHopsLong();
    config_.tile_group = std::max<std::size_t>(1, std::min(config_.tile_group, tiles / members));
    templates_ = std::make_unique<BlockTemplates>(config_.layer, config_.tile_group);
  } catch (const std::invalid_argument& error) {
    const std::string text = error.what();
    const std::size_t colon = text.find(':');
    const std::string key = colon == std::string::npos ? "dataflow" : text.substr(0, colon);
    params().fail(params().has(key) ? key : "dataflow",
                  colon == std::string::npos ? text : text.substr(colon + 2));
  }

  cores_.assign(cores, CoreState{});
  for (std::size_t c = 0; c < cores; ++c) {
    const MeshPoint here{static_cast<std::uint32_t>(c % width),
                         static_cast<std::uint32_t>(c / width), false};
    std::uint32_t best = UINT32_MAX;
    for (std::size_t s = 0; s < hbm_points_.size(); ++s) {
      const std::uint32_t distance = meshDistance(here, hbm_points_[s]);
      if (distance < best) {
        best = distance;
        cores_[c].nearest_stack = s;
      }
    }
    cores_[c].control = control_base_ + c * control_stride_;
  }
  hbm_cursor_.assign(hbm_points_.size(), 0);
  // Each core's buffering and its ring neighbours' windows (the credit goes back to the
  // predecessor, the item and its doorbell on to the successor).
  for (const CoreGroup& group : plan_.groups) {
    const std::size_t members = group.cores.size();
    for (std::size_t position = 0; position < members; ++position) {
      CoreAssignment& assignment = cores_[group.cores[position]].assignment;
      assignment.hbm_burst = hbm_burst_;
      assignment.ring_burst = ring_burst_;
      assignment.overlap = overlap_;
      assignment.stacks = hbm_points_.size();
      if (group.circulate && members > 1) {
        const std::size_t next = group.cores[(position + 1) % members];
        const std::size_t previous = group.cores[(position + members - 1) % members];
        assignment.forwards = true;
        assignment.successor_window = sram_base_ + next * sram_stride_;
        assignment.successor_window_size = sram_window_;
        assignment.successor_control = cores_[next].control;
        assignment.receives = true;
        assignment.predecessor_control = cores_[previous].control;
      }
    }
  }

  const double queries = static_cast<double>(plan_.queries);
  // Dense-equivalent attention ops (sources S3.5), as the single-core controller counts them.
  dense_ops_ =
      4.0 * queries * static_cast<double>(in.seq_len) * static_cast<double>(in.hidden_size);
  buildRounds();
}

void SpatialStarOrchestrator::buildRounds() {
  layer_rows_ = 0.0;
  simulated_rows_ = 0.0;
  for (const auto& group : plan_.groups) {
    std::size_t most_blocks = 0;
    for (std::size_t core : group.cores)
      most_blocks = std::max(most_blocks, plan_.cores[core].block_rows.size());
    for (std::size_t core : group.cores) {
      const CoreShare& share = plan_.cores[core];
      CoreState& state = cores_[core];
      const std::size_t blocks = group.circulate ? most_blocks : share.block_rows.size();
      for (std::size_t head : share.heads) {
        for (std::size_t b = 0; b < blocks; ++b) {
          Round round;
          round.head = head;
          round.rows = b < share.block_rows.size() ? share.block_rows[b] : 0;
          round.first = b == 0;
          state.rounds.push_back(round);
          layer_rows_ += static_cast<double>(round.rows);
        }
      }
      state.items_per_round =
          itemsPerRound(group.circulate, group.cores.size(), templates_->tileGroups());
      state.simulated_rounds =
          sample_rounds_ == 0 ? state.rounds.size() : std::min(sample_rounds_, state.rounds.size());
      for (std::size_t r = 0; r < state.simulated_rounds; ++r)
        simulated_rows_ += static_cast<double>(state.rounds[r].rows);
    }
  }
  work_scale_ = simulated_rows_ > 0 ? layer_rows_ / simulated_rows_ : 1.0;
}

HbmRange SpatialStarOrchestrator::place(std::size_t stack, std::uint64_t bytes) {
  // Data of a stack is laid out in the order it is first used: the transfer starts at the
  // stack's cursor and walks it burst by burst as the core's DMA will, wrapping at the end.
  HbmRange range;
  range.stack = stack;
  range.base = hbm_bases_[stack];
  range.window = hbm_size_;
  range.bytes = bytes;
  std::uint64_t& cursor = hbm_cursor_[stack];
  range.offset = cursor;
  while (bytes > 0) {
    const std::uint64_t chunk = std::min(bytes, hbm_burst_);
    if (cursor + chunk > hbm_size_)
      cursor = 0;
    cursor += chunk;
    bytes -= chunk;
  }
  return range;
}

void SpatialStarOrchestrator::send(std::size_t core, CoreMessage& message) {
  // Work descriptors queue at the core ahead of its pipeline (the orchestrator runs ahead of the
  // cores), so their trip through the control network does not hold up the item.
  tlm::tlm_generic_payload& payload = message_payload_;
  payload.set_command(tlm::TLM_WRITE_COMMAND);
  payload.set_address(cores_[core].control);
  payload.set_data_ptr(descriptor_.data());
  payload.set_data_length(static_cast<unsigned int>(kDescriptorBytes));
  payload.set_streaming_width(static_cast<unsigned int>(kDescriptorBytes));
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  payload.set_extension(&message);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  {
    const TraceFlowScope flow(trace(), payload);
    control_->b_transport(payload, delay);
    if (trace()) {
      const Picoseconds now = nowPs();
      TraceArgs args;
      args.bytes = kDescriptorBytes;
      args.address = cores_[core].control;
      traceTransfer("work", flow.id(), "work descriptor", now,
                    now + static_cast<Picoseconds>(delay.value()), args);
    }
  }
  payload.clear_extension(&message);
  services().countTransactions(1);
  descriptor_bytes_ += kDescriptorBytes;
  if (payload.is_response_error()) {
    SC_REPORT_ERROR(
        "spatialvp/spatial_star",
        (instanceName() + ": work for core " + std::to_string(core) + " at " +
         hexAddress(cores_[core].control) + " failed: " + payload.get_response_string() +
         " (core i's control window, control_base + i x control_stride, must reach "
         "a spatial_star_core's control port)")
            .c_str());
  }
}

std::size_t SpatialStarOrchestrator::stackFor(std::size_t head, std::size_t tile_group,
                                              std::size_t owner) const {
  if (nearest_)
    return cores_[owner].nearest_stack;
  return (head + tile_group) % hbm_points_.size();
}

void SpatialStarOrchestrator::describeItem(std::size_t core, std::size_t index) {
  CoreState& state = cores_[core];
  const CoreShare& share = plan_.cores[core];
  const CoreGroup& group = plan_.groups[share.group];
  const std::size_t members = group.cores.size();
  const std::size_t round_index = index / state.items_per_round;
  const std::size_t k = index % state.items_per_round;
  const Round& round = state.rounds[round_index];
  const std::size_t tile_groups = templates_->tileGroups();
  const ItemSlot slot = itemSlot(group.circulate, members, share.position, tile_groups, k);
  const bool compute = round.rows > 0;
  // Relay rounds move full blocks' tiles; their payload does not depend on the rows.
  const BlockWork& block = templates_->block(compute ? round.first : false,
                                             compute ? round.rows : config_.layer.query_block);
  CoreItemWork& work = state.work;
  work = CoreItemWork{};
  work.index = index;
  work.round = round_index;
  work.first_of_round = k == 0;
  work.last_of_round = k + 1 == state.items_per_round;
  work.block = &block;
  work.compute = compute;
  if (slot.tile_group < tile_groups) {
    const Item& item = block.items[slot.tile_group];
    work.item = &item;
    const std::uint64_t payload =
        ringPayloadBytes(item, config_.layer, config_.ring_payload, members);
    work.from_ring = group.circulate && members > 1 && slot.step > 0;
    // HBM placement in the order the core uses the data: its queries, the item, the next
    // round's Q projection inputs.
    if (!work.from_ring) {
      const bool q_ahead = state.q_ahead_round == round_index;
      work.q_projected_ahead = q_ahead;
      const std::uint64_t private_bytes =
          block.private_bytes - (q_ahead ? block.q_projection_bytes : 0);
      if (k == 0 && compute && private_bytes > 0)
        work.private_fetch = place(state.nearest_stack, private_bytes);
      const std::uint64_t bytes = group.circulate ? payload : item.shared_bytes;
      const std::size_t owner = group.circulate ? core : group.cores[slot.tile_group % members];
      if (bytes > 0)
        work.fetch = place(stackFor(round.head, slot.tile_group, owner), bytes);
    } else {
      work.q_projected_ahead = state.q_ahead_round == round_index;
    }
    if (compute && k == 0) {
      const std::size_t next = round_index + 1;
      if (next < state.simulated_rounds && state.rounds[next].rows > 0) {
        const Round& next_round = state.rounds[next];
        const BlockWork& next_block = templates_->block(next_round.first, next_round.rows);
        if (next_block.q_projection.rows > 0) {
          work.next_q_block = &next_block;
          if (next_block.q_projection_bytes > 0)
            work.next_q_fetch = place(state.nearest_stack, next_block.q_projection_bytes);
          state.q_ahead_round = next;
        }
      }
    }
    if (group.circulate && members > 1 && slot.step + 1 < members) {
      work.forward = true;
      work.payload = payload;
    }
  }
  if (work.last_of_round && compute && block.write_bytes > 0)
    work.o_write = place(state.nearest_stack, block.write_bytes);
}

void SpatialStarOrchestrator::run() {
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  for (std::size_t core = 0; core < cores_.size(); ++core) {
    CoreMessage message;
    message.kind = CoreMessage::Kind::kAssign;
    message.assignment = &cores_[core].assignment;
    send(core, message);
  }
  std::size_t most_items = 0;
  for (const auto& state : cores_)
    most_items = std::max(most_items, state.simulated_rounds * state.items_per_round);
  for (std::size_t index = 0; index < most_items; ++index) {
    for (std::size_t core = 0; core < cores_.size(); ++core) {
      CoreState& state = cores_[core];
      if (index >= state.simulated_rounds * state.items_per_round)
        continue;
      describeItem(core, index);
      CoreMessage message;
      message.kind = CoreMessage::Kind::kItem;
      message.work = &state.work;
      send(core, message);
      state.frontier = message.frontier;
      if (message.round_finished)
        state.round_done.push_back(message.round_done);
    }
    // Let the kernel advance to the earliest time any core may still issue work.
    Picoseconds frontier = UINT64_MAX;
    for (const auto& state : cores_) {
      if (index + 1 < state.simulated_rounds * state.items_per_round)
        frontier = std::min(frontier, state.frontier);
    }
    const Picoseconds now = nowPs();
    if (frontier != UINT64_MAX && frontier > now) {
      keeper.set(sc_core::sc_time::from_value(frontier - now));
      if (keeper.need_sync())
        keeper.sync();
    }
  }
  for (std::size_t core = 0; core < cores_.size(); ++core) {
    CoreMessage message;
    message.kind = CoreMessage::Kind::kReport;
    message.totals = &cores_[core].totals;
    send(core, message);
    cores_[core].finish = cores_[core].round_done.empty() ? 0 : cores_[core].round_done.back();
    simulated_finish_ = std::max(simulated_finish_, cores_[core].finish);
  }
  estimate();
  const Picoseconds now = nowPs();
  if (simulated_finish_ > now)
    sc_core::wait(sc_core::sc_time::from_value(simulated_finish_ - now));
  finished();
}

void SpatialStarOrchestrator::estimate() {
  // Per core: the simulated rounds' completion, then the remaining rounds at the steady-state
  // round period. The period is pooled over all cores (they share the mesh and the HBM, so one
  // core's rounds jitter while the system's throughput is steady) and measured over the second
  // half of the simulated rounds (the first half holds the pipeline and ring fill). Rounds are
  // weighted by their rows when cores work alone; ring members move in lockstep, so every ring
  // round (relay rounds included) counts one period.
  latency_ = 0;
  auto weight = [&](const CoreState& state, bool circulate, std::size_t r) {
    return circulate ? 1.0
                     : static_cast<double>(state.rounds[r].rows) /
                           static_cast<double>(config_.layer.query_block);
  };
  double pooled_time = 0.0;
  double pooled_weight = 0.0;
  for (std::size_t c = 0; c < cores_.size(); ++c) {
    const CoreState& state = cores_[c];
    const bool circulate = plan_.groups[plan_.cores[c].group].circulate;
    const std::size_t simulated = state.round_done.size();
    if (simulated == 0 || simulated == state.rounds.size())
      continue;
    const std::size_t from = simulated / 2;
    const Picoseconds before = from == 0 ? 0 : state.round_done[from - 1];
    pooled_time += static_cast<double>(state.round_done[simulated - 1] - before);
    for (std::size_t r = from; r < simulated; ++r)
      pooled_weight += weight(state, circulate, r);
  }
  const double period = pooled_weight > 0 ? pooled_time / pooled_weight : 0.0;
  for (std::size_t c = 0; c < cores_.size(); ++c) {
    CoreState& state = cores_[c];
    const bool circulate = plan_.groups[plan_.cores[c].group].circulate;
    if (state.round_done.empty())
      continue;
    double remaining = 0.0;
    for (std::size_t r = state.round_done.size(); r < state.rounds.size(); ++r)
      remaining += weight(state, circulate, r);
    state.estimated_latency =
        state.round_done.back() + static_cast<Picoseconds>(period * remaining + 0.5);
    latency_ = std::max(latency_, state.estimated_latency);
  }
}

std::optional<WorkProgress> SpatialStarOrchestrator::progress() const {
  WorkProgress work{0.0, 0.0, "rounds"};
  for (const CoreState& state : cores_) {
    work.done += static_cast<double>(state.round_done.size());
    work.total += static_cast<double>(state.simulated_rounds);
  }
  return work;
}

void SpatialStarOrchestrator::reportStats(ModuleStats& stats) const {
  if (!templates_)
    return;  // never planned (the platform did not elaborate)
  const double latency = static_cast<double>(latency_) * 1e-12;
  const double span = static_cast<double>(simulated_finish_) * 1e-12;
  std::uint64_t hbm_read = 0, hbm_write = 0, ring = 0, items = 0, jobs = 0;
  double utilisation_sum = 0.0;
  std::size_t rounds = 0, simulated_rounds = 0;
  StatTable& per_core =
      stats.table("cores", "Per-core figures (long format of the core<i>. values)",
                  {{"core", ""},
                   {"utilisation", "ratio"},
                   {"latency_s", "s"},
                   {"hbm_read_bytes", "B"},
                   {"ring_bytes", "B"},
                   {"rounds", "rounds"},
                   {"simulated_rounds", "rounds"}});
  for (std::size_t c = 0; c < cores_.size(); ++c) {
    const CoreState& state = cores_[c];
    hbm_read += state.totals.hbm_read_bytes;
    hbm_write += state.totals.hbm_write_bytes;
    ring += state.totals.ring_bytes;
    items += state.totals.items;
    jobs += state.totals.jobs;
    rounds += state.rounds.size();
    simulated_rounds += state.round_done.size();
    Picoseconds busiest = 0;
    for (std::size_t u = 0; u < kUnits; ++u)
      busiest = std::max(busiest, state.totals.busy[u]);
    const double utilisation = span > 0 ? static_cast<double>(busiest) * 1e-12 / span : 0.0;
    utilisation_sum += utilisation;
    const std::string prefix = "core" + std::to_string(c) + ".";
    stats.value(prefix + "utilisation", utilisation, "ratio",
                "Busy time of the core's busiest unit / simulated time");
    for (std::size_t u = 0; u < kUnits; ++u) {
      stats.value(prefix + kUnitPorts[u] + "_busy",
                  static_cast<double>(state.totals.busy[u]) * 1e-12, "s",
                  "Busy time of the unit (simulated rounds)");
    }
    stats.counter(prefix + "hbm_read_bytes", state.totals.hbm_read_bytes, "B",
                  "Bytes the core read from HBM (simulated rounds)");
    stats.counter(prefix + "ring_bytes", state.totals.ring_bytes, "B",
                  "Bytes the core forwarded to the next ring core (simulated rounds)");
    stats.value(prefix + "latency", static_cast<double>(state.estimated_latency) * 1e-12, "s",
                "Estimated time the core finishes the layer");
    per_core.addRow({static_cast<std::int64_t>(c), utilisation,
                     static_cast<double>(state.estimated_latency) * 1e-12,
                     static_cast<std::int64_t>(state.totals.hbm_read_bytes),
                     static_cast<std::int64_t>(state.totals.ring_bytes),
                     static_cast<std::int64_t>(state.rounds.size()),
                     static_cast<std::int64_t>(state.round_done.size())});
  }
  if (simulated_rounds < rounds) {
    stats.coverageNote("simulated " + std::to_string(simulated_rounds) + " of " +
                       std::to_string(rounds) +
                       " rounds (sample_rounds): energy, busy times and byte counters cover only "
                       "the simulated rounds; latency and layer_* figures are extrapolated");
  }
  std::vector<std::uint64_t> stack_read_bytes(hbm_points_.size(), 0);
  std::uint64_t late_requests = 0;
  for (const CoreState& state : cores_) {
    late_requests += state.totals.late_requests;
    for (std::size_t s = 0; s < state.totals.stack_read_bytes.size(); ++s)
      stack_read_bytes[s] += state.totals.stack_read_bytes[s];
  }
  for (std::size_t s = 0; s < stack_read_bytes.size(); ++s) {
    stats.counter("hbm" + std::to_string(s) + ".read_bytes", stack_read_bytes[s], "B",
                  "Bytes read from HBM stack s (simulated rounds)");
  }
  const double scale = work_scale_;
  stats.counter("cores", cores_.size(), "cores", "STAR cores");
  stats.counter("groups", plan_.groups.size(), "groups", "Core groups (rings or single cores)");
  stats.counter("tile_groups", templates_->tileGroups(), "items", "Items per block (G tiles each)");
  stats.counter("tile_group", config_.tile_group, "tiles",
                "Tiles per item used (tile_group, capped at tiles per ring member)");
  stats.counter("rounds", rounds, "rounds", "Head x query-block rounds over all cores");
  stats.counter("simulated_rounds", simulated_rounds, "rounds", "Rounds actually simulated");
  stats.counter("items", items, "items", "Tile groups simulated over all cores");
  stats.counter("jobs", jobs, "jobs", "Unit jobs issued");
  stats.counter("hbm_read_bytes", hbm_read, "B", "HBM bytes read (simulated rounds)");
  stats.counter("hbm_write_bytes", hbm_write, "B", "HBM bytes written (simulated rounds)");
  stats.counter("ring_bytes", ring, "B", "Bytes forwarded core to core (simulated rounds)");
  std::uint64_t control_words = 0;
  for (const CoreState& state : cores_)
    control_words += state.totals.control_bytes;
  stats.counter("control_bytes", descriptor_bytes_ + control_words, "B",
                "Work descriptors, doorbells and credits sent on the control network "
                "(simulated rounds)");
  stats.counter("late_requests", late_requests, "requests",
                "Requests whose planned time was behind the kernel time (should be 0)");
  stats.value("work_scale", scale, "ratio",
              "Layer work / simulated work (1 = every round simulated)");
  stats.value("simulated_span", span, "s", "Simulated time of the simulated rounds");
  stats.value("layer_hbm_read_bytes", static_cast<double>(hbm_read) * scale, "B",
              "HBM bytes read for the whole layer (simulated x work_scale)");
  stats.value("layer_hbm_write_bytes", static_cast<double>(hbm_write) * scale, "B",
              "HBM bytes written for the whole layer");
  stats.value("layer_ring_bytes", static_cast<double>(ring) * scale, "B",
              "Core-to-core bytes for the whole layer");
  stats.value("dense_equivalent_ops", dense_ops_, "op",
              "Dense attention ops (QK^T + SV, 2 per MAC, all heads)");
  stats.headline("latency", latency, "s", "Estimated time to finish the attention layer");
  stats.headline("tokens_per_second",
                 latency > 0 ? static_cast<double>(plan_.queries) / latency : 0.0, "tokens/s",
                 "Prefill tokens of one layer per second");
  stats.headline("effective_throughput", latency > 0 ? dense_ops_ / latency : 0.0, "op/s",
                 "Dense-equivalent ops / latency (sources S3.5)");
  stats.headline("hbm_bandwidth",
                 latency > 0 ? static_cast<double>(hbm_read + hbm_write) * scale / latency : 0.0,
                 "B/s", "Average HBM traffic over the layer");
  stats.headline("mean_core_utilisation",
                 cores_.empty() ? 0.0 : utilisation_sum / static_cast<double>(cores_.size()),
                 "ratio", "Mean over cores of the busiest unit's busy fraction");
}

void SpatialStarOrchestrator::warnIfRingHopsLong() const {
  // A forwarded tile crosses every hop between consecutive members, so a long hop costs ring
  // bandwidth and latency that a unit-hop ring would not; say so (once) rather than run it
  // silently.
  std::size_t rings = 0;
  std::size_t long_rings = 0;
  std::uint32_t longest = 0;
  for (const CoreGroup& group : plan_.groups) {
    if (!group.circulate || group.cores.size() < 2)
      continue;
    ++rings;
    const std::uint32_t hop = longestRingHop(group.cores, config_.mesh_width);
    long_rings += hop > 1 ? 1 : 0;
    longest = std::max(longest, hop);
  }
  if (long_rings == 0)
    return;
  const std::string mesh =
      std::to_string(config_.mesh_width) + " x " + std::to_string(config_.mesh_height);
  std::string text = instanceName() + ": ";
  if (rings == 1 && config_.ring_order == RingOrder::kSnake &&
      !unitHopRingExists(config_.mesh_width, config_.mesh_height)) {
    text += "the " + mesh + " mesh has no ring of one-hop links (both dimensions odd, or a " +
            "line); the ring uses the embedding with the shortest longest hop, " +
            std::to_string(longest) + " hops";
  } else {
    text += std::to_string(long_rings) + " of " + std::to_string(rings) + " rings (ring_order " +
            (config_.ring_order == RingOrder::kSnake ? "snake" : "row_major") +
            ") have consecutive members up to " + std::to_string(longest) + " mesh hops apart";
  }
  SC_REPORT_WARNING("spatialvp/spatial_star", text.c_str());
}

}  // namespace spatialvp::models::spatial_star
