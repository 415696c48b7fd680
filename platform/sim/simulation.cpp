#include "platform/sim/simulation.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "platform/core/config_expander.h"
#include "platform/elab/builtin_models.h"
#include "platform/sim/fault_source.h"
#include "platform/sim/sanitizer_stack_bounds.h"
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
  // The run loop's slices of simulated time may well contain no event; that is not news.
  sc_report_handler::set_actions(sc_core::SC_ID_NO_SC_START_ACTIVITY_, sc_core::SC_DO_NOTHING);
}

}  // namespace

Simulation::Simulation(const ConfigNode& root, std::string config_source,
                       const std::function<void(ModuleRegistry&)>& extra_types)
    : config_source_(std::move(config_source)) {
  registerBuiltinModels(registry_);
  if (extra_types)
    extra_types(registry_);
  // A document not loaded through loadPlatformDocument (tests, embedders) may still be compact.
  ConfigNode expanded;
  const ConfigNode* document = &root;
  if (usesCompactForm(root)) {
    expanded = root;
    expandCompactForm(expanded);
    document = &expanded;
  }
  config_ = PlatformConfig::parseSettings(*document);
  for (const auto& plugin : config_.plugins())
    plugins_.load(plugin.path, plugin.location, registry_);
  config_.parseModules(*document, registry_);
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
        static_cast<std::size_t>(trace_settings.integer("max_events")),
        std::max<Picoseconds>(1, toPicoseconds(trace_settings.quantity("counter_interval"))));
  }
  services_ = std::make_unique<SimulationServices>(
      static_cast<std::uint64_t>(settings.integer("seed")), quantum, std::move(writer));
  elaborator_ = std::make_unique<Elaborator>(config_, registry_, *services_);
  elaborator_->elaborate();
}

namespace {

// Kernel threads that have not terminated, by hierarchical name (at most `limit` names).
void aliveThreads(const std::vector<sc_core::sc_object*>& objects, std::vector<std::string>& names,
                  std::size_t& count) {
  for (sc_core::sc_object* object : objects) {
    const std::string kind = object->kind();
    if (kind == "sc_thread_process" || kind == "sc_cthread_process") {
      if (!sc_core::sc_process_handle(object).terminated()) {
        ++count;
        if (names.size() < 8)
          names.push_back(object->name());
      }
    }
    aliveThreads(object->get_child_objects(), names, count);
  }
}

std::string listed(const std::vector<std::string>& names, std::size_t count) {
  std::string text;
  for (const std::string& name : names)
    text += (text.empty() ? "" : ", ") + name;
  if (count > names.size())
    text += " and " + std::to_string(count - names.size()) + " more";
  return text;
}

// Slices of simulated time are sized to take about this much wall time, so signals, the
// watchdog and progress are looked at often while the kernel's per-call cost stays negligible.
constexpr double kSliceWallMin = 0.02;  // s: below this, double the slice
constexpr double kSliceWallMax = 0.2;   // s: above this, halve it

}  // namespace

std::string Simulation::blockedDescription() const {
  std::vector<std::string> modules;
  for (const auto& module : elaborator_->modules()) {
    if (module->hasWorkLeft())
      modules.push_back(module->instanceName());
  }
  std::vector<std::string> threads;
  std::size_t thread_count = 0;
  aliveThreads(sc_core::sc_get_top_level_objects(), threads, thread_count);
  std::string text = std::to_string(modules.size()) + " of " +
                     std::to_string(services_->activeModules()) +
                     " active modules had work left (" + listed(modules, modules.size()) + ")";
  if (thread_count > 0)
    text += "; threads still waiting: " + listed(threads, thread_count);
  return text;
}

std::vector<std::string> Simulation::faultFreeOverrides() const {
  std::vector<std::string> overrides;
  for (const auto& module : elaborator_->modules()) {
    const auto* source = dynamic_cast<const FaultSource*>(module.get());
    if (source == nullptr)
      continue;
    for (const auto& [name, value] : source->faultFreeParams())
      overrides.push_back(module->params().ownerPath() + "." + name + "=" + value);
  }
  return overrides;
}

