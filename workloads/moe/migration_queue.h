#pragma once
// Migrations in flight (NI-Balancer). In a window the chunks use only the spare capacity of the
// links it leaves: spare(link) = window length x bandwidth - inference bytes on the link, so the
// migration shares the mesh with inference and never lengthens the window (analytic model).
// A chunk moves only if every link of its route has room for the whole chunk.
#include <vector>

#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/migration.h"

namespace spatialvp::moe {

class MigrationQueue {
 public:
  explicit MigrationQueue(const MeshTopology& topology);

  void add(Migration migration) { pending_.push_back(std::move(migration)); }
  bool empty() const { return pending_.empty(); }
  int size() const { return static_cast<int>(pending_.size()); }
  const std::vector<Migration>& pending() const { return pending_; }

  // Advances the steps that belong to `window`, spending `spare_bytes` (per link id, updated).
  // Returns the migrations that completed (removed from the queue), in queue order.
  std::vector<Migration> advance(MigrationWindow window, std::vector<double>& spare_bytes);
  double movedBytes() const { return moved_bytes_; }

 private:
  const MeshTopology* topology_;
  std::vector<Migration> pending_;
  double moved_bytes_ = 0.0;
};

}  // namespace spatialvp::moe
