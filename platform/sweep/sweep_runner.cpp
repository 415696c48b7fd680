#include "platform/sweep/sweep_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "platform/sweep/child_process.h"
#include "platform/sweep/sweep_results.h"

namespace spatialvp::sweep {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string failureLine(const SweepStore& store, std::size_t id) {
  const PointStatus status = store.status(id);
  std::string last = status.stderr_tail;
  if (const auto newline = last.rfind('\n'); newline != std::string::npos)
    last = last.substr(newline + 1);
  const std::string how = status.signal ? "killed by signal " + std::to_string(status.signal)
                                        : "exit " + std::to_string(status.exit_code);
  return "point " + std::to_string(id) + " " + pointStateName(status.state) + " (" + how + ")" +
         (last.empty() ? "" : ": " + last);
}

// Runs sbatch with `args`; returns the job id it prints (--parsable: "ID" or "ID;CLUSTER").
std::string sbatch(const std::vector<std::string>& args, const fs::path& log_dir,
                   const std::string& what) {
  std::vector<std::string> argv = {"sbatch"};
  argv.insert(argv.end(), args.begin(), args.end());
  const fs::path out = log_dir / (what + ".sbatch.out");
  const fs::path err = log_dir / (what + ".sbatch.err");
  const ChildExit exit = runChild(argv, {out, err, true});
  std::string id = readTextFile(out);
  id = id.substr(0, id.find_first_of(";\n"));
  if (exit.exit_code != 0 || id.empty()) {
    throw std::runtime_error("sbatch (" + what + ") failed" +
                             (exit.exit_code == 127 ? " (is Slurm installed?)" : "") + ": " +
                             fileTail(err, 5));
  }
  return id;
}

}  // namespace

std::vector<std::size_t> pointsToRun(const SweepStore& store, const SweepPlan& plan,
                                     bool retry_failed) {
  std::vector<std::size_t> ids;
  for (const auto& point : plan.points) {
    const PointState state = store.status(point.id).state;
    if (state == PointState::kPending || state == PointState::kKilled ||
        (retry_failed && state == PointState::kFailed))
      ids.push_back(point.id);
  }
  return ids;
}

void runPointsLocally(const SweepStore& store, const SweepPlan& plan,
                      const std::vector<std::size_t>& ids, int workers,
                      const std::string& executable, SweepProgress& progress) {
  ChildSignalBlock block;
  struct Running {
    std::size_t id;
    Clock::time_point start;
  };
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  progress.update(true);
  while (next < ids.size() || !running.empty()) {
    while (next < ids.size() && running.size() < static_cast<std::size_t>(std::max(workers, 1))) {
      const std::size_t id = ids[next++];
      store.clearPoint(id);
      const auto argv =
          pointCommand(executable, plan, plan.points.at(id), store.runDir(id).string());
      writeTextFile(store.pointDir(id) / "command.txt", shellQuoted(argv) + "\n");
      const pid_t pid = spawnChild(argv, {{}, store.stderrPath(id), true});
      running[pid] = {id, Clock::now()};
      progress.started();
    }
    const auto exit = waitForChild(0.5);
    if (!exit) {
      progress.update();
      continue;
    }
    const auto found = running.find(exit->pid);
    if (found == running.end())
      continue;
    const std::size_t id = found->second.id;
    const double wall = std::chrono::duration<double>(Clock::now() - found->second.start).count();
    running.erase(found);
    store.recordExit(id, exit->exit_code, exit->signal, wall);
    const bool completed = store.status(id).state == PointState::kCompleted;
    progress.finished(completed, completed ? "" : failureLine(store, id));
  }
}

std::vector<std::string> activeSlurmJobs(const SweepStore& store) {
  const fs::path slurm = store.root() / "slurm";
  std::string ids;
  if (fs::exists(slurm)) {
    for (const auto& entry : fs::directory_iterator(slurm)) {
      std::istringstream jobs(readTextFile(entry.path() / "jobs.txt"));
      for (std::string id; jobs >> id;)
        ids += (ids.empty() ? "" : ",") + id;
    }
  }
  if (ids.empty())
    return {};
  const fs::path queue = slurm / "squeue.out";
  ChildSignalBlock block;
  const ChildExit exit = runChild({"squeue", "-h", "-o", "%i", "-j", ids}, {queue, queue, true});
  if (exit.exit_code != 0)  // no squeue here, or every job long gone from the controller
    return {};
  std::vector<std::string> active;
  std::istringstream lines(readTextFile(queue));
  for (std::string id; lines >> id;)
    active.push_back(id);
  return active;
}