RunProgress Simulation::progress(double wall_seconds) const {
  RunProgress result;
  result.simulated_seconds = sc_core::sc_time_stamp().to_seconds();
  result.wall_seconds = wall_seconds;
  for (const auto& module : elaborator_->modules()) {
    const std::optional<WorkProgress> work = module->progress();
    if (!work)
      continue;
    auto same_unit = std::find_if(result.work.begin(), result.work.end(),
                                  [&](const WorkProgress& p) { return p.unit == work->unit; });
    if (same_unit == result.work.end()) {
      result.work.push_back(*work);
    } else {
      same_unit->done += work->done;
      same_unit->total += work->total;
    }
  }
  return result;
}

RunReport Simulation::run(const RunControl& control) {
  if (!elaborator_)
    throw std::logic_error("Simulation::run before elaborate");
  const ParamValues& settings = config_.settings();
  const auto limit = sc_core::sc_time::from_seconds(settings.quantity("time_limit"));
  const auto wall_start = std::chrono::steady_clock::now();
  const auto wall_since = [](std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  RunEnd end = RunEnd::kCompleted;
  std::string message;
  {
    const double wall_limit = settings.quantity("wall_limit");
    Watchdog watchdog(wall_limit);
    try {
      // sc_start(limit) would advance time to the limit when events run out, hiding a
      // deadlock; slices that exit on starvation see it, and between slices the run can stop.
      sc_core::sc_time slice = sc_core::sc_get_time_resolution() * 1000.0;
      bool started = false;
      while (true) {
        std::string stop;
        if (watchdog.expired()) {
          char text[160];
          std::snprintf(text, sizeof(text),
                        "wall-clock watchdog: the run exceeded platform.wall_limit (%.6g s) and "
                        "was stopped",
                        wall_limit);
          stop = text;
        } else if (control.stop_reason) {
          stop = control.stop_reason();
        }
        if (!stop.empty()) {
          end = RunEnd::kInterrupted;
          message = stop;
          break;
        }
        if (sc_core::sc_get_status() == sc_core::SC_STOPPED ||
            sc_core::sc_end_of_simulation_invoked())
          break;
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        if (now >= limit)
          break;
        sc_core::sc_time step = std::min(slice, limit - now);
        if (started) {
          if (!sc_core::sc_pending_activity())
            break;  // starvation: finished, or a deadlock if work is left
          // The kernel does not move time in a slice without events: reach for the next one.
          const sc_core::sc_time to_next = sc_core::sc_time_to_pending_activity();
          if (to_next > limit - now) {
            sc_core::sc_start(limit - now, sc_core::SC_RUN_TO_TIME);
            break;
          }
          step = std::min(std::max(slice, to_next), limit - now);
        }
        const auto slice_start = std::chrono::steady_clock::now();
        sc_core::sc_start(step, sc_core::SC_EXIT_ON_STARVATION);
        started = true;
        const double took = wall_since(slice_start);
        if (took < kSliceWallMin && slice < limit)
          slice = slice * 2.0;
        else if (took > kSliceWallMax && slice > sc_core::sc_get_time_resolution() * 2.0)
          slice = slice / 2.0;
        if (control.progress)
          control.progress(progress(wall_since(wall_start)));
      }
      if (end == RunEnd::kCompleted && services_->activeModules() > 0 &&
          !services_->allFinished()) {
        if (sc_core::sc_time_stamp() >= limit) {
          end = RunEnd::kTimeLimit;
          message = "simulated-time limit platform.time_limit (" + limit.to_string() +
                    ") reached: " + blockedDescription();
        } else {
          end = RunEnd::kDeadlock;
          message = "deadlock: no events left at " + sc_core::sc_time_stamp().to_string() +
                    " but " + blockedDescription();
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
  resyncSanitizerWithMainStack();  // the kernel switched stacks behind ASan's back
  return collect(end, message, wall_since(wall_start));
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
    report.trace_outside_window = writer->outsideWindowEvents();
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
