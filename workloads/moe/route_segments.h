#pragma once
// Flows carried as merged straight route segments: a cheaper-to-simulate form of an all-to-all
// with the same bytes on every link (models/wafer_moe/README.md, "Route segments").
//
// An all-to-all in which every die sends to most others (the owner combine: each expert die to
// the owner of each of its tokens) is thousands of small flows per layer, and a packet-level mesh
// pays for every one on every hop. Each flow's route is cut where it turns, into straight
// segments; equal segments of different flows (same first and last die) are merged into one
// transfer carrying their summed bytes. Every link carries exactly the bytes it carried before,
// since each link of a route lies in exactly one of its segments; the number of transfers is
// bounded by dies x (grid width + grid height) instead of dies^2.
//
// Timing, as a cut-through network would give it (the caller issues the segments):
//   issue(segment) = min over its flows f of (ready(src_f) + before_f), before_f = the zero-load
//     head latency of f's route up to the segment (sum of link latencies): data starts to flow
//     when the first head reaches the segment;
//   done(f) = max over f's segments of (delivered(segment) + after_f), after_f = the latency of
//     f's route after the segment: a flow ends no earlier than any of its segments has moved its
//     bytes, plus the flight of its last bytes over the rest of its route.
// A segment is used only if the network's own route between its ends is that straight piece of
// the flow's route (checked with MeshTopology::forEachLink, so fault-tolerant routes qualify or
// not by the same rule); otherwise the flow stays whole.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "workloads/moe/mesh_topology.h"
#include "workloads/moe/transfer.h"

namespace spatialvp::moe {

struct SegmentedFlows {
  struct Leg {
    int segment = 0;        // index into segments
    double before_s = 0.0;  // zero-load head latency of the flow's route before the segment
    double after_s = 0.0;   // latency of the flow's route after the segment
  };
  std::vector<Transfer> segments;  // merged: bytes summed; phase and step of the first flow
  std::vector<Leg> legs;           // the legs of flow i are legs[first[i] .. first[i + 1])
  std::vector<int> first;          // flows + 1 entries
  void clear() {
    segments.clear();
    legs.clear();
    first.clear();
  }
};

class RouteSegmenter {
 public:
  explicit RouteSegmenter(const MeshTopology& topology);

  // Splits every flow (src != dst, bytes > 0 expected; others get no legs) into its straight
  // route segments and merges equal ones. Deterministic: segments in order of first use.
  // With `merge_class` (one value per flow, equal values contiguous), pieces merge only within a
  // class: the caller passes the flows' ready times, so a piece never carries bytes of a flow
  // whose source is not ready yet.
  void segment(const std::vector<Transfer>& flows, SegmentedFlows& out,
               const std::vector<std::uint64_t>* merge_class = nullptr);

 private:
  struct Cut {
    int die = 0;            // segment end (the next segment's start)
    double before_s = 0.0;  // route latency from the flow's source to the segment's start
    double after_s = 0.0;   // route latency from the segment's end to the flow's destination
  };
  // The cuts of route src -> dst (the last one is dst); one cut if the route stays whole.
  const std::vector<Cut>& cuts(int src, int dst);
  bool straightRouteIs(int from, int to, const std::vector<int>& links, std::size_t begin,
                       std::size_t end) const;

  const MeshTopology* topology_;
  std::unordered_map<std::uint64_t, std::vector<Cut>> cuts_;  // per (src, dst): routes are fixed
  std::unordered_map<std::uint64_t, int> segment_index_;      // scratch per call
  std::vector<int> route_;                                    // scratch
};

}  // namespace spatialvp::moe