SlurmJob submitToSlurm(const SweepStore& store, const SweepPlan& plan,
                       const std::vector<std::size_t>& ids, const SlurmSettings& settings,
                       const std::string& executable, bool wait, SweepProgress& progress) {
  SlurmJob job;
  const fs::path root = fs::absolute(store.root());
  // One folder per submission, so a resubmission never overwrites the logs of the last one.
  std::size_t submission = 0;
  while (fs::exists(root / "slurm" / ("submit-" + std::to_string(submission))))
    ++submission;
  const fs::path dir = root / "slurm" / ("submit-" + std::to_string(submission));
  fs::create_directories(dir);

  const std::size_t per_task = static_cast<std::size_t>(std::max(settings.points_per_task, 1));
  std::string tasks;
  for (std::size_t first = 0; first < ids.size(); first += per_task) {
    for (std::size_t i = first; i < std::min(ids.size(), first + per_task); ++i)
      tasks += (i == first ? "" : ",") + std::to_string(ids[i]);
    tasks += "\n";
    ++job.tasks;
  }
  writeTextFile(dir / "tasks.txt", tasks);
  writeTextFile(dir / "task.sh",
                "#!/bin/sh\n"
                "# One array task: runs the points on line SLURM_ARRAY_TASK_ID + 1 of tasks.txt.\n"
                "ids=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" " +
                    shellQuoted({(dir / "tasks.txt").string()}) + ")\nexec " +
                    shellQuoted({executable, "sweep", "--out", root.string()}) +
                    " --run-points \"$ids\"\n");

  std::vector<std::string> common = {
      "--parsable", "--chdir=" + fs::current_path().string(),
      "--time=" + std::to_string(static_cast<long>(std::ceil(settings.time_limit_seconds / 60.0))),
      "--mem=" +
          std::to_string(static_cast<long>(std::ceil(settings.memory_bytes / (1024.0 * 1024.0)))) +
          "M"};
  if (!settings.partition.empty())
    common.push_back("--partition=" + settings.partition);
  common.insert(common.end(), settings.sbatch_args.begin(), settings.sbatch_args.end());

  std::vector<std::string> array = common;
  array.insert(array.end(),
               {"--job-name=spatialvp-sweep", "--array=0-" + std::to_string(job.tasks - 1),
                "--output=" + (dir / "task-%a.log").string(), "--cpus-per-task=1",
                (dir / "task.sh").string()});
  job.array_job_id = sbatch(array, dir, "array");

  std::vector<std::string> gather = common;
  gather.insert(
      gather.end(),
      {"--job-name=spatialvp-sweep-gather", "--dependency=afterany:" + job.array_job_id,
       "--output=" + (dir / "gather.log").string(), "--wrap",
       shellQuoted({executable, "sweep", "--out", root.string(), "--gather", "--quiet"})});
  job.gather_job_id = sbatch(gather, dir, "gather");
  writeTextFile(dir / "jobs.txt", job.array_job_id + "\n" + job.gather_job_id + "\n");
  if (!wait)
    return job;
  // Wait for the gather job to leave the queue (squeue each second: sbatch --wait polls with a
  // growing interval, seconds late); meanwhile the point folders tell the progress.
  const fs::path queue = dir / "squeue.out";
  while (true) {
    const ChildExit exit =
        runChild({"squeue", "-h", "-j", job.gather_job_id, "-o", "%T"}, {queue, queue, true});
    // A point folder with a command but no outcome yet is running.
    std::size_t running = 0;
    for (const std::size_t id : ids) {
      const PointState state = store.status(id).state;
      running += state == PointState::kPending && fs::exists(store.pointDir(id) / "command.txt");
    }
    const SweepTally tally = tallyPoints(store, plan);
    progress.set(tally.completed, tally.failed + tally.killed, running);
    progress.update();
    std::string state = readTextFile(queue);
    state = state.substr(0, state.find('\n'));
    if (exit.exit_code != 0 || state.empty() || state == "COMPLETED" || state == "FAILED" ||
        state == "CANCELLED" || state == "TIMEOUT")
      return job;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace spatialvp::sweep
