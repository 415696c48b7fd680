#include "platform/core/trace_writer.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <queue>
#include <set>
#include <sstream>

namespace spatialvp {

namespace {

constexpr int kPid = 1;

// Trace-event timestamps are microseconds; fractional values keep picosecond detail.
double microseconds(Picoseconds ps) {
  return static_cast<double>(ps) / 1e6;
}

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

nlohmann::json argsJson(const TraceArgs& args) {
  nlohmann::json json = nlohmann::json::object();
  if (args.bytes)
    json["bytes"] = *args.bytes;
  if (args.address)
    json["address"] = hex(*args.address);
  if (!args.source.empty())
    json["source"] = args.source;
  if (!args.destination.empty())
    json["destination"] = args.destination;
  return json;
}

}  // namespace

TraceWriter::TraceWriter(Picoseconds window_start, Picoseconds window_end, std::size_t max_events,
                         Picoseconds counter_interval)
    : window_start_(window_start),
      window_end_(window_end),
      max_events_(max_events),
      counter_interval_(std::max<Picoseconds>(counter_interval, 1)) {}

int TraceWriter::track(const std::string& name, const std::string& category) {
  tracks_.push_back(name);
  categories_.push_back(category);
  return static_cast<int>(tracks_.size());
}

int TraceWriter::namedTrack(const std::string& name, const std::string& category) {
  const auto found = named_tracks_.find(name);
  if (found != named_tracks_.end())
    return found->second;
  const int id = track(name, category);
  named_tracks_.emplace(name, id);
  return id;
}

TraceResource TraceWriter::resource(const std::string& name, const std::string& category) {
  const auto found = resources_.find(name);
  if (found != resources_.end())
    return found->second;
  const TraceResource created{namedTrack(name, category),
                              counter(name + " bandwidth", category, "GB/s", 1e-9)};
  resources_.emplace(name, created);
  return created;
}

TraceWriter::EventId TraceWriter::transfer(const TraceResource& resource, std::uint64_t flow,
                                           const std::string& what, Picoseconds start,
                                           Picoseconds end, const TraceArgs& args) {
  const Picoseconds stop = std::max(start, end);
  if (args.bytes)
    spread(resource.bandwidth, start, stop, static_cast<double>(*args.bytes));
  return step(flow, resource.track, what, start, stop - start, args);
}

bool TraceWriter::roomForRecord() {
  if (records_ >= max_events_) {
    ++dropped_;
    return false;
  }
  ++records_;
  return true;
}

TraceWriter::EventId TraceWriter::complete(int track_id, const std::string& name, Picoseconds start,
                                           Picoseconds duration, const TraceArgs& args) {
  const Picoseconds end = start + duration;
  if (end < window_start_ || start > window_end_) {
    ++outside_window_;
    return kNoEvent;
  }
  if (!roomForRecord())
    return kNoEvent;
  events_.push_back({track_id, name, start, duration, args});
  return events_.size() - 1;
}

void TraceWriter::joinFlow(EventId event, std::uint64_t flow) {
  if (event == kNoEvent || flow == 0 || !roomForRecord())
    return;
  flow_steps_.emplace_back(flow, event);
}

int TraceWriter::counter(const std::string& name, const std::string& category,
                         const std::string& series, double scale) {
  const auto found = named_counters_.find(name);
  if (found != named_counters_.end())
    return found->second;
  counters_.push_back({name, category, series, scale, {}});
  const int id = static_cast<int>(counters_.size() - 1);
  named_counters_.emplace(name, id);
  return id;
}

void TraceWriter::spread(int counter_id, Picoseconds start, Picoseconds end, double amount) {
  if (end < window_start_ || start > window_end_) {
    ++outside_window_;
    return;
  }
  auto& bins = counters_[static_cast<std::size_t>(counter_id)].bins;
  auto add = [&](std::uint64_t bin, double share) {
    auto found = bins.find(bin);
    if (found != bins.end()) {
      found->second += share;
    } else if (roomForRecord()) {
      bins.emplace(bin, share);
    }
  };
  if (end <= start) {
    add(start / counter_interval_, amount);
    return;
  }
  // Only the part inside the window is kept; the amount is shared in proportion to time.
  const double per_ps = amount / static_cast<double>(end - start);
  const Picoseconds from = std::max(start, window_start_);
  const Picoseconds to = std::min(end, window_end_);
  for (std::uint64_t bin = from / counter_interval_; bin * counter_interval_ < to; ++bin) {
    const Picoseconds lo = std::max(from, bin * counter_interval_);
    const Picoseconds hi = std::min(to, (bin + 1) * counter_interval_);
    if (hi > lo)
      add(bin, per_ps * static_cast<double>(hi - lo));
  }
}

std::string TraceWriter::json() const {
  // Spans in time order; overlapping spans of one track go to separate lanes (greedy interval
  // partitioning: the lowest lane free at the span's start), so each thread nests properly.
  std::vector<EventId> order(events_.size());
  for (EventId i = 0; i < events_.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [this](EventId a, EventId b) {
    const Event& x = events_[a];
    const Event& y = events_[b];
    return x.start != y.start ? x.start < y.start : x.track < y.track;
  });
  struct Lanes {
    using Busy = std::pair<Picoseconds, int>;  // (end, lane)
    std::priority_queue<Busy, std::vector<Busy>, std::greater<>> busy;
    std::set<int> free;
    int count = 0;
  };
  std::vector<Lanes> lanes(tracks_.size() + 1);
  std::vector<int> lane_of(events_.size(), 0);
  for (const EventId id : order) {
    const Event& event = events_[id];
    Lanes& track = lanes[static_cast<std::size_t>(event.track)];
    while (!track.busy.empty() && track.busy.top().first <= event.start) {
      track.free.insert(track.busy.top().second);
      track.busy.pop();
    }
    int lane = track.count;
    if (!track.free.empty()) {
      lane = *track.free.begin();
      track.free.erase(track.free.begin());
    } else {
      ++track.count;
    }
    lane_of[id] = lane;
    track.busy.emplace(event.start + event.duration, lane);
  }
  // Thread ids: every track has at least one lane; its lanes get consecutive ids.
  std::vector<int> first_tid(tracks_.size() + 1, 0);
  // Written event by event, so a million events need the text only, not a JSON tree of them.
  std::string text = "{\"traceEvents\":[";
  bool first_event = true;
  auto emit = [&](const nlohmann::json& event) {
    if (!first_event)
      text += ',';
    first_event = false;
    text += event.dump();
  };
  emit({{"name", "process_name"},
        {"ph", "M"},
        {"pid", kPid},
        {"tid", 0},
        {"args", {{"name", "spatialvp"}}}});
  int next_tid = 1;
  for (std::size_t t = 1; t <= tracks_.size(); ++t) {
    first_tid[t] = next_tid;
    const int count = std::max(lanes[t].count, 1);
    for (int lane = 0; lane < count; ++lane) {
      const std::string name =
          lane == 0 ? tracks_[t - 1] : tracks_[t - 1] + " [" + std::to_string(lane + 1) + "]";
      emit({{"name", "thread_name"},
            {"ph", "M"},
            {"pid", kPid},
            {"tid", next_tid},
            {"args", {{"name", name}}}});
      emit({{"name", "thread_sort_index"},
            {"ph", "M"},
            {"pid", kPid},
            {"tid", next_tid},
            {"args", {{"sort_index", next_tid}}}});
      ++next_tid;
    }
  }
  auto tidOf = [&](EventId id) {
    return first_tid[static_cast<std::size_t>(events_[id].track)] + lane_of[id];
  };
  for (const EventId id : order) {
    const Event& event = events_[id];
    nlohmann::json record = {{"name", event.name},
                             {"cat", categories_[static_cast<std::size_t>(event.track - 1)]},
                             {"ph", "X"},
                             {"pid", kPid},
                             {"tid", tidOf(id)},
                             {"ts", microseconds(event.start)},
                             {"dur", microseconds(event.duration)}};
    nlohmann::json args = argsJson(event.args);
    if (!args.empty())
      record["args"] = std::move(args);
    emit(record);
  }

  // Flow arrows: the steps of one transaction in time order, one arrow per consecutive pair,
  // each bound to the span that encloses its timestamp (the span's start).
  std::vector<std::pair<std::uint64_t, EventId>> steps = flow_steps_;
  std::stable_sort(steps.begin(), steps.end(), [this](const auto& a, const auto& b) {
    if (a.first != b.first)
      return a.first < b.first;
    // At equal starts the enclosing (longer) span comes first: it is the initiator; at equal
    // spans the later recorded one, since an initiator records after its target has returned.
    const Event& x = events_[a.second];
    const Event& y = events_[b.second];
    if (x.start != y.start)
      return x.start < y.start;
    return x.duration != y.duration ? x.duration > y.duration : a.second > b.second;
  });
  std::uint64_t arrow = 0;
  for (std::size_t i = 1; i < steps.size(); ++i) {
    if (steps[i].first != steps[i - 1].first || steps[i].second == steps[i - 1].second)
      continue;
    const EventId from = steps[i - 1].second;
    const EventId to = steps[i].second;
    ++arrow;
    emit({{"name", "transaction"},
          {"cat", "flow"},
          {"ph", "s"},
          {"id", arrow},
          {"pid", kPid},
          {"tid", tidOf(from)},
          {"ts", microseconds(events_[from].start)}});
    emit({{"name", "transaction"},
          {"cat", "flow"},
          {"ph", "f"},
          {"bp", "e"},
          {"id", arrow},
          {"pid", kPid},
          {"tid", tidOf(to)},
          {"ts", microseconds(events_[to].start)}});
  }

  // Counters: one sample per bin (rate over the bin), and a zero where a run of bins ends.
  const double bin_seconds = static_cast<double>(counter_interval_) * 1e-12;
  for (const Counter& counter : counters_) {
    auto sample = [&](std::uint64_t bin, double value) {
      emit({{"name", counter.name},
            {"cat", counter.category},
            {"ph", "C"},
            {"pid", kPid},
            {"ts", microseconds(bin * counter_interval_)},
            {"args", {{counter.series, value}}}});
    };
    for (auto it = counter.bins.begin(); it != counter.bins.end(); ++it) {
      sample(it->first, it->second / bin_seconds * counter.scale);
      const auto next = std::next(it);
      if (next == counter.bins.end() || next->first != it->first + 1)
        sample(it->first + 1, 0.0);
    }
  }

  const nlohmann::json other = {{"dropped_events", dropped_},
                                {"events_outside_window", outside_window_},
                                {"counter_interval_us", microseconds(counter_interval_)}};
  text += "],\"displayTimeUnit\":\"ns\",\"otherData\":" + other.dump() + "}\n";
  return text;
}

}  // namespace spatialvp
