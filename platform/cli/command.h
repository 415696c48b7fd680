#pragma once
// Each subcommand registers its options on the top-level CLI::App and returns the action run
// when it is selected; the action returns the process exit code.
#include <functional>

namespace CLI {
class App;
}

namespace spatialvp::cli {

// Exit codes shared by every subcommand (scripts depend on them).
constexpr int kExitSuccess = 0;
constexpr int kExitUsage = 2;       // usage or configuration error
constexpr int kExitSimulation = 3;  // model error, deadlock/watchdog, limit reached

using CommandAction = std::function<int()>;

CommandAction addRunCommand(CLI::App& app);
CommandAction addCheckCommand(CLI::App& app);
CommandAction addModelsCommand(CLI::App& app);
CommandAction addSweepCommand(CLI::App& app);
CommandAction addPlotCommand(CLI::App& app);

// Inside a catch block: prints the exception being handled as "spatialvp: error: ..." and
// returns its exit code (configuration, unit and output-usage errors 2, everything else 3).
int reportCommandError();

// Parses argv and runs the selected subcommand.
int runCli(int argc, char** argv);

}  // namespace spatialvp::cli
