#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <systemc>

#include "platform/cli/command.h"
#include "platform/cli/star_algo_command.h"

namespace spatialvp::cli {

int runCli(int argc, char** argv) {
  CLI::App app{"spatialvp: SystemC/TLM-2.0 virtual platform for spatial AI accelerators"};
  app.set_version_flag("--version", std::string("spatialvp ") + SPATIALVP_VERSION + " (SystemC " +
                                        sc_core::sc_release() + ")");
  app.require_subcommand(1);
  std::map<const CLI::App*, CommandAction> actions;
  auto remember = [&](CommandAction action) {
    actions[app.get_subcommands({}).back()] = std::move(action);
  };
  remember(addRunCommand(app));
  remember(addCheckCommand(app));
  remember(addModelsCommand(app));
  remember(addSweepCommand(app));
  remember(addPlotCommand(app));
  remember(addStarAlgoCommand(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitSuccess : kExitUsage;
  }
  for (const auto& [command, action] : actions) {
    if (command->parsed())
      return action();
  }
  return kExitUsage;
}

}  // namespace spatialvp::cli
