// MoeOrchestrator's balancing: planning at the end of an iteration, invasive copies, and the
// NI-Balancer's chunked migrations in their windows (kept apart from the run loop in
// moe_orchestrator.cpp; README "Balancers and migration").
#include <algorithm>

#include "models/wafer_moe/moe_orchestrator.h"
#include "models/wafer_moe/phase_keys.h"

namespace spatialvp::models::wafer_moe {

using moe::Phase;
using moe::Transfer;

void MoeOrchestrator::activateDue(int layer) {
  // The layer is about to be routed: the earliest any of its dispatches can start is the
  // earliest die ready time. A replica whose last chunk lands later waits for the next round.
  const Picoseconds earliest = *std::min_element(ready_.begin(), ready_.end());
  std::vector<PendingActivation> keep;
  for (const PendingActivation& a : activations_) {
    if (a.layer == layer && a.live_at <= earliest) {
      placements_[static_cast<std::size_t>(a.layer)].activate(a.die, a.slot);
      live_log_.push_back({std::int64_t{a.layer}, std::int64_t{a.die}, std::int64_t{a.slot},
                           static_cast<std::int64_t>(a.live_at),
                           static_cast<std::int64_t>(earliest)});
    } else {
      keep.push_back(a);
    }
  }
  activations_ = std::move(keep);
}

void MoeOrchestrator::advanceMigrations(moe::MigrationWindow kind,
                                        std::initializer_list<Phase> phases, const Window& window,
                                        const Window& idle) {
  if (in_flight_.empty() || !window.valid())
    return;
  const double length = seconds(window.end - window.start);
  spare_.assign(static_cast<std::size_t>(topology_->linkIdCount()), 0.0);
  chunk_bytes_.assign(spare_.size(), 0.0);
  for (int link = 0; link < topology_->linkIdCount(); ++link) {
    if (topology_->linkExists(link)) {
      const std::size_t l = static_cast<std::size_t>(link);
      double used = 0.0;
      for (Phase phase : phases)
        used += layer_loads_->phaseBytes(phase)[l];
      spare_[l] = std::max(0.0, length * topology_->linkBandwidth(link) - used);
    }
  }
  std::string phase_names;
  for (Phase phase : phases)
    phase_names +=
        (phase_names.empty() ? "" : "+") + std::string(kPhaseKeys[static_cast<int>(phase)]);
  std::vector<InFlight> remaining;
  for (InFlight& f : in_flight_) {
    moe::Migration& m = f.migration;
    const std::uint64_t chunk = wholeBytes(m.chunkBytes());
    // Later steps first, so one chunk cannot take two steps in the same window.
    for (int s = static_cast<int>(m.steps.size()) - 1; s >= 0; --s) {
      const moe::MigrationStep& step = m.steps[static_cast<std::size_t>(s)];
      if (step.window() != kind)
        continue;
      const int limit = s == 0 ? m.chunks : m.chunks_done[static_cast<std::size_t>(s - 1)];
      int& done = m.chunks_done[static_cast<std::size_t>(s)];
      while (done < limit) {
        const std::size_t c = static_cast<std::size_t>(done);
        Picoseconds earliest = idle.valid() ? idle.start : window.start;
        if (s > 0)
          earliest = std::max(earliest, f.landed[static_cast<std::size_t>(s - 1)][c]);
        // One chunk of a step in flight at a time (a DMA ring of one chunk buffer), and only
        // if it can land inside the window at zero load.
        if (c > 0)
          earliest = std::max(earliest, f.landed[static_cast<std::size_t>(s)][c - 1]);
        const double zero_load =
            topology_->zeroLoadTime(step.src, step.dst, static_cast<double>(chunk));
        if (earliest + toPs(zero_load) > window.end)
          break;
        bool fits = true;
        double queue = 0.0;  // s: the route's booked bytes of this window, as if all were ahead
        double chunk_queue = 0.0;  // s: the same for the chunks booked in this window only
        topology_->forEachLink(step.src, step.dst, [&](int link) {
          const std::size_t l = static_cast<std::size_t>(link);
          const double bandwidth = topology_->linkBandwidth(link);
          fits = fits && spare_[l] >= static_cast<double>(chunk);
          queue += (length * bandwidth - spare_[l]) / bandwidth;
          chunk_queue += chunk_bytes_[l] / bandwidth;
        });
        if (!fits)
          break;
        // Timeliness. With an idle interval (layer windows) a chunk must land inside it, where
        // it can only wait behind this window's earlier chunks, so it never meets inference
        // traffic. Otherwise ("booked" admission) it may wait behind every byte booked on its
        // route in the window (inference plus chunks), hop after hop, and must still land by
        // the window end. Else it waits for a later window of its kind.
        if (idle.valid()) {
          if (earliest + toPs(zero_load + chunk_queue) > idle.end)
            break;
        } else if (chunk_booked_bound_ && earliest + toPs(zero_load + queue) > window.end) {
          break;
        }
        topology_->forEachLink(step.src, step.dst, [&](int link) {
          spare_[static_cast<std::size_t>(link)] -= static_cast<double>(chunk);
          chunk_bytes_[static_cast<std::size_t>(link)] += static_cast<double>(chunk);
        });
        const Picoseconds landed = send(step.src, step.dst, chunk, earliest);
        traceMigration(step.src, step.dst, chunk, std::max(earliest, nowPs()), landed);
        f.landed[static_cast<std::size_t>(s)][c] = landed;
        recordLinks(Transfer{step.src, step.dst, static_cast<double>(chunk), step.phase,
                             moe::TransferStep::kMigration});
        ++chunks_moved_;
        if (landed > window.end)
          ++chunks_late_;
        chunk_log_.push_back(
            {static_cast<std::int64_t>(f.id), static_cast<std::int64_t>(m.layer),
             static_cast<std::int64_t>(m.expert), static_cast<std::int64_t>(m.dst),
             static_cast<std::int64_t>(s), static_cast<std::int64_t>(c),
             std::string(kind == moe::MigrationWindow::kAttentionAllReduce ? "attention" : "moe"),
             phase_names, static_cast<std::int64_t>(window.start),
             static_cast<std::int64_t>(window.end),
             static_cast<std::int64_t>(std::max(earliest, nowPs())),
             static_cast<std::int64_t>(landed)});
        ++done;
      }
    }
    if (m.complete()) {
      const std::vector<Picoseconds>& last = f.landed.back();
      activations_.push_back(PendingActivation{m.layer, m.dst, m.dst_slot,
                                               *std::max_element(last.begin(), last.end())});
      ++migrations_completed_;
    } else {
      remaining.push_back(std::move(f));
    }
  }
  in_flight_ = std::move(remaining);
}

void MoeOrchestrator::traceMigration(int src, int dst, std::uint64_t bytes, Picoseconds start,
                                     Picoseconds landed) {
  if (!trace())
    return;
  TraceArgs args;
  args.bytes = bytes;
  args.source = "die" + std::to_string(src);
  args.destination = "die" + std::to_string(dst);
  const TraceSite site = traceSite("migrations");
  site.writer->complete(site.track, "migration", start, landed - start, args);
}

void MoeOrchestrator::balance(int iteration, Times& times) {
  moe::BalancerDecision decision =
      // A landed replica waiting to go live still holds its reserved slot: no new plan yet.
      balancer_->onIteration(iteration, loads_, placements_,
                             !in_flight_.empty() || !activations_.empty());
  migrations_started_ += decision.migrations.size();
  if (decision.migrations.empty())
    return;
  if (decision.invasive) {
    // Inference stops; every copy moves at once over the network.
    const Picoseconds start = *std::max_element(ready_.begin(), ready_.end());
    Picoseconds end = start;
    for (const moe::Migration& m : decision.migrations) {
      const std::uint64_t bytes = wholeBytes(m.bytes);
      const Picoseconds landed = send(m.src, m.dst, bytes, start);
      traceMigration(m.src, m.dst, bytes, start, landed);
      end = std::max(end, landed);
      recordLinks(Transfer{m.src, m.dst, static_cast<double>(bytes), Phase::kMigrationGlobal,
                           moe::TransferStep::kMigration});
      placements_[static_cast<std::size_t>(m.layer)].activate(m.dst, m.dst_slot);
      ++migrations_completed_;
    }
    std::fill(ready_.begin(), ready_.end(), end);
    times.migration_stall += seconds(end - start);
    return;
  }
  for (moe::Migration& m : decision.migrations) {
    InFlight f;
    f.id = next_migration_id_++;
    f.landed.assign(m.steps.size(),
                    std::vector<Picoseconds>(static_cast<std::size_t>(m.chunks), 0));
    f.migration = std::move(m);
    in_flight_.push_back(std::move(f));
  }
}

}  // namespace spatialvp::models::wafer_moe
