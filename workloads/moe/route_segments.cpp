#include "workloads/moe/route_segments.h"

namespace spatialvp::moe {

namespace {

std::uint64_t pairKey(int from, int to, int dies) {
  return static_cast<std::uint64_t>(from) * static_cast<std::uint64_t>(dies) +
         static_cast<std::uint64_t>(to);
}

}  // namespace

RouteSegmenter::RouteSegmenter(const MeshTopology& topology) : topology_(&topology) {}

bool RouteSegmenter::straightRouteIs(int from, int to, const std::vector<int>& links,
                                     std::size_t begin, std::size_t end) const {
  std::size_t at = begin;
  bool same = true;
  topology_->forEachLink(from, to, [&](int link) {
    same = same && at < end && links[at] == link;
    ++at;
  });
  return same && at == end;
}

const std::vector<RouteSegmenter::Cut>& RouteSegmenter::cuts(int src, int dst) {
  const std::uint64_t key = pairKey(src, dst, topology_->dies());
  const auto found = cuts_.find(key);
  if (found != cuts_.end())
    return found->second;
  route_.clear();
  topology_->forEachLink(src, dst, [this](int link) { route_.push_back(link); });
  // Latency before each link (cumulative, cut-through head) and in total.
  std::vector<double> before(route_.size() + 1, 0.0);
  for (std::size_t i = 0; i < route_.size(); ++i)
    before[i + 1] = before[i] + topology_->linkLatency(route_[i]);
  const double total = before.back();
  std::vector<Cut> result;
  std::size_t begin = 0;
  for (std::size_t i = 1; i <= route_.size(); ++i) {
    const bool turns = i == route_.size() || route_[i] % 4 != route_[i - 1] % 4;
    if (!turns)
      continue;
    const int from = topology_->linkSource(route_[begin]);
    const int to = topology_->linkTarget(route_[i - 1]);
    if (!straightRouteIs(from, to, route_, begin, i)) {
      result.assign(1, Cut{dst, 0.0, 0.0});  // the network routes the piece otherwise: whole
      break;
    }
    result.push_back(Cut{to, before[begin], total - before[i]});
    begin = i;
  }
  if (result.empty())
    result.push_back(Cut{dst, 0.0, 0.0});
  return cuts_.emplace(key, std::move(result)).first->second;
}

void RouteSegmenter::segment(const std::vector<Transfer>& flows, SegmentedFlows& out,
                             const std::vector<std::uint64_t>* merge_class) {
  out.clear();
  segment_index_.clear();
  const int dies = topology_->dies();
  out.first.reserve(flows.size() + 1);
  for (std::size_t f = 0; f < flows.size(); ++f) {
    const Transfer& flow = flows[f];
    if (merge_class != nullptr && f > 0 && (*merge_class)[f] != (*merge_class)[f - 1])
      segment_index_.clear();  // a new class: no merging with the pieces before
    out.first.push_back(static_cast<int>(out.legs.size()));
    if (flow.src == flow.dst || flow.bytes <= 0.0)
      continue;
    int from = flow.src;
    for (const Cut& cut : cuts(flow.src, flow.dst)) {
      const auto inserted = segment_index_.emplace(pairKey(from, cut.die, dies),
                                                   static_cast<int>(out.segments.size()));
      if (inserted.second) {
        Transfer piece = flow;
        piece.src = from;
        piece.dst = cut.die;
        piece.bytes = 0.0;
        out.segments.push_back(piece);
      }
      const int index = inserted.first->second;
      out.segments[static_cast<std::size_t>(index)].bytes += flow.bytes;
      out.legs.push_back(SegmentedFlows::Leg{index, cut.before_s, cut.after_s});
      from = cut.die;
    }
  }
  out.first.push_back(static_cast<int>(out.legs.size()));
}

}  // namespace spatialvp::moe
