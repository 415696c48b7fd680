// `spatialvp run` and `spatialvp check`.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "platform/cli/command.h"
#include "platform/core/units.h"
#include "platform/elab/document_loader.h"
#include "platform/output/stats_writer.h"
#include "platform/sim/simulation.h"

namespace spatialvp::cli {

namespace {

struct RunOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string out_dir = "out";
  bool trace = false;
  std::string trace_window;
  bool quiet = false;
};

void writeFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out)
    throw std::runtime_error("cannot write " + path.string());
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

int execute(const RunOptions& options, bool run) {
  try {
    const auto window = parseWindow(options.trace_window);
    std::optional<std::string> path;
    if (!options.config.empty())
      path = options.config;
    PlatformDocument document = loadPlatformDocument(path, options.overrides);
    Simulation simulation(document.root, document.source);
    if (!run) {
      simulation.elaborate(false, std::nullopt);
      std::cout << simulation.config().effective().toYaml();
      return kExitSuccess;
    }
    const std::filesystem::path out_dir(options.out_dir);
    std::filesystem::create_directories(out_dir);
    writeFile(out_dir / "config.yaml", simulation.config().effective().toYaml());
    simulation.elaborate(options.trace, window);
    const RunReport report = simulation.run();
    writeFile(out_dir / "stats.json", statsJson(report));
    writeFile(out_dir / "stats.csv", statsCsv(report));
    if (options.trace)
      simulation.traceWriter()->write((out_dir / "trace.json").string());
    if (!options.quiet) {
      printSummary(report, std::cout);
      std::cout << "  wrote " << (out_dir / "stats.json").string() << ", stats.csv, config.yaml"
                << (options.trace ? ", trace.json" : "") << "\n";
    }
    if (report.end != RunEnd::kCompleted) {
      std::cerr << "spatialvp: error: " << report.endName() << ": " << report.message << "\n";
      return kExitSimulation;
    }
    return kExitSuccess;
  } catch (const ConfigError& error) {
    std::cerr << "spatialvp: error: " << error.what() << "\n";
    return kExitUsage;
  } catch (const UnitError& error) {
    std::cerr << "spatialvp: error: " << error.what() << "\n";
    return kExitUsage;
  } catch (const sc_core::sc_report& report) {
    std::cerr << "spatialvp: error: " << report.what() << "\n";
    return kExitSimulation;
  } catch (const std::exception& error) {
    std::cerr << "spatialvp: error: " << error.what() << "\n";
    return kExitSimulation;
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
  run->add_flag("--quiet", options->quiet, "No summary on stdout");
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
