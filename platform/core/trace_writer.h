#pragma once
// Chrome trace-event JSON (opens in ui.perfetto.dev and chrome://tracing). Only events that
// overlap the configured time window are kept, and at most `max_events`, so long runs stay small.
#include <cstdint>
#include <string>
#include <vector>

#include "platform/core/contention_timeline.h"

namespace spatialvp {

class TraceWriter {
 public:
  TraceWriter(Picoseconds window_start, Picoseconds window_end, std::size_t max_events);

  // A named row in the viewer (one per module or unit); returns its id. Its events carry
  // `category` as their `cat` (the module type), so viewers can filter by kind.
  int track(const std::string& name, const std::string& category = "spatialvp");
  // A span [start, start + duration) on a track.
  void complete(int track, const std::string& name, Picoseconds start, Picoseconds duration);

  std::size_t eventCount() const { return events_.size(); }
  // Events lost to the max_events cap, and events outside the time window (both reported).
  std::uint64_t droppedEvents() const { return dropped_; }
  std::uint64_t outsideWindowEvents() const { return outside_window_; }
  // The whole trace-event JSON document (the output layer writes it as trace.json).
  std::string json() const;

 private:
  struct Event {
    int track;
    std::string name;
    Picoseconds start;
    Picoseconds duration;
  };
  Picoseconds window_start_;
  Picoseconds window_end_;
  std::size_t max_events_;
  std::vector<std::string> tracks_;
  std::vector<std::string> categories_;
  std::vector<Event> events_;
  std::uint64_t dropped_ = 0;
  std::uint64_t outside_window_ = 0;
};

}  // namespace spatialvp
