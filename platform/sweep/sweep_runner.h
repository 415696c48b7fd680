#pragma once
// Running the points of a sweep: locally with N worker processes (each point a `spatialvp run`
// child in its own folder), or on Slurm as a job array of point chunks plus a dependent gather
// job. Both leave the same point folders behind, so resume and the results tables do not
// depend on the backend. SystemC-free.
#include <string>
#include <vector>

#include "platform/sweep/sweep_progress.h"
#include "platform/sweep/sweep_store.h"

namespace spatialvp::sweep {

// Points still to run: pending and killed ones, plus failed ones when `retry_failed`.
std::vector<std::size_t> pointsToRun(const SweepStore& store, const SweepPlan& plan,
                                     bool retry_failed);

// Runs `ids` with at most `workers` concurrent children of `executable` (the spatialvp binary).
void runPointsLocally(const SweepStore& store, const SweepPlan& plan,
                      const std::vector<std::size_t>& ids, int workers,
                      const std::string& executable, SweepProgress& progress);

struct SlurmJob {
  std::string array_job_id;
  std::string gather_job_id;
  std::size_t tasks = 0;
};

// Jobs of earlier submissions of this sweep still queued or running (empty without Slurm). A
// rerun must not start while they run: they would write into the folders it reuses.
std::vector<std::string> activeSlurmJobs(const SweepStore& store);

// Submits `ids` as an sbatch job array (`points_per_task` points per task, each task runs
// `spatialvp sweep --out DIR --run-points ...`) and a gather job (`--gather`) that depends on
// it. With `wait`, blocks until the gather job has left the queue, drawing progress from the
// point folders.
// Throws std::runtime_error when sbatch fails (its stderr in the message).
SlurmJob submitToSlurm(const SweepStore& store, const SweepPlan& plan,
                       const std::vector<std::size_t>& ids, const SlurmSettings& settings,
                       const std::string& executable, bool wait, SweepProgress& progress);

}  // namespace spatialvp::sweep
