#include "models/spatial_star/spatial_star_orchestrator.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <stdexcept>

#include "models/star/layer_params.h"
#include "models/star/stage_job.h"
#include "platform/core/config_error.h"
#include "platform/core/param_choice.h"
#include "platform/sim/burst_transfer.h"

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

Picoseconds nowPs() {
  return static_cast<Picoseconds>(sc_core::sc_time_stamp().value());
}

}  // namespace

SpatialStarOrchestrator::SpatialStarOrchestrator(sc_core::sc_module_name name,
                                                 const ModuleContext& context)
    : Module(name, context),
      stage_buffers_(toSize(params().integer("stage_buffers"))),
      kv_buffers_(toSize(params().integer("kv_buffers"))),
      sample_rounds_(toSize(params().integer("sample_rounds"))),
      hbm_size_(toBytes(params().quantity("hbm_size"))),
      hbm_burst_(toBytes(params().quantity("hbm_burst"))),
      sram_base_(static_cast<std::uint64_t>(params().integer("sram_base"))),
      sram_stride_(toBytes(params().quantity("sram_stride"))),
      sram_window_(toBytes(params().quantity("sram_window"))),
      ring_burst_(toBytes(params().quantity("ring_burst"))) {
  config_.layer = tilingInputFrom(params());
  auto& in = config_.layer;
  if (in.tile_length == 0 && in.tiles > in.seq_len)
    params().fail("tiles", "more tiles than keys");
  if (in.tile_length > in.seq_len)
    params().fail("tile_length", "longer than the sequence (" + std::to_string(in.seq_len) + ")");

  config_.mesh_width = static_cast<std::uint32_t>(params().integer("mesh_width"));
  config_.mesh_height = static_cast<std::uint32_t>(params().integer("mesh_height"));
  const std::size_t cores = toSize(params().integer("cores"));
  if (cores != config_.cores()) {
    params().fail("cores", std::to_string(cores) + " cores do not fill the " +
                               std::to_string(config_.mesh_width) + " x " +
                               std::to_string(config_.mesh_height) +
                               " mesh (one STAR core per node: expected " +
                               std::to_string(config_.cores()) + ")");
  }
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

  // HBM stacks: where they sit (validated against the mesh, element by element) and their
  // address ranges as the mesh maps them.
  const auto& nodes = params().strings("hbm_nodes");
  if (nodes.empty())
    params().fail("hbm_nodes", "at least one HBM stack is needed");
  const ConfigNode& written = params().value("hbm_nodes").written;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::string problem;
    const auto point = parseMeshPoint(nodes[i], config_.mesh_width, config_.mesh_height, problem);
    if (!point) {
      if (!written.isSequence() || i >= written.items().size())
        params().fail("hbm_nodes", problem);
      throw ConfigError(written.items()[i].location(), params().ownerPath() + ".hbm_nodes",
                        "element " + std::to_string(i) + ": " + problem);
    }
    hbm_points_.push_back(*point);
  }
  for (std::int64_t base : params().integers("hbm_bases"))
    hbm_bases_.push_back(static_cast<std::uint64_t>(base));
  if (hbm_bases_.size() != hbm_points_.size()) {
    params().fail("hbm_bases", "needs one base address per hbm_nodes entry (" +
                                   std::to_string(hbm_points_.size()) + "), got " +
                                   std::to_string(hbm_bases_.size()));
  }
  if (hbm_burst_ > hbm_size_)
    params().fail("hbm_burst", "must not exceed hbm_size");
  if (ring_burst_ > sram_window_)
    params().fail("ring_burst", "must not exceed sram_window");
  if (sram_window_ > sram_stride_)
    params().fail("sram_window", "must not exceed sram_stride");
  const bool circulates =
      config_.dataflow == Dataflow::kRing || config_.dataflow == Dataflow::kHybrid;
  if (circulates && kv_buffers_ < 2)
    params().fail("kv_buffers", "a ring needs at least 2 buffers per core (receive + compute)");

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

  cores_.reserve(cores);
  for (std::size_t c = 0; c < cores; ++c)
    cores_.emplace_back(stage_buffers_, kv_buffers_);
  for (std::size_t c = 0; c < cores; ++c) {
    const MeshPoint here{static_cast<std::uint32_t>(c % config_.mesh_width),
                         static_cast<std::uint32_t>(c / config_.mesh_width), false};
    std::uint32_t best = UINT32_MAX;
    for (std::size_t s = 0; s < hbm_points_.size(); ++s) {
      const std::uint32_t distance = meshDistance(here, hbm_points_[s]);
      if (distance < best) {
        best = distance;
        cores_[c].nearest_stack = s;
      }
    }
  }
  for (std::size_t u = 0; u < kUnits; ++u) {
    for (std::size_t c = 0; c < cores; ++c) {
      units_[u].push_back(
          std::make_unique<Socket>((std::string(kUnitPorts[u]) + "_" + std::to_string(c)).c_str()));
    }
  }
  for (std::size_t c = 0; c < cores; ++c)
    mesh_.push_back(std::make_unique<Socket>(("mesh_" + std::to_string(c)).c_str()));
  buffer_.assign(std::max(hbm_burst_, ring_burst_), 0);
  hbm_cursor_.assign(hbm_points_.size(), 0);
  stack_read_bytes_.assign(hbm_points_.size(), 0);
  sram_cursor_.assign(cores, 0);

  const double queries = static_cast<double>(plan_.queries);
  // Dense-equivalent attention ops (sources S3.5), as the single-core controller counts them.
  dense_ops_ =
      4.0 * queries * static_cast<double>(in.seq_len) * static_cast<double>(in.hidden_size);
  buildRounds();
  becomeActive();
  SC_HAS_PROCESS(SpatialStarOrchestrator);
  SC_THREAD(run);
}

