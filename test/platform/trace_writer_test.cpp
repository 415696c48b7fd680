// TraceWriter: spans spread over lanes so threads nest, flow arrows between the steps of one
// transaction in time order, counters binned into rates, and one cap over every kind of record.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "platform/core/trace_writer.h"

using namespace spatialvp;
using Catch::Matchers::WithinRel;

namespace {

constexpr Picoseconds kUs = 1'000'000;

nlohmann::json parse(const TraceWriter& writer) {
  return nlohmann::json::parse(writer.json())["traceEvents"];
}

std::vector<nlohmann::json> phase(const nlohmann::json& events, const std::string& ph) {
  std::vector<nlohmann::json> found;
  for (const auto& event : events) {
    if (event["ph"] == ph)
      found.push_back(event);
  }
  return found;
}

std::map<int, std::string> threadNames(const nlohmann::json& events) {
  std::map<int, std::string> names;
  for (const auto& event : phase(events, "M")) {
    if (event["name"] == "thread_name")
      names[event["tid"].get<int>()] = event["args"]["name"].get<std::string>();
  }
  return names;
}

}  // namespace

TEST_CASE("Overlapping spans of one track go to separate lanes, disjoint ones share a lane",
          "[trace_writer]") {
  TraceWriter writer(0, 1000 * kUs, 100);
  const int track = writer.track("gen", "traffic_generator");
  writer.complete(track, "a", 0, 10 * kUs);
  writer.complete(track, "b", 5 * kUs, 10 * kUs);  // overlaps a
  writer.complete(track, "c", 12 * kUs, 1 * kUs);  // a has ended: back on the first lane
  const auto events = parse(writer);
  const auto names = threadNames(events);
  std::map<std::string, int> tid_of;
  for (const auto& span : phase(events, "X"))
    tid_of[span["name"].get<std::string>()] = span["tid"].get<int>();
  CHECK(tid_of["a"] != tid_of["b"]);
  CHECK(tid_of["c"] == tid_of["a"]);
  CHECK(names.at(tid_of["a"]) == "gen");
  CHECK(names.at(tid_of["b"]) == "gen [2]");
  for (const auto& span : phase(events, "X"))
    CHECK(span["cat"] == "traffic_generator");
}

TEST_CASE("Flow arrows join a transaction's steps in time order, bound to their spans",
          "[trace_writer]") {
  TraceWriter writer(0, 1000 * kUs, 100);
  const int initiator = writer.track("cpu", "traffic_generator");
  const TraceResource link = writer.resource("noc.link.x0y0.E", "mesh");
  const int memory = writer.track("mem", "hbm");
  const std::uint64_t flow = writer.newFlow();
  // Emitted innermost first, as nested b_transport calls return.
  TraceArgs args;
  args.bytes = 64;
  args.address = 0x1f40;
  writer.step(flow, memory, "read", 3 * kUs, 2 * kUs, args);
  writer.transfer(link, flow, "read request", 2 * kUs, 3 * kUs, args);
  writer.step(flow, initiator, "read", 1 * kUs, 6 * kUs, args);
  const auto events = parse(writer);
  const auto starts = phase(events, "s");
  const auto finishes = phase(events, "f");
  REQUIRE(starts.size() == 2);
  REQUIRE(finishes.size() == 2);
  const auto names = threadNames(events);
  // cpu -> link, link -> memory, matched by id, bound to the enclosing span ("bp": "e").
  CHECK(names.at(starts[0]["tid"].get<int>()) == "cpu");
  CHECK(names.at(finishes[0]["tid"].get<int>()) == "noc.link.x0y0.E");
  CHECK(names.at(starts[1]["tid"].get<int>()) == "noc.link.x0y0.E");
  CHECK(names.at(finishes[1]["tid"].get<int>()) == "mem");
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(starts[i]["id"] == finishes[i]["id"]);
    CHECK(starts[i]["cat"] == finishes[i]["cat"]);
    CHECK(finishes[i]["bp"] == "e");
    CHECK(starts[i]["ts"].get<double>() <= finishes[i]["ts"].get<double>());
  }
  CHECK(starts[0]["id"] != starts[1]["id"]);
  for (const auto& span : phase(events, "X")) {
    CHECK(span["args"]["bytes"] == 64);
    CHECK(span["args"]["address"] == "0x1f40");
  }
}

TEST_CASE("Counters are rates per bin: bytes spread over time become GB/s samples",
          "[trace_writer]") {
  TraceWriter writer(0, 1000 * kUs, 100, 1 * kUs);
  const TraceResource link = writer.resource("d2d.a_to_b", "d2d_link");
  TraceArgs args;
  args.bytes = 3000;
  // 3000 B over [0.5 us, 2 us): 1000 B in bin 0, 2000 B in bin 1 -> 1 and 2 GB/s (1 us bins).
  writer.transfer(link, 0, "write", kUs / 2, 2 * kUs, args);
  const auto counters = phase(parse(writer), "C");
  REQUIRE(counters.size() == 3);  // two bins and the zero that ends the run of bins
  CHECK(counters[0]["name"] == "d2d.a_to_b bandwidth");
  CHECK(counters[0]["cat"] == "d2d_link");
  CHECK_THAT(counters[0]["args"]["GB/s"].get<double>(), WithinRel(1.0, 1e-9));
  CHECK_THAT(counters[1]["args"]["GB/s"].get<double>(), WithinRel(2.0, 1e-9));
  CHECK(counters[2]["args"]["GB/s"].get<double>() == 0.0);
  CHECK(counters[2]["ts"].get<double>() == 2.0);
  // Occupancy: one request in service for the whole first bin and half the second.
  const int occupancy = writer.counter("mem outstanding requests", "hbm", "requests", 1e-12);
  writer.spread(occupancy, 0, 3 * kUs / 2, static_cast<double>(3 * kUs / 2));
  const auto more = phase(parse(writer), "C");
  std::vector<double> values;
  for (const auto& sample : more) {
    if (sample["name"] == "mem outstanding requests")
      values.push_back(sample["args"]["requests"].get<double>());
  }
  REQUIRE(values.size() == 3);
  CHECK_THAT(values[0], WithinRel(1.0, 1e-9));
  CHECK_THAT(values[1], WithinRel(0.5, 1e-9));
}

TEST_CASE("One cap bounds spans, flow steps and counter bins; the window drops and counts",
          "[trace_writer]") {
  TraceWriter writer(10 * kUs, 20 * kUs, 4, 1 * kUs);
  const int track = writer.track("t", "memory");
  CHECK(writer.complete(track, "early", 0, kUs) == TraceWriter::kNoEvent);
  CHECK(writer.outsideWindowEvents() == 1);
  const auto kept = writer.complete(track, "in", 11 * kUs, kUs);
  REQUIRE(kept != TraceWriter::kNoEvent);
  writer.joinFlow(kept, writer.newFlow());  // record 2
  const int counter = writer.counter("c", "memory", "GB/s", 1e-9);
  writer.spread(counter, 12 * kUs, 15 * kUs, 300.0);  // bins 12, 13 fit; 14 is dropped
  CHECK(writer.droppedEvents() == 1);
  CHECK(writer.complete(track, "late", 15 * kUs, kUs) == TraceWriter::kNoEvent);
  CHECK(writer.droppedEvents() == 2);
  const auto document = nlohmann::json::parse(writer.json());
  CHECK(document["otherData"]["dropped_events"] == 2);
  CHECK(document["otherData"]["events_outside_window"] == 1);
}
