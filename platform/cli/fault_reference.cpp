#include "platform/cli/fault_reference.h"

#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "platform/sweep/child_process.h"
#include "platform/sweep/text_file.h"

namespace spatialvp::cli {

namespace fs = std::filesystem;

FaultFreeRun::FaultFreeRun(const std::optional<std::string>& config,
                           const std::vector<std::string>& overrides,
                           std::vector<std::string> fault_free_overrides, OutputFolder& out)
    : fault_free_overrides_(std::move(fault_free_overrides)),
      stderr_path_(fs::absolute(out.stagedPath(std::string(kFolder) + ".stderr")).string()),
      folder_path_(fs::absolute(out.stagedPath(kFolder)).string()),
      lock_path_(fs::absolute(out.stagedPath(std::string(".") + kFolder + ".lock")).string()) {
  std::vector<std::string> argv = {sweep::currentExecutable(), "run"};
  if (config)
    argv.push_back(*config);
  // The run's own overrides first: the ones clearing the faults come later and win.
  std::vector<std::string> settings = overrides;
  settings.insert(settings.end(), fault_free_overrides_.begin(), fault_free_overrides_.end());
  for (const std::string& item : settings) {
    argv.push_back("--set");
    argv.push_back(item);
  }
  argv.insert(argv.end(), {"--out", folder_path_, "--quiet"});
  sweep::SpawnOptions options;
  options.stderr_path = stderr_path_;
  pid_ = sweep::spawnChild(argv, options);
}

FaultFreeRun::~FaultFreeRun() {
  if (pid_ > 0) {
    try {
      stop();
    } catch (...) {  // a destructor does not throw; the child is gone or unreachable
    }
  }
}

void FaultFreeRun::stop() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGTERM);  // it writes its stats so far, marked interrupted
  sweep::waitForExit(pid_);
  pid_ = -1;
}

FaultReference FaultFreeRun::finish() {
  const sweep::ChildExit exit = sweep::waitForExit(pid_);
  pid_ = -1;
  std::error_code ignored;
  fs::remove(lock_path_, ignored);
  const nlohmann::json document = nlohmann::json::parse(
      sweep::readTextFile(fs::path(folder_path_) / "stats.json"), nullptr, false);
  const bool complete = document.is_object() && document.contains("run") &&
                        document["run"].value("complete", false) && document.contains("headline");
  if (exit.exit_code != 0 || !complete) {
    const std::string how = exit.signal != 0 ? "was killed by signal " + std::to_string(exit.signal)
                                             : "exited with " + std::to_string(exit.exit_code);
    const std::string errors = sweep::fileTail(stderr_path_, 5);
    throw std::runtime_error("the fault-free reference run " + how + " (its outputs are in " +
                             kFolder + "/)" + (errors.empty() ? "" : ":\n" + errors));
  }
  fs::remove(stderr_path_, ignored);
  FaultReference reference;
  reference.folder = kFolder;
  reference.overrides = fault_free_overrides_;
  for (const auto& [name, figure] : document["headline"].items()) {
    reference.headline.push_back(
        {name, figure.value("value", 0.0), figure.value("unit", std::string())});
  }
  return reference;
}

}  // namespace spatialvp::cli
