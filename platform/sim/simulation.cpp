#include "platform/sim/simulation.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <chrono>
#include <cmath>
#include <iostream>

#include "platform/elab/builtin_models.h"
#include "platform/sim/watchdog.h"

namespace spatialvp {

namespace {

// Times reaching here are validated to [0, 1e6 s], so the product stays far inside 64 bits.
Picoseconds toPicoseconds(double seconds) {
  return static_cast<Picoseconds>(std::llround(seconds * 1e12));
}

// A window must hold some time inside the physical range of a time, or no event is kept.
void checkTraceWindow(const TraceWindow& window, const SourceLocation& where,
                      const std::string& key) {
  const double largest = physicalRange(dims::time()).maximum;
  if (!(window.start_seconds >= 0.0) || !(window.end_seconds <= largest) ||
      !(window.start_seconds < window.end_seconds)) {
    throw ConfigError(where, key,
                      "expected a trace window START:END with 0 <= START < END <= " +
                          formatQuantity(largest, dims::time()) + ", found " +
                          formatQuantity(window.start_seconds, dims::time()) + " .. " +
                          formatQuantity(window.end_seconds, dims::time()));
  }
}

// Keeps stdout for the run summary: kernel messages go to stderr, errors become exceptions.
void reportHandler(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (actions & sc_core::SC_DISPLAY) {
    std::cerr << sc_core::sc_report_compose_message(report) << std::endl;
  }
  if (actions & (sc_core::SC_THROW | sc_core::SC_ABORT))
    throw report;
  if (actions & sc_core::SC_STOP)
    sc_core::sc_stop();
}

void configureKernelReports() {
  using sc_core::sc_report_handler;
  sc_report_handler::set_handler(reportHandler);
  sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DISPLAY);
  sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
  sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
}

}  // namespace

Simulation::Simulation(const ConfigNode& root, std::string config_source,
                       const std::function<void(ModuleRegistry&)>& extra_types)
    : config_source_(std::move(config_source)) {
  registerBuiltinModels(registry_);
  if (extra_types)
    extra_types(registry_);
  config_ = PlatformConfig::parseSettings(root);
  for (const auto& plugin : config_.plugins())
    plugins_.load(plugin.path, plugin.location, registry_);
  config_.parseModules(root, registry_);
}

Simulation::~Simulation() = default;

const TraceWriter* Simulation::traceWriter() const {
  return services_ ? services_->trace() : nullptr;
}

void Simulation::elaborate(bool trace, std::optional<TraceWindow> window) {
  configureKernelReports();
  const ParamValues& settings = config_.settings();
  const auto quantum = sc_core::sc_time::from_seconds(settings.quantity("quantum"));
  tlm_utils::tlm_quantumkeeper::set_global_quantum(quantum);

  std::unique_ptr<TraceWriter> writer;
  if (trace) {
    const ParamValues& trace_settings = config_.trace();
    TraceWindow bounds{trace_settings.quantity("window_start"),
                       trace_settings.quantity("window_end")};
    if (window) {
      checkTraceWindow(*window, SourceLocation{"--trace-window", 0, 0}, "--trace-window");
      bounds = *window;
    }
    writer = std::make_unique<TraceWriter>(
        toPicoseconds(bounds.start_seconds), toPicoseconds(bounds.end_seconds),
        static_cast<std::size_t>(trace_settings.integer("max_events")));
  }
  services_ = std::make_unique<SimulationServices>(
      static_cast<std::uint64_t>(settings.integer("seed")), quantum, std::move(writer));
  elaborator_ = std::make_unique<Elaborator>(config_, registry_, *services_);
  elaborator_->elaborate();
}

RunReport Simulation::run() {
  if (!elaborator_)
    throw std::logic_error("Simulation::run before elaborate");
  const ParamValues& settings = config_.settings();
  const auto limit = sc_core::sc_time::from_seconds(settings.quantity("time_limit"));
  const auto wall_start = std::chrono::steady_clock::now();
  RunEnd end = RunEnd::kCompleted;
  std::string message;
  {
    Watchdog watchdog(settings.quantity("wall_limit"));
    try {
      sc_core::sc_start(limit);
      if (services_->activeModules() > 0 && !services_->allFinished()) {
        const std::string waiting = std::to_string(services_->unfinishedModules()) + " of " +
                                    std::to_string(services_->activeModules()) +
                                    " active modules had work left";
        if (sc_core::sc_time_stamp() >= limit) {
          end = RunEnd::kTimeLimit;
          message = "simulated-time limit platform.time_limit (" + limit.to_string() +
                    ") reached: " + waiting;
        } else {
          end = RunEnd::kDeadlock;
          message = "deadlock: no more events at " + sc_core::sc_time_stamp().to_string() +
                    " but " + waiting;
        }
      }
    } catch (const sc_core::sc_report& report) {
      end = RunEnd::kError;
      message = report.get_msg();
      if (message.empty())
        message = report.what();
    } catch (const std::exception& error) {
      end = RunEnd::kError;
      message = error.what();
    }
  }
  const double wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return collect(end, message, wall_seconds);
}

RunReport Simulation::collect(RunEnd end, std::string message, double wall_seconds) const {
  RunReport report;
  report.platform_name = config_.settings().string("name");
  report.config_source = config_source_;
  report.seed = static_cast<std::uint64_t>(config_.settings().integer("seed"));
  report.end = end;
  report.message = std::move(message);
  report.simulated_seconds = sc_core::sc_time_stamp().to_seconds();
  report.wall_seconds = wall_seconds;
  report.transactions = services_->transactions();
  if (const TraceWriter* writer = services_->trace()) {
    report.trace_events = writer->eventCount();
    report.trace_dropped = writer->droppedEvents();
  }
  for (const auto& module : elaborator_->modules()) {
    ModuleReport entry;
    entry.name = module->instanceName();
    entry.type = module->typeInfo().name;
    module->reportStats(entry.stats);
    const ParamValues& params = module->params();
    for (const auto& [action, count] : entry.stats.actions()) {
      const std::string key = "energy." + action;
      if (!params.has(key)) {
        throw std::logic_error(entry.type + " reports energy action '" + action +
                               "' that its type does not declare");
      }
      const double per_action = params.quantity(key);
      const double energy = per_action * static_cast<double>(count);
      entry.energy_items.push_back({action, count, per_action, energy});
      entry.dynamic_energy += energy;
    }
    entry.static_power = params.quantity("static_power");
    entry.static_energy = entry.static_power * report.simulated_seconds;
    entry.area = params.quantity("area");
    report.modules.push_back(std::move(entry));
  }
  return report;
}

}  // namespace spatialvp
