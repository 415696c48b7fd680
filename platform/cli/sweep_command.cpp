// `spatialvp sweep`: runs a design-space sweep, one `spatialvp run` child process per point.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "platform/cli/command.h"
#include "platform/core/config_loader.h"
#include "platform/core/units.h"
#include "platform/elab/document_loader.h"
#include "platform/elab/embedded_configs.h"
#include "platform/sweep/child_process.h"
#include "platform/sweep/sweep_results.h"
#include "platform/sweep/sweep_runner.h"

namespace spatialvp::cli {

namespace {

namespace fs = std::filesystem;
using namespace spatialvp::sweep;

struct SweepOptions {
  std::string file;
  std::string base;
  std::vector<std::string> set;
  std::vector<std::string> grid;
  std::vector<std::string> zip;
  std::vector<std::string> point;
  std::string out;
  int workers = 0;
  std::string backend;
  std::string partition;
  std::string time;
  std::string memory;
  int points_per_task = 0;
  std::vector<std::string> sbatch_args;
  bool dry_run = false;
  bool retry_failed = false;
  bool quiet = false;
  bool no_wait = false;
  std::string run_points;  // internal: a Slurm array task
  bool gather = false;     // internal: the Slurm gather job

  CLI::App* command = nullptr;
  bool given(const std::string& option) const { return command->count(option) > 0; }
};

SweepDefinition definitionFrom(const SweepOptions& options) {
  SweepDefinition definition;
  if (!options.file.empty()) {
    definition = loadSweepFile(options.file);
  } else {
    definition.source = "command line";
  }
  if (options.given("--base"))
    definition.base = options.base;
  for (const auto& flag : options.set)
    definition.fixed.push_back(assignmentFromFlag(flag, "--set"));
  for (const auto& flag : options.grid)
    definition.axes.push_back(gridAxisFromFlag(flag));
  if (!options.zip.empty()) {
    Axis zip;
    for (const auto& flag : options.zip)
      addZipFlag(zip, flag);
    definition.axes.push_back(std::move(zip));
  }
  for (const auto& flag : options.point)
    definition.explicit_points.push_back(pointFromFlag(flag));
  SweepSettings& s = definition.settings;
  if (options.given("--out"))
    s.out = options.out;
  if (options.given("--workers"))
    s.workers = options.workers;
  if (options.given("--backend"))
    s.backend = options.backend;
  if (options.given("--partition"))
    s.slurm.partition = options.partition;
  if (options.given("--time"))
    s.slurm.time_limit_seconds = parseQuantityAs(options.time, dims::time());
  if (options.given("--memory"))
    s.slurm.memory_bytes = parseQuantityAs(options.memory, dims::data());
  if (options.given("--points-per-task"))
    s.slurm.points_per_task = options.points_per_task;
  s.slurm.sbatch_args.insert(s.slurm.sbatch_args.end(), options.sbatch_args.begin(),
                             options.sbatch_args.end());
  return definition;
}

// Loads the base with the fixed overrides (errors located in the base or at the override) and
// applies every distinct swept value to it, so a path that cannot exist fails before any run.
std::string checkStructure(const SweepDefinition& definition,
                           const std::vector<SweepPoint>& points) {
  std::vector<std::string> fixed;
  for (const auto& assignment : definition.fixed)
    fixed.push_back(assignment.text());
  std::optional<std::string> base;
  if (!definition.base.empty())
    base = definition.base;
  PlatformDocument document;
  try {
    document = loadPlatformDocument(base, fixed);
  } catch (const ConfigError& error) {
    for (const auto& assignment : definition.fixed) {
      if (error.location().file == "--set " + assignment.text() && assignment.location.line > 0)
        throw ConfigError(assignment.location, error.key(), error.message());
    }
    throw;
  }
  std::set<std::string> tried;
  for (const auto& point : points) {
    for (const auto& assignment : point.assignments) {
      if (!tried.insert(assignment.text()).second)
        continue;
      ConfigNode copy = document.root;
      try {
        ConfigLoader::applyOverride(copy, assignment.text());
      } catch (const ConfigError& error) {
        throw ConfigError(assignment.location, error.key(), error.message());
      }
    }
  }
  return platformKind(document.root);
}

// `spatialvp check` on one point per distinct set of swept paths: catches unknown parameters,
// bad units and out-of-range values before hundreds of points fail the same way.
bool preflight(const SweepPlan& plan, const std::string& executable) {
  std::set<std::vector<std::string>> shapes;
  char scratch[] = "/tmp/spatialvp-sweep-check-XXXXXX";
  const int fd = mkstemp(scratch);
  if (fd < 0)
    return true;
  close(fd);
  bool ok = true;
  for (const auto& point : plan.points) {
    std::vector<std::string> shape;
    for (const auto& assignment : point.assignments)
      shape.push_back(assignment.path);
    if (!shapes.insert(shape).second)
      continue;
    auto argv = pointCommand(executable, plan, point, "");
    argv.resize(argv.size() - 3);  // no --out DIR --quiet
    argv[1] = "check";
    if (plan.base.empty())
      argv.insert(argv.begin() + 2, kDefaultConfig);
    const ChildExit exit = runChild(argv, {{}, scratch, true});
    if (exit.exit_code != 0) {
      std::cerr << "spatialvp: error: sweep point " << point.id
                << " does not validate (`spatialvp check`):\n"
                << fileTail(scratch, 10) << "\n";
      ok = false;
      break;
    }
  }
  std::remove(scratch);
  return ok;
}

void printPoints(const SweepPlan& plan, std::ostream& out) {
  std::vector<std::size_t> widths;
  widths.push_back(std::max<std::size_t>(8, std::to_string(plan.points.size()).size()));
  for (const auto& parameter : plan.parameters)
    widths.push_back(parameter.size());
  for (const auto& point : plan.points) {
    for (std::size_t p = 0; p < plan.parameters.size(); ++p) {
      for (const auto& assignment : point.assignments) {
        if (assignment.path == plan.parameters[p])
          widths[p + 1] = std::max(widths[p + 1], assignment.value.size());
      }
    }
  }
  out << std::left << std::setw(static_cast<int>(widths[0])) << "point_id";
  for (std::size_t p = 0; p < plan.parameters.size(); ++p)
    out << "  " << std::setw(static_cast<int>(widths[p + 1])) << plan.parameters[p];
  out << "\n";
  for (const auto& point : plan.points) {
    out << std::setw(static_cast<int>(widths[0])) << point.id;
    for (std::size_t p = 0; p < plan.parameters.size(); ++p) {
      std::string value;
      for (const auto& assignment : point.assignments) {
        if (assignment.path == plan.parameters[p])
          value = assignment.value;
      }
      out << "  " << std::setw(static_cast<int>(widths[p + 1])) << value;
    }
    out << "\n";
  }
  out << std::right;
}

int summarise(const SweepStore& store, const SweepPlan& plan, bool quiet) {
  const SweepTally tally = writeResultTables(store, plan);
  if (!quiet) {
    std::cout << "sweep: " << tally.completed << " of " << plan.points.size()
              << " points completed, " << tally.failed << " failed, " << tally.killed << " killed, "
              << tally.pending << " pending\n"
              << "  wrote " << (store.root() / "results.csv").string()
              << ", results.jsonl, counters.csv\n";
  }
  return tally.completed == plan.points.size() ? kExitSuccess : kExitSimulation;
}

std::vector<std::size_t> parseIds(const std::string& text, std::size_t count) {
  std::vector<std::size_t> ids;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos)
      end = text.size();
    const std::string item = text.substr(start, end - start);
    std::size_t used = 0;
    const unsigned long id = std::stoul(item, &used);
    if (used != item.size() || id >= count)
      throw std::runtime_error("--run-points: no point '" + item + "'");
    ids.push_back(id);
    start = end + 1;
  }
  return ids;
}

