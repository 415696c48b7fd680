#include "platform/core/trace_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace spatialvp {

TraceWriter::TraceWriter(Picoseconds window_start, Picoseconds window_end, std::size_t max_events)
    : window_start_(window_start), window_end_(window_end), max_events_(max_events) {}

int TraceWriter::track(const std::string& name, const std::string& category) {
  tracks_.push_back(name);
  categories_.push_back(category);
  return static_cast<int>(tracks_.size());
}

void TraceWriter::complete(int track_id, const std::string& name, Picoseconds start,
                           Picoseconds duration) {
  const Picoseconds end = start + duration;
  if (end < window_start_ || start > window_end_) {
    ++outside_window_;
    return;
  }
  if (events_.size() >= max_events_) {
    ++dropped_;
    return;
  }
  events_.push_back({track_id, name, start, duration});
}

std::string TraceWriter::json() const {
  std::vector<const Event*> sorted;
  sorted.reserve(events_.size());
  for (const auto& event : events_)
    sorted.push_back(&event);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Event* a, const Event* b) {
    return a->start != b->start ? a->start < b->start : a->track < b->track;
  });
  nlohmann::json events = nlohmann::json::array();
  events.push_back({{"name", "process_name"},
                    {"ph", "M"},
                    {"pid", 1},
                    {"tid", 0},
                    {"args", {{"name", "spatialvp"}}}});
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", 1},
                      {"tid", static_cast<int>(i + 1)},
                      {"args", {{"name", tracks_[i]}}}});
  }
  for (const Event* event : sorted) {
    // Trace-event timestamps are microseconds; fractional values keep picosecond detail.
    events.push_back({{"name", event->name},
                      {"cat", categories_[static_cast<std::size_t>(event->track - 1)]},
                      {"ph", "X"},
                      {"pid", 1},
                      {"tid", event->track},
                      {"ts", static_cast<double>(event->start) / 1e6},
                      {"dur", static_cast<double>(event->duration) / 1e6}});
  }
  nlohmann::json document = {
      {"traceEvents", events},
      {"displayTimeUnit", "ns"},
      {"otherData", {{"dropped_events", dropped_}, {"events_outside_window", outside_window_}}}};
  return document.dump() + "\n";
}

}  // namespace spatialvp
