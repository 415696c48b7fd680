#pragma once
// The folder of a sweep: sweep.json (the plan: base, fixed overrides, every point) and one
// folder per point, points/NNNNNN/ with run/ (the `spatialvp run --out` folder), stderr.txt,
// command.txt and status.json. The point folders are the only record of progress, so the
// results tables can always be rebuilt from them: no row can be lost or duplicated however the
// driver or a worker died. SystemC-free.
#include <filesystem>
#include <string>
#include <vector>

#include "platform/sweep/sweep_spec.h"
#include "platform/sweep/text_file.h"

namespace spatialvp::sweep {

// Everything that identifies a sweep; a rerun into the same folder must have the same plan.
struct SweepPlan {
  std::string base;  // empty: the built-in job
  std::vector<Assignment> fixed;
  std::vector<std::string> parameters;
  std::vector<SweepPoint> points;
  std::string kind;  // platform kind ("star", "spatial_star", "wafer_moe", "generic")
};

enum class PointState {
  kPending,    // never run, or its run left nothing that says how it ended
  kCompleted,  // run/stats.json says the run completed
  kFailed,     // the run exited with a non-zero code (configuration or simulation failure)
  kKilled,     // the run was killed by a signal; rerun on resume
};

const char* pointStateName(PointState state);

struct PointStatus {
  PointState state = PointState::kPending;
  int exit_code = -1;  // -1: none (killed or not run)
  int signal = 0;
  double wall_seconds = 0.0;
  std::string stderr_tail;
};

// True when a stats.json document says its run completed: `run.complete: true`, or (stats
// written before that field existed) `run.end == "completed"`.
bool statsSayComplete(const std::string& stats_json_text);

class SweepStore {
 public:
  explicit SweepStore(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  bool hasPlan() const;
  // Creates the folder and writes sweep.json, or, when the folder already holds a sweep,
  // checks that it is the same one (throws ConfigError naming the first difference).
  void open(const SweepPlan& plan) const;
  SweepPlan loadPlan() const;

  std::filesystem::path pointDir(std::size_t id) const;
  std::filesystem::path runDir(std::size_t id) const { return pointDir(id) / "run"; }
  std::filesystem::path stderrPath(std::size_t id) const { return pointDir(id) / "stderr.txt"; }
  std::filesystem::path statusPath(std::size_t id) const { return pointDir(id) / "status.json"; }

  PointStatus status(std::size_t id) const;
  // Removes whatever an earlier attempt left, so a rerun never mixes two attempts.
  void clearPoint(std::size_t id) const;
  void recordExit(std::size_t id, int exit_code, int signal, double wall_seconds) const;

 private:
  std::filesystem::path root_;
};

// The argv of `spatialvp run` for one point (argv[0] is `executable`).
std::vector<std::string> pointCommand(const std::string& executable, const SweepPlan& plan,
                                      const SweepPoint& point, const std::string& out_dir);

}  // namespace spatialvp::sweep
