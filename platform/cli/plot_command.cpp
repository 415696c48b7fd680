// `spatialvp plot ...`: runs scripts/plot (installed under share/spatialvp/scripts, or the build
// tree's scripts/ link) with Debian's python3 (the one that sees python3-matplotlib), passing
// every argument through.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "platform/cli/command.h"
#include "platform/elab/install_paths.h"

namespace spatialvp::cli {

CommandAction addPlotCommand(CLI::App& app) {
  CLI::App* plot =
      app.add_subcommand("plot",
                         "Pictures (PNG + SVG) of sweep results, link heat maps, latency curves: "
                         "scripts/plot, see `spatialvp plot --help`");
  plot->allow_extras();
  plot->set_help_flag();  // --help goes to the script
  plot->prefix_command();
  return [plot] {
    const auto scripts = scriptDir();
    const std::string script = scripts ? *scripts + "/plot" : std::string("scripts/plot");
    const std::string python = "/usr/bin/python3";
    if (!scripts || !std::filesystem::exists(script) || access(python.c_str(), X_OK) != 0) {
      std::cerr << "spatialvp: error: plot needs " << script << " (share/spatialvp/scripts of "
                << "the installation) and " << python
                << " (scripts/setup installs python3-matplotlib)\n";
      return kExitUsage;
    }
    std::vector<std::string> args = {python, script};
    for (const auto& arg : plot->remaining())
      args.push_back(arg);
    std::vector<char*> argv;
    for (auto& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::cout.flush();
    execv(python.c_str(), argv.data());
    std::cerr << "spatialvp: error: cannot run " << python << "\n";
    return kExitUsage;
  };
}

}  // namespace spatialvp::cli
