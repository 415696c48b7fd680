#include "models/star/star_controller.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "models/star/layer_params.h"
#include "models/star/stage_job.h"
#include "models/star/star_stage_unit.h"
#include "models/star/tile_pipeline.h"
#include "platform/core/param_choice.h"
#include "platform/sim/address_window.h"
#include "platform/sim/burst_transfer.h"
#include "platform/sim/kernel_time.h"
#include "workloads/star/npy_file.h"
#include "workloads/star/vanilla_planner.h"

namespace spatialvp::models::star {

namespace {

using spatialvp::star::PipelineStage;

std::size_t toSize(std::int64_t value) {
  return static_cast<std::size_t>(value);
}

// Stages of a key tile, which the inter-stage buffers pace; the Q projection and the tile
// synchronisation belong to the query block.
bool isTileStage(PipelineStage stage) {
  return stage != PipelineStage::Synchronize && stage != PipelineStage::QProjection;
}

// Functional mode keeps every head's data and buffers in memory (doubles) and runs the
// reference once more at the end: small shapes only.
constexpr std::uint64_t kFunctionalMaxValues = std::uint64_t{1} << 22;

}  // namespace

StarController::StarController(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      stage_buffers_(toSize(params().integer("stage_buffers"))),
      dram_base_(static_cast<std::uint64_t>(params().integer("dram_base"))),
      dram_window_(static_cast<std::uint64_t>(params().quantity("dram_window"))),
      dram_burst_(static_cast<std::uint64_t>(params().quantity("dram_burst"))) {
  const workloads::AttentionWorkload workload = layerWorkloadFrom(params());
  plan_input_ = tilingInputFrom(params());
  failIfPlanTooLarge(params(), plan_input_);
  auto& in = plan_input_;
  if (in.tile_length == 0 && in.tiles > in.seq_len)
    params().fail("workload.tiles", "more tiles than keys");
  if (in.tile_length > in.seq_len)
    params().fail("workload.tile_length", "longer than the sequence");
  if (dram_burst_ > dram_window_)
    params().fail("dram_burst", "must not exceed dram_window");

  vanilla_ = paramChoice<bool>(params(), "dataflow", {{"vanilla", true}, {"star", false}});
  sorter_bound_ = !vanilla_ && warnIfSorterBound(in, instanceName());
  plan_ =
      vanilla_ ? spatialvp::star::planVanillaDynamicSparsity(in) : spatialvp::star::planTiling(in);
  // The same layer on the A100 baseline (workloads/baselines), for speedup and energy ratios.
  dense_ops_ = static_cast<double>(workload.denseAttentionOpsPerLayer());
  const workloads::A100Model a100(workloads::a100ParamsFrom(params(), "a100"));
  const auto scope = in.include_projections ? workloads::A100Scope::AttentionWithQkvProjection
                                            : workloads::A100Scope::AttentionCore;
  a100_dense_ = a100.estimateLayer(workload, workloads::A100AttentionKernel::DensePyTorch, scope);
  a100_flash_ =
      a100.estimateLayer(workload, workloads::A100AttentionKernel::FlashAttention2, scope);
  a100_eager_ =
      a100.estimateEager(workload, workloads::parseHfAttentionModule(workload.hf_attention), scope);
  if (paramChoice<bool>(params(), "mode", {{"functional", true}, {"timing", false}}))
    setUpFunctional();
  burst_buffer_.assign(dram_burst_, 0);
  becomeActive();
  SC_HAS_PROCESS(StarController);
  SC_THREAD(run);
}

void StarController::setUpFunctional() {
  const auto& in = plan_input_;
  if (vanilla_)
    params().fail("mode", "functional mode runs the star dataflow only (dataflow: star)");
  if (in.include_projections)
    params().fail("mode",
                  "functional mode needs scope: attention (Q, K, V given); with the projections "
                  "the synthetic K = X W_k is not bit-equal to the reference's K");
  const std::size_t queries = in.queries == 0 ? in.seq_len : in.queries;
  const std::uint64_t d = in.hidden_size / in.heads;
  // Per head: predicted logits (queries x S), Q/K/V and the K/V buffer (~5 S x d), tile
  // partials (queries x tiles x d).
  const std::uint64_t per_head =
      std::max({static_cast<std::uint64_t>(in.seq_len) * queries, 5 * in.seq_len * d,
                static_cast<std::uint64_t>(queries) * plan_.tiles * d});
  const std::uint64_t values = per_head * in.heads;
  if (values > kFunctionalMaxValues) {
    params().fail("mode", "functional mode is for small shapes: " + std::to_string(values) +
                              " buffered values (max of S x queries, 5 S x d, queries x Tc x d, "
                              "times heads) exceed " +
                              std::to_string(kFunctionalMaxValues));
  }
  functional_ = true;
  const double radius = params().real("sads_radius");
  auto& settings = functional_settings_;
  settings.sads.keep_ratio = in.keep_ratio;
  settings.sads.radius = radius < 0 ? std::numeric_limits<double>::infinity() : radius;
  settings.sads.sorter_new_inputs = in.sorter.sorter_new_inputs;
  settings.sads.sorter_width = in.sorter.sorter_width;
  settings.sufa.order = in.order;
  settings.sufa.scale = 1.0 / std::sqrt(static_cast<double>(d));
  settings.sufa.max_assurance = true;  // as the planner counts
  settings.kv_policy = in.kv_policy;
  // The reference run on the same data: same T, tiles (Tc or Bc), k, r, order and policy.
  auto& ref = reference_config_;
  ref.query_block = in.query_block;
  ref.sads = settings.sads;
  ref.sads.segments = plan_.tiles;  // the planner's tiling (balanced may refine Tc)
  ref.tile_length = 0;
  ref.order = in.order;
  ref.max_assurance = settings.sufa.max_assurance;
  ref.kv_policy = in.kv_policy;
  ref.compute_reference = false;
  // The planner's tile boundaries (segmentBounds of Tc or ceil(S / Bc) parts), which are
  // also the reference's SADS sub-segments.
  tile_bounds_ = spatialvp::star::segmentBounds(
      in.seq_len, spatialvp::star::effectiveSadsConfig(ref, in.seq_len).segments);
  if (tile_bounds_.size() != plan_.tiles)
    params().fail("workload.tiles", "functional tile boundaries differ from the plan's");

  const auto seed = static_cast<std::uint64_t>(params().integer("functional_seed"));
  heads_.reserve(in.heads);
  for (std::size_t head = 0; head < in.heads; ++head) {
    spatialvp::star::SyntheticConfig synthetic;
    synthetic.seq_len = in.seq_len;
    synthetic.head_dim = d;
    synthetic.hidden_size = in.hidden_size;
    synthetic.queries = in.queries;
    synthetic.seed = seed + head;
    heads_.push_back(
        prepareFunctionalHead(spatialvp::star::generateSyntheticWorkload(synthetic), plan_.tiles));
  }
}

FunctionalJob StarController::functionalJob(const spatialvp::star::StageWork& work) {
  FunctionalJob job;
  job.settings = &functional_settings_;
  job.head = &heads_.at(work.head);
  job.first_row = work.query_block * plan_input_.query_block;
  job.rows = work.rows;
  job.tile = work.tile;
  job.key_begin = tile_bounds_.at(work.tile).first;
  job.key_end = tile_bounds_.at(work.tile).second;
  return job;
}

void StarController::checkFunctional() {
  // O assembled by the units vs the reference library on the same data, bit for bit.
  std::vector<double> all;
  std::size_t rows = 0;
  std::size_t cols = 0;
  for (const FunctionalHead& head : heads_) {
    const spatialvp::star::StarRunResult reference =
        spatialvp::star::runStar(head.workload, reference_config_);
    const auto& got = head.output.values();
    const auto& want = reference.output.values();
    if (got.size() != want.size()) {
      functional_mismatches_ += std::max(got.size(), want.size());
      continue;
    }
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (std::memcmp(&got[i], &want[i], sizeof(double)) != 0)
        ++functional_mismatches_;
      const double diff = std::fabs(got[i] - want[i]);
      if (!(diff <= functional_max_abs_diff_))
        functional_max_abs_diff_ = diff;  // NaN propagates
    }
    all.insert(all.end(), got.begin(), got.end());
    rows += head.output.rows();
    cols = head.output.cols();
  }
  functional_output_shape_ = {rows, cols};
  functional_output_ = std::move(all);
}

InitiatorSocket* StarController::initiatorSocket(const std::string& port, std::size_t index) {
  if (index != 0)
    return nullptr;
  if (port == "dlzs")
    return &dlzs_;
  if (port == "sads")
    return &sads_;
  if (port == "kv")
    return &kv_;
  if (port == "sufa")
    return &sufa_;
  if (port == "dram")
    return &dram_;
  return nullptr;
}

Picoseconds StarController::dramTransfer(std::uint64_t bytes, bool write, Picoseconds at) {
  (write ? dram_write_bytes_ : dram_read_bytes_) += bytes;
  const BurstTransfer transfer = burstTransfer(
      *dram_.operator->(), burst_buffer_, dram_base_, dram_window_, dram_cursor_, bytes,
      dram_burst_, write, at, instanceName() + ": DRAM access", traceSite("dram"));
  services().countTransactions(transfer.transactions);
  return transfer.done;
}

Picoseconds StarController::sendJob(std::size_t unit, const spatialvp::star::StageWork& work,
                                    Picoseconds ready, Picoseconds& started) {
  tlm_utils::simple_initiator_socket<StarController>* sockets[kUnitStages] = {&dlzs_, &sads_, &kv_,
                                                                              &sufa_};
  FunctionalJob data;
  if (functional_)
    data = functionalJob(work);
  const StageJobTiming timing =
      sendStageJob(*(*sockets[unit]).operator->(), work, ready, instanceName(),
                   functional_ ? &data : nullptr, traceSite("jobs"));
  services().countTransactions(1);
  started = timing.started;
  return timing.finished;
}

void StarController::runSerial() {
  // Vanilla dynamic sparsity: every phase waits for the previous one, data is fetched when
  // the phase starts and its results are written back before the next phase begins.
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  Picoseconds done = 0;
  for (const auto& work : plan_.work) {
    const auto now = nowPs();
    Picoseconds ready = std::max(done, now);
    if (work.bytes.dram_read > 0) {
      const Picoseconds fetched = dramTransfer(work.bytes.dram_read, false, ready);
      dram_stall_ps_ += fetched - ready;
      ready = fetched;
    }
    Picoseconds started = 0;
    done = sendJob(stageUnit(work.stage), work, ready, started);
    sram_bytes_ += work.bytes.sram_read + work.bytes.sram_write;
    if (work.bytes.dram_write > 0)
      done = dramTransfer(work.bytes.dram_write, true, done);
    ++tiles_;
    finish_ = std::max(finish_, done);
    if (done > now) {
      keeper.set(sc_core::sc_time::from_value(done - now));
      if (keeper.need_sync())
        keeper.sync();
    }
  }
  const auto now = nowPs();
  if (finish_ > now)
    sc_core::wait(sc_core::sc_time::from_value(finish_ - now));
  finished();
}

void StarController::run() {
  if (vanilla_) {
    runSerial();
    return;
  }
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  // The shared tile-pipeline rules (tile_pipeline.h): stage buffers between the units, and a
  // double-buffered data fetcher that runs one DLZS job ahead (item = DLZS jobs so far, whose
  // buffer frees when the DLZS starts on it).
  TilePipeline pipeline(stage_buffers_);
  ItemBuffers fetch_buffers(1);
  Picoseconds tile_ready = 0;  // end of the previous stage of the current tile
  std::size_t current_head = SIZE_MAX, current_block = SIZE_MAX, current_tile = SIZE_MAX;
  // Layer scope: when the Q projection of (head, block) ends; that block's first A-hat waits.
  std::pair<std::size_t, std::size_t> q_block{SIZE_MAX, SIZE_MAX};
  Picoseconds q_done = 0;
  // Write-backs wait here until the fetcher's reads have caught up with their time: sent at
  // once, a write timed at a block's end would reach the DRAM before earlier-timed prefetches
  // of the next block, and a bus served in call order would leave idle the time between.
  std::deque<std::pair<std::uint64_t, Picoseconds>> pending_writes;
  auto flushWrites = [&](Picoseconds up_to) {
    while (!pending_writes.empty() && pending_writes.front().second <= up_to) {
      const auto [bytes, at] = pending_writes.front();
      pending_writes.pop_front();
      finish_ = std::max(finish_, dramTransfer(bytes, true, at));
    }
  };

  for (const auto& work : plan_.work) {
    const auto now = nowPs();
    const bool new_tile =
        work.head != current_head || work.query_block != current_block || work.tile != current_tile;
    const bool projection = work.stage == PipelineStage::QProjection;
    if (work.stage == PipelineStage::Synchronize) {
      tile_ready = pipeline.blockLastSufaEnd();
    } else if (new_tile && !projection) {
      if (work.head != current_head || work.query_block != current_block)
        pipeline.beginBlock();
      current_head = work.head;
      current_block = work.query_block;
      current_tile = work.tile;
      tile_ready = std::max(now, tileAccepted(work));
      ++tiles_;
    }
    const std::size_t unit = stageUnit(work.stage);
    const bool tile_stage = isTileStage(work.stage);
    // A Q projection depends only on its data; it sits between the tiles' stages in the list.
    Picoseconds ready = projection ? now : std::max(tile_ready, now);
    if (work.stage == PipelineStage::Dlzs && work.tile == 0 &&
        q_block == std::make_pair(work.head, work.query_block))
      ready = std::max(ready, q_done);
    if (tile_stage)
      ready = pipeline.stageReady(unit, ready);
    if (work.bytes.dram_read > 0) {
      // Double-buffered fetch: the next tile's data streams in while the previous tile computes.
      const Picoseconds issue = fetch_buffers.fetchIssue(fetch_buffers.released(), now);
      flushWrites(issue);
      const Picoseconds fetched = dramTransfer(work.bytes.dram_read, false, issue);
      fetch_buffers.fetchDone(fetched);
      if (fetched > ready)
        dram_stall_ps_ += fetched - ready;
      ready = std::max(ready, fetched);
    }
    Picoseconds started = 0;
    const Picoseconds end = sendJob(unit, work, ready, started);
    sram_bytes_ += work.bytes.sram_read + work.bytes.sram_write;
    if (tile_stage)
      pipeline.tileStageIssued(unit, ready, started, end);
    else
      pipeline.otherJobIssued(unit, ready, started, end);
    if (work.stage == PipelineStage::Dlzs)
      fetch_buffers.release(fetch_buffers.released(), started);
    if (work.stage == PipelineStage::QProjection) {
      q_block = {work.head, work.query_block};
      q_done = end;
    }
    if (!projection)
      tile_ready = end;
    if (work.bytes.dram_write > 0) {
      const auto later = std::find_if(pending_writes.begin(), pending_writes.end(),
                                      [end](const auto& write) { return write.second > end; });
      pending_writes.insert(later, {work.bytes.dram_write, end});
    }
    finish_ = std::max(finish_, end);

    const Picoseconds frontier = pipeline.frontier();
    if (frontier > now) {
      keeper.set(sc_core::sc_time::from_value(frontier - now));
      if (keeper.need_sync())
        keeper.sync();
    }
  }
  flushWrites(std::numeric_limits<Picoseconds>::max());
  if (functional_)
    checkFunctional();
  const auto now = nowPs();
  if (finish_ > now)
    sc_core::wait(sc_core::sc_time::from_value(finish_ - now));
  finished();
}

void StarController::connected(const PlatformView& view) {
  checkWindowBehind(view, *this, "dram", 0, dram_base_, dram_window_, "dram_window");
  checkTokenSramWindow(view, *this, params(), plan_input_.token_sram_bytes);
}

std::optional<WorkProgress> StarController::progress() const {
  // The serial (vanilla) schedule counts every stage job as a tile, so it has no fixed total.
  const double total =
      vanilla_ ? 0.0 : static_cast<double>(plan_.tiles * plan_.query_blocks * plan_input_.heads);
  return WorkProgress{static_cast<double>(tiles_), total, "tiles"};
}

void StarController::reportStats(ModuleStats& stats) const {
  const double latency = static_cast<double>(finish_) * 1e-12;
  stats.counter("tiles", tiles_, "tiles", "Head x query-block x key-tile steps");
  stats.counter("tiles_per_row", plan_.tiles, "tiles", "Key tiles per score row Tc (planned)");
  stats.counter("tile_length", plan_.tile_length, "keys", "Keys per tile Bc (planned)");
  stats.counter("sorter_bound", sorter_bound_ ? 1 : 0, "",
                "1 when a fixed tiling leaves the sorter slower than SU-FA per tile");
  stats.counter("dram_read_bytes", dram_read_bytes_, "B", "Bytes fetched from DRAM");
  stats.counter("dram_write_bytes", dram_write_bytes_, "B", "Bytes written to DRAM");
  stats.counter("sram_bytes", sram_bytes_, "B", "SRAM bytes moved by all units");
  stats.value("dram_stall_time", static_cast<double>(dram_stall_ps_) * 1e-12, "s",
              "Time stages waited for DRAM data beyond their other dependencies");
  if (functional_) {
    std::uint64_t kv_rows = 0;
    std::uint64_t selected = 0;
    for (const FunctionalHead& head : heads_) {
      kv_rows += head.kv_rows_moved;
      selected += head.selected_keys;
    }
    stats.counter("functional_selected_keys", selected, "keys",
                  "Keys SADS kept, all heads and query rows (functional mode)");
    stats.counter("functional_kv_rows", kv_rows, "rows",
                  "K/V rows the KV unit produced (functional mode)");
    stats.counter("functional_mismatches", functional_mismatches_, "values",
                  "Output values not bit-equal to the reference library (functional mode)");
    stats.value("functional_max_abs_diff", functional_max_abs_diff_, "",
                "Largest |O - reference O| (functional mode; 0 expected)");
    if (!functional_output_.empty()) {
      stats.array("O", "Attention output of all heads, (heads x queries) x d (functional mode)",
                  functional_output_shape_, functional_output_);
    }
  }
  stats.value("dense_equivalent_ops", dense_ops_, "op",
              "Dense attention ops (QK^T + SV, 2 per MAC)");
  stats.value("a100_pytorch_time", a100_dense_.time_s, "s",
              "A100 dense PyTorch attention, same layer");
  stats.value("a100_pytorch_energy", a100_dense_.energy_j, "J",
              "A100 dynamic energy, dense PyTorch");
  stats.value("a100_flash_attention2_time", a100_flash_.time_s, "s",
              "A100 FlashAttention-2, same layer");
  stats.value("a100_flash_attention2_energy", a100_flash_.energy_j, "J",
              "A100 dynamic energy, FA-2");
  stats.value("a100_eager_time", a100_eager_.time_s, "s",
              "A100 eager PyTorch/HuggingFace module at batch 1 (host + kernels), same layer");
  stats.value("a100_eager_energy", a100_eager_.energy_j, "J",
              "A100 dynamic energy of the eager module (kernel time x dynamic power)");
  stats.value("a100_eager_host_time", a100_eager_.host_s, "s",
              "Host time of the eager module (per-op overhead and launches)");
  stats.value("a100_eager_kernel_time", a100_eager_.device_s, "s",
              "Time the eager module's kernels ran");
  stats.counter("a100_eager_launches", a100_eager_.launches, "kernels",
                "Kernels the eager module launches");
  stats.headline("latency", latency, "s", "Time to finish the attention layer");
  stats.headline("speedup_vs_a100_eager", latency > 0 ? a100_eager_.time_s / latency : 0.0, "x",
                 "A100 eager PyTorch module time / latency (the baseline SOFA measured)");
  stats.headline("speedup_vs_a100_pytorch", latency > 0 ? a100_dense_.time_s / latency : 0.0, "x",
                 "A100 dense PyTorch time / latency");
  stats.headline("speedup_vs_a100_flash_attention2",
                 latency > 0 ? a100_flash_.time_s / latency : 0.0, "x",
                 "A100 FlashAttention-2 time / latency");
  stats.headline("effective_throughput", latency > 0 ? dense_ops_ / latency : 0.0, "op/s",
                 "Dense-equivalent ops / latency (sources S3.5)");
  stats.headline(
      "dram_bandwidth",
      latency > 0 ? static_cast<double>(dram_read_bytes_ + dram_write_bytes_) / latency : 0.0,
      "B/s", "Average DRAM traffic");
}

ModuleTypeInfo starControllerTypeInfo() {
  ModuleTypeInfo info;
  info.name = "star_controller";
  info.description = "STAR controller: tiling plan, data fetcher and the cross-stage tile pipeline";
  ParamSchema& p = info.params;
  declareLayerParams(p, LayerParamDefaults{});
  declareStageBuffers(p);
  p.enumeration("dataflow", {"star", "vanilla"},
                "star: cross-stage tiled pipeline; vanilla: separate stages through DRAM, no "
                "on-demand KV, no RASS, FA-2 order (the in-platform baseline)")
      .byDefault("star");
  p.enumeration("mode", {"timing", "functional"},
                "timing: counts only; functional: small shapes, seeded synthetic Q/K/V flow "
                "through the units and O is checked bit for bit against the reference library")
      .byDefault("timing");
  p.integer("functional_seed", "Functional mode: seed of head 0's synthetic data (head h: +h)")
      .byDefault("1")
      .atLeast(0);
  p.real("sads_radius", "Functional mode: SADS radius r in logits; < 0 = no radius")
      .byDefault("-1");
  p.presetGroup("a100", "presets", "a100",
                "the A100 baseline's constants: a preset in presets/ (a100), or a map of keys "
                "that change it (workloads/baselines/a100_params.h)");
  workloads::declareA100Params(p, "a100");
  p.integer("dram_base", "First DRAM address used").byDefault("0").atLeast(0);
  p.quantity("dram_window", dims::data(), "DRAM address window streamed through")
      .byDefault("1 GiB")
      .above(0);
  p.quantity("dram_burst", dims::data(), "Bytes per DRAM transaction of the data fetcher")
      .byDefault("1 MiB")
      .above(0);
  for (const char* port : {"dlzs", "sads", "kv", "sufa"}) {
    info.ports.push_back(
        {port, PortDirection::kInitiator, std::string("Jobs to the ") + port + " unit", true});
  }
  info.ports.push_back(
      {"dram", PortDirection::kInitiator, "Data fetcher and O write-back to DRAM", true});
  return info;
}

void registerStarController(ModuleRegistry& registry) {
  registry.add<StarController>(starControllerTypeInfo());
}

}  // namespace spatialvp::models::star
