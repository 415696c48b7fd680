// MoeOrchestrator's reporting: stats.json counters and the per-phase heat-map, migration and
// iteration tables (kept apart from the run loop in moe_orchestrator.cpp).
#include <cmath>

#include "models/wafer_moe/moe_orchestrator.h"
#include "models/wafer_moe/phase_keys.h"

namespace spatialvp::models::wafer_moe {

using moe::Phase;

void MoeOrchestrator::logIteration(int iteration, const Times& times) {
  std::uint64_t live = 0;
  for (const moe::ExpertPlacement& placement : placements_)
    live += static_cast<std::uint64_t>(placement.liveReplicaCount());
  iteration_log_.push_back(
      {std::int64_t{iteration}, times.imbalance / layers_, times.attention_allreduce.max,
       times.dispatch.max, times.moe_compute, times.combine.max, times.combine_collective.max,
       times.migration_stall, times.iteration, static_cast<std::int64_t>(live),
       static_cast<std::int64_t>(in_flight_.size()), static_cast<std::int64_t>(chunks_moved_)});
}

void MoeOrchestrator::reportTables(ModuleStats& stats) const {
  if (mesh_network_) {
    for (int p = 0; p < moe::kPhaseCount; ++p) {
      StatTable& table =
          stats.table(std::string("link_heatmap_") + kPhaseKeys[p],
                      std::string("Bytes per directed die-to-die link in the ") + kPhaseKeys[p] +
                          " phase (port E/W/N/S of the source die at global x, y)",
                      {{"x", ""}, {"y", ""}, {"port", ""}, {"inter_wafer", ""}, {"bytes", "B"}});
      for (int link = 0; link < topology_->linkIdCount(); ++link) {
        if (!topology_->linkExists(link))
          continue;
        const int die = topology_->linkSource(link);
        table.addRow({std::int64_t{topology_->globalX(die)}, std::int64_t{topology_->globalY(die)},
                      std::string(1, portLetter(link % 4)),
                      std::int64_t{topology_->isInterWafer(link) ? 1 : 0},
                      static_cast<std::int64_t>(std::llround(
                          heat_[static_cast<std::size_t>(p)][static_cast<std::size_t>(link)]))});
      }
    }
  }
  const auto add = [&](const char* name, const char* description, std::vector<StatColumn> columns,
                       const std::vector<std::vector<StatCell>>& rows) {
    StatTable& table = stats.table(name, description, std::move(columns));
    for (const auto& row : rows)
      table.addRow(row);
  };
  // Which step decided each phase's time (README "Phase-time accounting": the transfer whose
  // completion gives the max over dies), per layer, over the reported iterations.
  std::vector<std::vector<StatCell>> critical_rows;
  for (int p = 0; p < moe::kPhaseCount; ++p) {
    for (int step = 0; step < moe::kTransferStepCount; ++step) {
      for (int inter = 0; inter < 2; ++inter) {
        const CriticalTally& tally =
            critical_[static_cast<std::size_t>(p)][static_cast<std::size_t>(step)][inter];
        if (tally.layers == 0)
          continue;
        critical_rows.push_back(
            {std::string(kPhaseKeys[p]),
             std::string(moe::transferStepName(static_cast<moe::TransferStep>(step))),
             std::int64_t{inter}, static_cast<std::int64_t>(tally.layers), tally.seconds});
      }
    }
  }
  add("phase_critical",
      "The transfer step that decided each phase's time (max over dies), per simulated layer",
      {{"phase", ""}, {"step", ""}, {"inter_wafer", ""}, {"layers", "layers"}, {"time_s", "s"}},
      critical_rows);
  std::vector<std::vector<StatCell>> schedule_rows;
  for (const moe::CombineScheduleCost& cost : combine_choice_.candidates) {
    schedule_rows.push_back({std::string(moe::combinePolicyName(cost.policy)),
                             std::int64_t{cost.policy == mapping_->config().combine ? 1 : 0},
                             cost.combine_s, cost.collective_s});
  }
  add("combine_schedule",
      "Combine schedules: fluid estimate per layer (uniform routing); used = the one run",
      {{"schedule", ""}, {"used", ""}, {"combine_s", "s"}, {"collective_s", "s"}}, schedule_rows);
  add("migration_chunks", "NI migration chunks: window, issue and landing times",
      {{"migration", ""},
       {"layer", ""},
       {"expert", ""},
       {"dst", ""},
       {"step", ""},
       {"chunk", ""},
       {"window", ""},
       {"phase", ""},
       {"window_start_ps", "ps"},
       {"window_end_ps", "ps"},
       {"issue_ps", "ps"},
       {"landed_ps", "ps"}},
      chunk_log_);
  add("replica_live", "Shadow replicas as they become live",
      {{"layer", ""}, {"die", ""}, {"slot", ""}, {"last_chunk_ps", "ps"}, {"activated_ps", "ps"}},
      live_log_);
  // Per-iteration series (the runtime load traces of the paper's Fig. x15): times summed over
  // the simulated layers; imbalance = mean over layers of max / mean die tokens.
  add("iterations", "Per-iteration series, times summed over the simulated layers",
      {{"iteration", ""},
       {"imbalance", ""},
       {"attention_allreduce_s", "s"},
       {"dispatch_s", "s"},
       {"moe_compute_s", "s"},
       {"combine_s", "s"},
       {"combine_collective_s", "s"},
       {"migration_stall_s", "s"},
       {"iteration_s", "s"},
       {"live_replicas", "replicas"},
       {"migrations_in_flight", "migrations"},
       {"chunks_moved", "chunks"}},
      iteration_log_);
}

void MoeOrchestrator::reportStats(ModuleStats& stats) const {
  const double n = std::max(1, reported_iterations_);
  const double scale = static_cast<double>(model_.moeLayers()) / layers_;
  stats.counter("iterations", static_cast<std::uint64_t>(iterations_), "iterations",
                "Iterations simulated");
  stats.counter("reported_iterations", static_cast<std::uint64_t>(reported_iterations_),
                "iterations", "Iterations the means are taken over");
  stats.counter("dies", static_cast<std::uint64_t>(dies_), "dies", "Dies (devices)");
  stats.counter("moe_layers_simulated", static_cast<std::uint64_t>(layers_), "layers",
                "MoE layers simulated per iteration (sample_layers)");
  stats.value("layer_scale", scale, "", "Model MoE layers / simulated layers");
  stats.value("tokens_per_iteration", tokens_per_iteration_, "tokens", "Tokens per iteration");
  const auto mean = [&](const char* name, double sum, const char* what) {
    stats.value(std::string("time.") + name, sum / n, "s",
                std::string(what) + " per iteration, summed over the simulated layers");
  };
  mean("attention_compute", times_.attention_compute, "Attention compute (max over dies)");
  const auto phase = [&](const char* name, const PhaseTime& t, const char* what) {
    const std::string key(name);
    mean(key.c_str(), t.max,
         (std::string(what) + ": max over dies of the die's phase time").c_str());
    mean((key + "_mean").c_str(), t.mean,
         (std::string(what) + ": mean over dies of the die's phase time").c_str());
    mean((key + "_window").c_str(), t.window,
         (std::string(what) + ": window first issue to last delivery").c_str());
  };
  phase("attention_allreduce", times_.attention_allreduce, "Attention TP collective");
  phase("dispatch", times_.dispatch, "MoE dispatch");
  mean("moe_compute", times_.moe_compute, "Expert compute (max over dies)");
  phase("combine", times_.combine, "MoE combine");
  phase("combine_collective", times_.combine_collective, "Combine collective");
  mean("migration_stall", times_.migration_stall, "Invasive migration stall");
  mean("iteration", times_.iteration, "Iteration wall (simulated) time");
  const double moe_time = (times_.dispatch.max + times_.moe_compute + times_.combine.max +
                           times_.combine_collective.max) /
                          n;
  stats.value("time.moe", moe_time, "s", "dispatch + expert compute + combine + collective");
  stats.counter(
      "combine_owner_allgather",
      mapping_->config().combine == moe::CombinePolicy::kToOwnerThenGroupAllGather ? 1U : 0U, "",
      "Combine schedule run: 1 = owner + all-gather, 0 = reverse path + all-reduce");
  stats.value("imbalance", times_.imbalance / n, "",
              "Mean over layers of max die tokens / mean die tokens");
  stats.headline("iteration_time", times_.iteration / n * scale, "s",
                 "Iteration time scaled to all MoE layers of the model");
  stats.headline("moe_tokens_per_second_per_device",
                 moe_time > 0.0 ? tokens_per_iteration_ / (moe_time * scale) / dies_ : 0.0,
                 "tokens/s", "MoE throughput per device (MoE time of all layers)");
  for (int p = 0; p < moe::kPhaseCount; ++p) {
    const std::string key = std::string("phase.") + kPhaseKeys[p];
    const std::size_t i = static_cast<std::size_t>(p);
    stats.counter(key + ".bytes", phase_bytes_[i], "B", "Bytes of the phase's transfers");
    stats.counter(key + ".link_bytes", phase_link_bytes_[i], "B", "Sum over links of bytes");
    stats.counter(key + ".transfers", phase_transfers_[i], "transfers", "Transfers issued");
  }
  if (mesh_network_ && mapping_->entwined()) {
    double inter = 0.0;
    const std::vector<double>& heat = heat_[static_cast<std::size_t>(Phase::kDispatch)];
    for (int link = 0; link < topology_->linkIdCount(); ++link) {
      if (topology_->linkExists(link) && !mapping_->isIntraFtdLink(link))
        inter += heat[static_cast<std::size_t>(link)];
    }
    stats.counter("phase.dispatch.inter_ftd_link_bytes", wholeBytes(inter), "B",
                  "Dispatch bytes on links between FTDs");
  }
  stats.counter("rx_bytes", rx_bytes_, "B", "Bytes delivered to die receive windows");
  stats.counter("segments.transfers", segment_transfers_, "transfers",
                "Route segments issued for the segment_phases' transfers");
  stats.counter("segments.relayed_bytes", relayed_bytes_, "B",
                "Route segments: bytes delivered to a die where their route turns and sent on "
                "(in rx_bytes and the mesh's bytes_in, not in the phases' bytes)");
  stats.counter("hbm_read_bytes", attention_hbm_bytes_ + expert_hbm_bytes_, "B",
                "Bytes read from the dies' HBM (attention and expert)");
  stats.counter("attention_hbm_read_bytes", attention_hbm_bytes_, "B",
                "Attention weight and KV-cache bytes read from HBM");
  stats.counter("expert_hbm_read_bytes", expert_hbm_bytes_, "B",
                "Expert weight bytes read from HBM");
  stats.counter("sram_read_bytes", sram_bytes_, "B", "Expert weight bytes read from die SRAM");
  stats.value("hbm_resident_bytes", resident_.total, "B",
              "Per die: routed and shared expert weights, attention share, KV cache share");
  stats.counter("transactions", transactions_, "transactions", "TLM transactions issued");
  stats.counter("migrations_started", migrations_started_, "migrations", "Migrations planned");
  stats.counter("migrations_completed", migrations_completed_, "migrations",
                "Migrations whose last chunk landed");
  stats.counter("migrations_in_flight", in_flight_.size(), "migrations", "Still moving at the end");
  stats.counter("migration_chunks", chunks_moved_, "chunks", "NI chunks moved");
  stats.counter("migration_chunks_late", chunks_late_, "chunks",
                "NI chunks that landed after their window closed");
  stats.counter("live_replicas", live_replicas_, "replicas", "Live shadow replicas at the end");
  if (layers_ < model_.moeLayers()) {
    stats.coverageNote("simulated " + std::to_string(layers_) + " of " +
                       std::to_string(model_.moeLayers()) +
                       " MoE layers per iteration (sample_layers): headline times and "
                       "throughput are scaled up, counters and energy cover the simulated layers");
  }
  reportFaults(stats);
  reportTables(stats);
}

std::optional<WorkProgress> MoeOrchestrator::progress() const {
  return WorkProgress{static_cast<double>(layers_done_), static_cast<double>(iterations_) * layers_,
                      "layers"};
}

}  // namespace spatialvp::models::wafer_moe
