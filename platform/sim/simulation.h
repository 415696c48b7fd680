#pragma once
// One run of one platform: validates the configuration (loading plug-ins on the way),
// elaborates the modules, runs the kernel under the time limit and the wall-clock watchdog,
// and collects the report. SystemC allows one elaboration per process, so one Simulation too.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/core/config_node.h"
#include "platform/elab/elaborator.h"
#include "platform/elab/platform_config.h"
#include "platform/elab/plugin_loader.h"
#include "platform/sim/module_registry.h"
#include "platform/sim/run_report.h"

namespace spatialvp {

struct TraceWindow {
  double start_seconds = 0.0;
  double end_seconds = 0.0;
};

// Progress of a running simulation, reported between slices of simulated time.
struct RunProgress {
  double simulated_seconds = 0.0;
  double wall_seconds = 0.0;
  std::vector<WorkProgress> work;  // summed over modules, one entry per unit counted
};

// Hooks of the caller into a run: both are called between slices of simulated time, which
// last some tens of milliseconds of wall time each.
struct RunControl {
  // A non-empty reason stops the run cleanly as interrupted (e.g. a signal arrived).
  std::function<std::string()> stop_reason;
  std::function<void(const RunProgress&)> progress;
};

class Simulation {
 public:
  // Validates `root` (throws ConfigError); built-in types plus any plug-ins it lists.
  // `extra_types` lets embedders and tests register types beyond the built-ins.
  Simulation(const ConfigNode& root, std::string config_source,
             const std::function<void(ModuleRegistry&)>& extra_types = {});
  ~Simulation();

  const PlatformConfig& config() const { return config_; }
  const ModuleRegistry& registry() const { return registry_; }

  // Builds and binds the modules (throws ConfigError); `check` stops here.
  void elaborate(bool trace, std::optional<TraceWindow> window);
  // Runs an elaborated platform. Simulation failures (model errors, limits, deadlock,
  // interruption) come back in the report with end != kCompleted.
  RunReport run(const RunControl& control = {});

  // After elaborate(): `--set` overrides that run the same platform without its faults (every
  // FaultSource module's faultFreeParams()); empty when the platform has no faults.
  std::vector<std::string> faultFreeOverrides() const;

  // Valid after run() with trace enabled.
  const TraceWriter* traceWriter() const;

 private:
  RunReport collect(RunEnd end, std::string message, double wall_seconds) const;
  RunProgress progress(double wall_seconds) const;
  // Names of the modules with work left and of the kernel threads still alive, for the
  // deadlock and time-limit messages.
  std::string blockedDescription() const;

  PluginLoader plugins_;  // first: plug-in code outlives everything built from it
  ModuleRegistry registry_;
  PlatformConfig config_;
  std::string config_source_;
  std::unique_ptr<SimulationServices> services_;
  std::unique_ptr<Elaborator> elaborator_;
};

}  // namespace spatialvp