InitiatorSocket* SpatialStarOrchestrator::initiatorSocket(const std::string& port,
                                                          std::size_t index) {
  for (std::size_t u = 0; u < kUnits; ++u) {
    if (port == kUnitPorts[u])
      return index < units_[u].size() ? units_[u][index].get() : nullptr;
  }
  if (port == "mesh")
    return index < mesh_.size() ? mesh_[index].get() : nullptr;
  return nullptr;
}

std::size_t SpatialStarOrchestrator::portWidth(const std::string& port) const {
  for (std::size_t u = 0; u < kUnits; ++u) {
    if (port == kUnitPorts[u])
      return units_[u].size();
  }
  return port == "mesh" ? mesh_.size() : 0;
}

void SpatialStarOrchestrator::buildRounds() {
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

Picoseconds SpatialStarOrchestrator::clampToNow(Picoseconds at) {
  const Picoseconds now = nowPs();
  if (at < now) {
    ++late_requests_;
    return now;
  }
  return at;
}

TraceSite SpatialStarOrchestrator::coreTraceSite(std::size_t core, const char* part) {
  return trace() ? traceSite("core" + std::to_string(core) + "." + part) : TraceSite{};
}

Picoseconds SpatialStarOrchestrator::hbmAccess(std::size_t core, std::size_t stack,
                                               std::uint64_t bytes, bool write, Picoseconds at) {
  at = clampToNow(at);
  (write ? cores_[core].hbm_write_bytes : cores_[core].hbm_read_bytes) += bytes;
  if (!write)
    stack_read_bytes_[stack] += bytes;
  // A core's DMA goes through its mesh input; the mesh and the HBM stack space the bursts.
  const BurstTransfer transfer = burstTransfer(
      *(*mesh_[core]).operator->(), buffer_, hbm_bases_[stack], hbm_size_, hbm_cursor_[stack],
      bytes, hbm_burst_, write, at, instanceName() + ": HBM access", coreTraceSite(core, "dma"));
  transactions_ += transfer.transactions;
  services().countTransactions(transfer.transactions);
  return transfer.done;
}

Picoseconds SpatialStarOrchestrator::ringWrite(std::size_t from, std::size_t to,
                                               std::uint64_t bytes, Picoseconds at) {
  at = clampToNow(at);
  cores_[from].ring_bytes += bytes;
  const BurstTransfer transfer =
      burstTransfer(*(*mesh_[from]).operator->(), buffer_, sram_base_ + to * sram_stride_,
                    sram_window_, sram_cursor_[to], bytes, ring_burst_, true, at,
                    instanceName() + ": ring transfer", coreTraceSite(from, "dma"));
  transactions_ += transfer.transactions;
  services().countTransactions(transfer.transactions);
  return transfer.done;
}

Picoseconds SpatialStarOrchestrator::sendJob(std::size_t core, std::size_t unit,
                                             const spatialvp::star::StageWork& work,
                                             Picoseconds ready, bool tile_stage) {
  ready = clampToNow(ready);
  const StageJobTiming timing = sendStageJob(*(*units_[unit][core]).operator->(), work, ready,
                                             instanceName(), nullptr, coreTraceSite(core, "jobs"));
  ++transactions_;
  services().countTransactions(1);
  CoreState& state = cores_[core];
  if (tile_stage)
    state.pipeline.tileStageIssued(unit, ready, timing.started, timing.finished);
  else
    state.pipeline.otherJobIssued(unit, ready, timing.started, timing.finished);
  ++state.jobs;
  return timing.finished;
}

std::size_t SpatialStarOrchestrator::stackFor(std::size_t head, std::size_t tile_group,
                                              std::size_t owner) const {
  if (nearest_)
    return cores_[owner].nearest_stack;
  return (head + tile_group) % hbm_points_.size();
}

void SpatialStarOrchestrator::processItem(std::size_t core, std::size_t index) {
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
  if (k == 0)
    state.pipeline.beginBlock();

  Picoseconds release = 0;
  if (slot.tile_group < tile_groups) {
    const Item& item = block.items[slot.tile_group];
    const std::uint64_t payload =
        ringPayloadBytes(item, config_.layer, config_.ring_payload, members);
    ++state.items;
    const Picoseconds now = nowPs();
    Picoseconds data_ready = 0;
    Picoseconds private_ready = now;
    const bool from_ring = group.circulate && members > 1 && slot.step > 0;
    if (from_ring) {
      data_ready = state.kv.arrival(index).value_or(now);
    } else {
      const std::uint64_t bytes = group.circulate ? payload : item.shared_bytes;
      Picoseconds issue = state.kv.fetchIssue(index, now);
      if (!overlap_)
        issue = std::max(issue, state.previous_item_end);
      // The block's queries (or weights) come first, from the core's nearest stack; a Q
      // projection issued ahead (below) has fetched its own inputs already.
      const bool q_ahead = state.q_ahead_round == round_index;
      const std::uint64_t private_bytes =
          block.private_bytes - (q_ahead ? block.q_projection_bytes : 0);
      if (k == 0 && compute && private_bytes > 0) {
        issue = hbmAccess(core, state.nearest_stack, private_bytes, false, issue);
        private_ready = issue;
      }
      const std::size_t owner = group.circulate ? core : group.cores[slot.tile_group % members];
      const std::size_t stack = stackFor(round.head, slot.tile_group, owner);
      data_ready = bytes > 0 ? hbmAccess(core, stack, bytes, false, issue) : issue;
      state.kv.fetchDone(data_ready);
    }
    release = data_ready;
    if (compute) {
      Picoseconds tile_ready = data_ready;
      if (k == 0 && block.q_projection.rows > 0) {
        // Layer scope: the block's Q rows on the KV array before its first A-hat (issued
        // during the previous round where there was one, as the single-core controller does).
        if (state.q_ahead_round == round_index) {
          tile_ready = std::max(tile_ready, state.q_ahead_done);
        } else {
          const Picoseconds q_done =
              sendJob(core, 2, block.q_projection, std::max(private_ready, nowPs()), false);
          tile_ready = std::max(tile_ready, q_done);
        }
      }
      for (std::size_t u = 0; u < kUnits; ++u) {
        // A stage may run at most `stage_buffers` items ahead of the stage that consumes it.
        const Picoseconds ready = state.pipeline.stageReady(u, std::max(tile_ready, nowPs()));
        const Picoseconds end = sendJob(core, u, item.stage[u], ready, true);
        tile_ready = end;
        if (u == 2) {
          release = end;  // the KV stage has read the tile's K/V rows into its buffers
          if (k == 0)
            projectNextQueries(core, round_index);
        }
      }
      state.previous_item_end = tile_ready;
    }
    if (group.circulate && members > 1 && slot.step + 1 < members) {
      // Forward the tile to the next core of the ring as soon as it is here and the next core
      // has a free buffer for it (its item index + 1, freed kv_buffers items earlier).
      const std::size_t next = group.cores[(share.position + 1) % members];
      CoreState& succ = cores_[next];
      const Picoseconds start =
          spatialvp::models::star::ringForwardStart(data_ready, succ.kv, index);
      const Picoseconds arrived = ringWrite(core, next, payload, start);
      succ.kv.arrive(index + 1, arrived);
      release = std::max(release, arrived);
    }
  }
  state.kv.release(index, release);
  if (k + 1 == state.items_per_round)
    finishRound(core, round, release);
}

void SpatialStarOrchestrator::projectNextQueries(std::size_t core, std::size_t round_index) {
  // Layer scope: the next round's Q projection runs on the KV array while this round's tiles go
  // through DLZS and SADS (its inputs fetched first).
  CoreState& state = cores_[core];
  const std::size_t next = round_index + 1;
  if (next >= state.simulated_rounds || state.rounds[next].rows == 0)
    return;
  const Round& round = state.rounds[next];
  const BlockWork& block = templates_->block(round.first, round.rows);
  if (block.q_projection.rows == 0)
    return;
  Picoseconds ready = nowPs();
  if (block.q_projection_bytes > 0)
    ready = hbmAccess(core, state.nearest_stack, block.q_projection_bytes, false, ready);
  state.q_ahead_done = sendJob(core, 2, block.q_projection, ready, false);
  state.q_ahead_round = next;
}

void SpatialStarOrchestrator::finishRound(std::size_t core, const Round& round,
                                          Picoseconds last_release) {
  CoreState& state = cores_[core];
  Picoseconds done = last_release;
  if (round.rows > 0) {
    const BlockWork& block = templates_->block(round.first, round.rows);
    // Tile synchronisation (sources S2.5.3) once the block's last SU-FA job is done, then O.
    const Picoseconds end =
        sendJob(core, 3, block.sync, std::max(state.pipeline.blockLastSufaEnd(), nowPs()), false);
    done = block.write_bytes > 0
               ? hbmAccess(core, state.nearest_stack, block.write_bytes, true, end)
               : end;
    state.previous_item_end = std::max(state.previous_item_end, end);
  }
  done = std::max(done, last_release);
  const Picoseconds round_start = state.round_done.empty() ? 0 : state.round_done.back();
  state.finish = std::max(state.finish, done);
  state.round_done.push_back(state.finish);
  if (trace()) {
    const TraceSite site = coreTraceSite(core, "rounds");
    site.writer->complete(site.track, round.rows > 0 ? "round" : "relay round", round_start,
                          state.finish - round_start);
  }
}

void SpatialStarOrchestrator::run() {
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  std::size_t most_items = 0;
  for (const auto& state : cores_)
    most_items = std::max(most_items, state.simulated_rounds * state.items_per_round);
  for (std::size_t index = 0; index < most_items; ++index) {
    for (std::size_t core = 0; core < cores_.size(); ++core) {
      if (index < cores_[core].simulated_rounds * cores_[core].items_per_round)
        processItem(core, index);
    }
    // Let the kernel advance to the earliest time any core may still issue work.
    Picoseconds frontier = UINT64_MAX;
    for (const auto& state : cores_) {
      if (index + 1 < state.simulated_rounds * state.items_per_round)
        frontier = std::min(frontier, state.pipeline.frontier());
    }
    const Picoseconds now = nowPs();
    if (frontier != UINT64_MAX && frontier > now) {
      keeper.set(sc_core::sc_time::from_value(frontier - now));
      if (keeper.need_sync())
        keeper.sync();
    }
  }
  for (const auto& state : cores_)
    simulated_finish_ = std::max(simulated_finish_, state.finish);
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
    hbm_read += state.hbm_read_bytes;
    hbm_write += state.hbm_write_bytes;
    ring += state.ring_bytes;
    items += state.items;
    jobs += state.jobs;
    rounds += state.rounds.size();
    simulated_rounds += state.round_done.size();
    Picoseconds busiest = 0;
    for (std::size_t u = 0; u < kUnits; ++u)
      busiest = std::max(busiest, state.pipeline.busy(u));
    const double utilisation = span > 0 ? static_cast<double>(busiest) * 1e-12 / span : 0.0;
    utilisation_sum += utilisation;
    const std::string prefix = "core" + std::to_string(c) + ".";
    stats.value(prefix + "utilisation", utilisation, "ratio",
                "Busy time of the core's busiest unit / simulated time");
    for (std::size_t u = 0; u < kUnits; ++u) {
      stats.value(prefix + kUnitPorts[u] + "_busy",
                  static_cast<double>(state.pipeline.busy(u)) * 1e-12, "s",
                  "Busy time of the unit (simulated rounds)");
    }
    stats.counter(prefix + "hbm_read_bytes", state.hbm_read_bytes, "B",
                  "Bytes the core read from HBM (simulated rounds)");
    stats.counter(prefix + "ring_bytes", state.ring_bytes, "B",
                  "Bytes the core forwarded to the next ring core (simulated rounds)");
    stats.value(prefix + "latency", static_cast<double>(state.estimated_latency) * 1e-12, "s",
                "Estimated time the core finishes the layer");
    per_core.addRow({static_cast<std::int64_t>(c), utilisation,
                     static_cast<double>(state.estimated_latency) * 1e-12,
                     static_cast<std::int64_t>(state.hbm_read_bytes),
                     static_cast<std::int64_t>(state.ring_bytes),
                     static_cast<std::int64_t>(state.rounds.size()),
                     static_cast<std::int64_t>(state.round_done.size())});
  }
  if (simulated_rounds < rounds) {
    stats.coverageNote("simulated " + std::to_string(simulated_rounds) + " of " +
                       std::to_string(rounds) +
                       " rounds (sample_rounds): energy, busy times and byte counters cover only "
                       "the simulated rounds; latency and layer_* figures are extrapolated");
  }
  for (std::size_t s = 0; s < stack_read_bytes_.size(); ++s) {
    stats.counter("hbm" + std::to_string(s) + ".read_bytes", stack_read_bytes_[s], "B",
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
  stats.counter("late_requests", late_requests_, "requests",
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
