#include "workloads/moe/migration_queue.h"

#include <utility>

namespace spatialvp::moe {

MigrationQueue::MigrationQueue(const MeshTopology& topology) : topology_(&topology) {}

std::vector<Migration> MigrationQueue::advance(MigrationWindow window,
                                               std::vector<double>& spare_bytes) {
  const MeshTopology& topology = *topology_;
  for (Migration& migration : pending_) {
    const double chunk = migration.chunkBytes();
    // Later steps first, so one chunk cannot take two steps in the same window.
    for (int s = static_cast<int>(migration.steps.size()) - 1; s >= 0; --s) {
      const MigrationStep& step = migration.steps[s];
      if (step.window() != window)
        continue;
      const int limit = s == 0 ? migration.chunks : migration.chunks_done[s - 1];
      while (migration.chunks_done[s] < limit) {
        bool fits = true;
        topology.forEachLink(step.src, step.dst,
                             [&](int link) { fits = fits && spare_bytes[link] >= chunk; });
        if (!fits)
          break;
        topology.forEachLink(step.src, step.dst, [&](int link) { spare_bytes[link] -= chunk; });
        ++migration.chunks_done[s];
        moved_bytes_ += chunk;
      }
    }
  }
  std::vector<Migration> done;
  std::vector<Migration> remaining;
  for (Migration& migration : pending_) {
    (migration.complete() ? done : remaining).push_back(std::move(migration));
  }
  pending_ = std::move(remaining);
  return done;
}

}  // namespace spatialvp::moe