int execute(const SweepOptions& options) {
  try {
    const std::string executable = currentExecutable();
    if (options.gather || !options.run_points.empty()) {
      if (!options.given("--out"))
        throw std::runtime_error("--gather and --run-points need --out DIR");
      const SweepStore store(options.out);
      const SweepPlan plan = store.loadPlan();
      if (options.gather)
        return summarise(store, plan, options.quiet);
      std::vector<std::size_t> ids;
      for (std::size_t id : parseIds(options.run_points, plan.points.size())) {
        if (store.status(id).state != PointState::kCompleted)
          ids.push_back(id);
      }
      SweepProgress progress(ids.size(), 0, 0, std::cerr, false, options.quiet, 60.0);
      runPointsLocally(store, plan, ids, 1, executable, progress);
      progress.close();
      return kExitSuccess;
    }

    const SweepDefinition definition = definitionFrom(options);
    SweepPlan plan;
    plan.base = definition.base;
    plan.fixed = definition.fixed;
    plan.parameters = sweptParameters(definition);
    plan.points = expandPoints(definition);
    plan.kind = checkStructure(definition, plan.points);
    if (!preflight(plan, executable))
      return kExitUsage;
    if (options.dry_run) {
      printPoints(plan, std::cout);
      std::cout << plan.points.size() << " points, platform kind '" << plan.kind << "', base "
                << (plan.base.empty() ? "(built-in STAR job)" : plan.base) << "\n";
      return kExitSuccess;
    }

    const SweepSettings& settings = definition.settings;
    const SweepStore store(settings.out);
    store.open(plan);
    // One driver per folder: a second one would clear points the first is running. The lock
    // goes with the process, so kill -9 of a driver never blocks the rerun.
    const int lock = ::open((store.root() / "sweep.json").c_str(), O_RDONLY | O_CLOEXEC);
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0) {
      throw std::runtime_error("another `spatialvp sweep` is running on " + store.root().string());
    }
    if (const auto jobs = activeSlurmJobs(store); !jobs.empty()) {
      std::string list;
      for (const auto& id : jobs)
        list += (list.empty() ? "" : " ") + id;
      throw std::runtime_error("Slurm jobs of this sweep are still queued or running (" + list +
                               "); wait for them or scancel them, then rerun");
    }
    const std::vector<std::size_t> ids = pointsToRun(store, plan, options.retry_failed);
    const SweepTally before = tallyPoints(store, plan);
    const std::size_t already_done = before.completed;
    const std::size_t already_failed = options.retry_failed ? 0 : before.failed;
    const bool terminal = isatty(STDERR_FILENO) != 0;
    if (!options.quiet && ids.size() < plan.points.size()) {
      std::cerr << "sweep: resuming " << store.root().string() << ": " << already_done
                << " points completed, " << already_failed << " failed, " << ids.size()
                << " to run\n";
    }
    SweepProgress progress(plan.points.size(), already_done, already_failed, std::cerr, terminal,
                           options.quiet);
    if (settings.backend == "slurm") {
      if (ids.empty())
        return summarise(store, plan, options.quiet);
      const bool wait = !options.no_wait;
      const SlurmJob job =
          submitToSlurm(store, plan, ids, settings.slurm, executable, wait, progress);
      if (!options.quiet) {
        progress.close();
        std::cout << "sweep: submitted " << ids.size() << " points as Slurm job array "
                  << job.array_job_id << " (" << job.tasks << " tasks) and gather job "
                  << job.gather_job_id << "\n";
      }
      if (!wait)
        return kExitSuccess;
      return summarise(store, plan, options.quiet);
    }
    int workers = settings.workers;
    if (workers <= 0)
      workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    runPointsLocally(store, plan, ids, workers, executable, progress);
    progress.close();
    return summarise(store, plan, options.quiet);
  } catch (...) {
    return reportCommandError();
  }
}

}  // namespace

