#pragma once
// Chrome trace-event JSON (opens in ui.perfetto.dev and chrome://tracing). Only events that
// overlap the configured time window are kept, and at most `max_events` records (spans, flow
// memberships, counter samples), so long runs stay small and memory stays bounded.
//
// Three kinds of record:
//  - spans ("ph":"X") on named tracks, with args (bytes, hex address, source, destination).
//    Spans that overlap on one track (several transactions in flight) are spread over lanes
//    (extra threads "<track> [2]", ...) when written, so every thread nests properly;
//  - flows: spans that belong to one transaction (an initiator's request, the links it
//    crossed, the memory that served it) are joined by flow arrows ("ph":"s"/"f", bound to
//    the enclosing span), in time order;
//  - counters ("ph":"C"): an amount spread over [start, end) is summed into time bins of
//    `counter_interval` and written as a rate per bin (bandwidth, mean occupancy).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "platform/core/contention_timeline.h"

namespace spatialvp {

// What a span is about; unset fields are left out of the event's args.
struct TraceArgs {
  std::optional<std::uint64_t> bytes;
  std::optional<std::uint64_t> address;  // written as a hex string
  std::string source;
  std::string destination;
};

class TraceWriter;

// Where a module draws its spans: the run's writer (nullptr when the run is not traced) and the
// module's track.
struct TraceSite {
  TraceWriter* writer = nullptr;
  int track = 0;
};

// A link, port or memory drawn as a track of spans plus a bandwidth counter track.
struct TraceResource {
  int track = 0;
  int bandwidth = 0;
};

class TraceWriter {
 public:
  using EventId = std::size_t;
  static constexpr EventId kNoEvent = static_cast<EventId>(-1);
  static constexpr Picoseconds kDefaultCounterInterval = 1'000'000;  // 1 us

  TraceWriter(Picoseconds window_start, Picoseconds window_end, std::size_t max_events,
              Picoseconds counter_interval = kDefaultCounterInterval);

  // A named row in the viewer (one per module or unit); returns its id. Its events carry
  // `category` as their `cat` (the module type), so viewers can filter by kind.
  int track(const std::string& name, const std::string& category = "spatialvp");
  // The track named `name`, created on first use (for modules with many rows: links, cores).
  int namedTrack(const std::string& name, const std::string& category);
  // A track `name` and a counter "<name> bandwidth" in GB/s, created on first use.
  TraceResource resource(const std::string& name, const std::string& category);
  // `args.bytes` moved over [start, end): a span on the resource's track (one step of `flow`)
  // and the bytes spread over the bandwidth counter.
  EventId transfer(const TraceResource& resource, std::uint64_t flow, const std::string& what,
                   Picoseconds start, Picoseconds end, const TraceArgs& args);
  // A span [start, start + duration) on a track; kNoEvent when the window or the cap drop it.
  EventId complete(int track, const std::string& name, Picoseconds start, Picoseconds duration,
                   const TraceArgs& args = {});

  // A fresh transaction id for flow arrows (never 0).
  std::uint64_t newFlow() { return ++last_flow_; }
  // Makes `event` one step of transaction `flow` (ignored for kNoEvent or flow 0).
  void joinFlow(EventId event, std::uint64_t flow);
  // A span that is one step of transaction `flow` (complete + joinFlow).
  EventId step(std::uint64_t flow, int track, const std::string& name, Picoseconds start,
               Picoseconds duration, const TraceArgs& args = {}) {
    const EventId event = complete(track, name, start, duration, args);
    joinFlow(event, flow);
    return event;
  }

  // A counter track (the same name gives the same counter): written as amount per second x `scale`
  // in the series `series`, e.g. bytes with scale 1e-9 and series "GB/s", or occupied picoseconds
  // with scale 1e-12 and series "mean occupancy".
  int counter(const std::string& name, const std::string& category, const std::string& series,
              double scale);
  // Adds `amount`, spread evenly over [start, end) (all of it at `start` when end <= start).
  void spread(int counter, Picoseconds start, Picoseconds end, double amount);

  Picoseconds counterInterval() const { return counter_interval_; }
  std::size_t eventCount() const { return events_.size(); }
  // Records lost to the max_events cap, and events outside the time window (both reported).
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
    TraceArgs args;
  };
  struct Counter {
    std::string name;
    std::string category;
    std::string series;
    double scale;
    std::map<std::uint64_t, double> bins;  // bin index -> amount
  };
  bool roomForRecord();

  Picoseconds window_start_;
  Picoseconds window_end_;
  std::size_t max_events_;
  Picoseconds counter_interval_;
  std::size_t records_ = 0;
  std::map<std::string, int> named_tracks_;
  std::map<std::string, TraceResource> resources_;
  std::map<std::string, int> named_counters_;
  std::vector<std::string> tracks_;
  std::vector<std::string> categories_;
  std::vector<Event> events_;
  std::vector<std::pair<std::uint64_t, EventId>> flow_steps_;  // (flow, event)
  std::vector<Counter> counters_;
  std::uint64_t last_flow_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t outside_window_ = 0;
};

}  // namespace spatialvp
