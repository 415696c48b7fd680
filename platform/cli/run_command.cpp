// `spatialvp run` and `spatialvp check`.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "platform/cli/command.h"
#include "platform/cli/fault_reference.h"
#include "platform/cli/stop_signals.h"
#include "platform/core/units.h"
#include "platform/elab/document_loader.h"
#include "platform/output/output_folder.h"
#include "platform/output/progress_printer.h"
#include "platform/output/stats_writer.h"
#include "platform/sim/simulation.h"
#include "workloads/star/npy_file.h"

namespace spatialvp::cli {

namespace {

struct RunOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string out_dir = "out";
  bool trace = false;
  std::string trace_window;
  bool quiet = false;
  bool fault_reference = false;
};

// Everything of one run goes into the staging folder; commit() then swaps it in.
void writeOutputs(OutputFolder& out, const Simulation& simulation, const RunReport& report) {
  out.write("config.yaml", simulation.config().effective().toYaml());
  out.write("stats.json", statsJson(report));
  out.write("stats.csv", statsCsv(report));
  for (const ModuleReport& module : report.modules) {
    for (const StatTable& table : module.stats.tables())
      out.write(tableFileName(module.name, table), tableCsv(table));
    for (const StatArray& array : module.stats.arrays()) {
      out.write(arrayFileName(module.name, array),
                star::npyBytes(module.name + "." + array.name, array.shape, array.values,
                               star::NpyDtype::Float64));
    }
  }
  if (const TraceWriter* trace = simulation.traceWriter())
    out.write("trace.json", trace->json());
  out.commit();
}

std::optional<TraceWindow> parseWindow(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  const auto colon = text.find(':');
  if (colon == std::string::npos) {
    throw UnitError("--trace-window expects START:END, e.g. '0 us:50 us'");
  }
  TraceWindow window{parseQuantityAs(text.substr(0, colon), dims::time()),
                     parseQuantityAs(text.substr(colon + 1), dims::time())};
  if (window.end_seconds < window.start_seconds) {
    throw UnitError("--trace-window: END is before START");
  }
  return window;
}

// A trace that silently lacks events misleads: say what was left out and why.
void warnAboutTrace(const RunReport& report) {
  if (report.trace_dropped > 0) {
    std::cerr << "spatialvp: warning: trace.json misses " << report.trace_dropped
              << " events beyond platform.trace.max_events; raise it or narrow the window\n";
  }
  if (report.trace_outside_window > 0) {
    std::cerr << "spatialvp: warning: " << report.trace_outside_window
              << " events fell outside the trace window and are not in trace.json\n";
  }
  if (report.trace_events == 0) {
    std::cerr << "spatialvp: warning: trace.json has no events: "
              << (report.trace_outside_window > 0 ? "none fell in the trace window"
                                                  : "no module of this platform traced anything")
              << "\n";
  }
}

int execute(const RunOptions& options, bool run) {
  try {
    const auto window = parseWindow(options.trace_window);
    std::optional<std::string> path;
    if (!options.config.empty())
      path = options.config;
    // From the start, so a signal during loading also ends in a clean, interrupted run.
    if (run)
      installStopHandlers();
    PlatformDocument document = loadPlatformDocument(path, options.overrides);
    Simulation simulation(document.root, document.source);
    if (!run) {
      simulation.elaborate(false, std::nullopt);
      std::cout << simulation.config().effective().toYaml();
      return kExitSuccess;
    }
    // Checked and locked before elaboration: a bad --out is found at once, and a concurrent
    // run into the same folder is refused before either writes anything.
    OutputFolder out(options.out_dir);
    simulation.elaborate(options.trace, window);
    // The fault-free twin runs beside this run (declared after `out`: stopped before it goes).
    const std::vector<std::string> fault_free = simulation.faultFreeOverrides();
    std::optional<FaultFreeRun> reference;
    if (options.fault_reference && !fault_free.empty()) {
      reference.emplace(path, options.overrides, fault_free, out);
      if (!options.quiet) {
        std::cerr << "spatialvp: the fault-free reference runs beside this run (pid "
                  << reference->pid() << ", outputs in " << FaultFreeRun::kFolder << "/)\n";
      }
    }
    ProgressPrinter printer(std::cerr, isatty(STDERR_FILENO) != 0);
    RunControl control;
    control.stop_reason = stopReason;
    if (!options.quiet)
      control.progress = [&printer](const RunProgress& progress) { printer.update(progress); };
    RunReport report = simulation.run(control);
    printer.finish();
    std::string reference_error;
    if (reference && report.complete()) {
      try {
        report.fault_reference = reference->finish();
      } catch (const std::runtime_error& error) {
        reference_error = error.what();
      }
    } else if (reference) {
      reference->stop();
    }
    writeOutputs(out, simulation, report);
    if (!options.quiet) {
      printSummary(report, std::cout);
      if (!fault_free.empty() && !options.fault_reference)
        std::cout << "  faults: --fault-reference also runs the fault-free platform and reports "
                     "what the faults cost\n";
      std::cout << "  wrote " << (out.target() / "stats.json").string()
                << ", stats.csv, config.yaml" << (options.trace ? ", trace.json" : "")
                << (report.fault_reference ? ", fault_free/" : "") << "\n";
    }
    if (options.trace)
      warnAboutTrace(report);
    if (!report.complete()) {
      // ("error: error:" for a run that ended in an error)
      const std::string end = report.end == RunEnd::kError ? "" : report.endName() + ": ";
      std::cerr << "spatialvp: error: " << end << report.message << " (stats so far in "
                << out.target().string() << ", marked " << report.endName() << ")\n";
      return kExitSimulation;
    }
    if (!reference_error.empty()) {
      std::cerr << "spatialvp: error: " << reference_error << " (the faulted run's stats are in "
                << out.target().string() << ")\n";
      return kExitSimulation;
    }
    return kExitSuccess;
  } catch (...) {
    return reportCommandError();
  }
}

}  // namespace

CommandAction addRunCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand("run", "Elaborate and simulate a platform");
  run->add_option("config", options->config, "Platform YAML (default: the built-in STAR main job)");
  run->add_option("--set", options->overrides, "Override a parameter: key.path=value (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  run->add_option("--out", options->out_dir, "Output directory")->capture_default_str();
  run->add_flag("--trace", options->trace, "Write a Chrome/Perfetto trace.json");
  run->add_option("--trace-window", options->trace_window,
                  "Only trace events overlapping START:END, e.g. '0 us:50 us'");
  run->add_flag("--quiet", options->quiet, "No summary on stdout and no progress on stderr");
  run->add_flag("--fault-reference", options->fault_reference,
                "With faults: also run the platform without them (a child process, outputs in "
                "OUT/fault_free) and report the figures lost against it");
  return [options] { return execute(*options, true); };
}

CommandAction addCheckCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* check =
      app.add_subcommand("check", "Validate a platform and print its effective config");
  check->add_option("config", options->config, "Platform YAML")->required();
  check
      ->add_option("--set", options->overrides, "Override a parameter: key.path=value (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  return [options] { return execute(*options, false); };
}

}  // namespace spatialvp::cli