CommandAction addSweepCommand(CLI::App& app) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Run a design-space sweep: one `spatialvp run` per point, resumable");
  options->command = sweep;
  sweep->add_option("file", options->file, "Sweep file (YAML); flags add to or override it");
  sweep->add_option("--base", options->base,
                    "Platform config of every point (default: the built-in STAR job)");
  sweep->add_option("--set", options->set, "Override for every point: KEY.PATH=VALUE")
      ->allow_extra_args(false);
  sweep->add_option("--grid", options->grid, "A grid axis: KEY.PATH=V1,V2,... (repeatable)")
      ->allow_extra_args(false);
  sweep
      ->add_option("--zip", options->zip,
                   "Zipped lists, advanced together: KEY.PATH=V1,V2,... (repeatable)")
      ->allow_extra_args(false);
  sweep->add_option("--point", options->point, "An explicit point: KEY.PATH=V;KEY.PATH=V")
      ->allow_extra_args(false);
  sweep->add_option("--out", options->out, "Output folder (default: sweep)");
  sweep->add_option("-j,--workers", options->workers, "Local worker processes (default: cores)")
      ->check(CLI::NonNegativeNumber);
  sweep->add_option("--backend", options->backend, "local or slurm")
      ->check(CLI::IsMember({"local", "slurm"}));
  sweep->add_option("--partition", options->partition, "Slurm partition");
  sweep->add_option("--time", options->time, "Slurm time limit per array task, e.g. '30 s'");
  sweep->add_option("--memory", options->memory, "Slurm memory per array task, e.g. '1 GiB'");
  sweep->add_option("--points-per-task", options->points_per_task, "Points per Slurm array task")
      ->check(CLI::PositiveNumber);
  sweep->add_option("--sbatch-arg", options->sbatch_args, "Extra sbatch argument (repeatable)")
      ->allow_extra_args(false);
  // A later flag wins, so scripts can append to a shared argument list.
  for (const char* name : {"--base", "--out", "--workers", "--backend", "--partition", "--time",
                           "--memory", "--points-per-task"})
    sweep->get_option(name)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  sweep->add_flag("--dry-run", options->dry_run, "Validate and list the points; run nothing");
  sweep->add_flag("--retry-failed", options->retry_failed, "Also rerun points that failed");
  sweep->add_flag("--quiet", options->quiet, "No progress or summary");
  sweep->add_flag("--no-wait", options->no_wait, "Slurm: submit and return");
  sweep->add_option("--run-points", options->run_points)->group("");  // Slurm array task
  sweep->add_flag("--gather", options->gather)->group("");            // Slurm gather job
  return [options] { return execute(*options); };
}

}  // namespace spatialvp::cli
