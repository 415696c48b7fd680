#pragma once
// Read/write turnaround of one pseudo-channel in time order. A real controller issues commands
// in time order, so a read only waits for writes whose data lies before it (t_wtr) and a write
// only for reads before it (t_rtw); a burst placed in a gap between bursts of the other
// direction must leave room on both sides. Loosely-timed callers place bursts in call order,
// not time order, so the data-bus start times of recent bursts of each direction are kept
// (bounded; older ones fold into a floor before which nothing of the other direction is placed)
// and a burst's data start is moved out of every turnaround zone they define. The zones are kept
// merged per bank group, so a query is one binary search however many bursts they cover.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "platform/core/contention_timeline.h"  // Picoseconds

namespace spatialvp::models {

class HbmTurnaroundHistory {
 public:
  // Zone of a booked burst starting at `s` (in its bank group `g`) for a burst of the other
  // direction: (s - before, s + after), with the long variants for the same bank group.
  struct Zone {
    spatialvp::Picoseconds before_short = 0, before_long = 0;
    spatialvp::Picoseconds after_short = 0, after_long = 0;
  };

  HbmTurnaroundHistory() = default;
  // `zone`: what a booked burst forbids to the other direction's bursts, in any of
  // `bank_groups` bank groups; at most `max_entries` bursts are remembered.
  HbmTurnaroundHistory(const Zone& zone, std::uint32_t bank_groups, std::size_t max_entries = 64)
      : zone_(zone), forbidden_(bank_groups), max_entries_(max_entries) {
    entries_.reserve(2 * max_entries + 1);
  }

  // Earliest data start >= `start` of a burst in bank group `group` that lies in no zone.
  // The zones are kept merged per bank group, so one lookup answers (the union of the
  // remembered bursts' zones is the same set however it is stored).
  spatialvp::Picoseconds earliestFit(spatialvp::Picoseconds start, std::uint32_t group) const {
    start = std::max(start, floor_);
    if (!unmerged_.empty())
      mergeBooked();
    const Forbidden& forbidden = forbidden_[group];
    const auto first = forbidden.spans.begin() + static_cast<std::ptrdiff_t>(forbidden.head);
    // The first span that ends after `start`; merged spans are at least one picosecond apart,
    // so its end is free.
    const auto it =
        std::upper_bound(first, forbidden.spans.end(), start,
                         [](spatialvp::Picoseconds t, const Span& span) { return t < span.end; });
    return it != forbidden.spans.end() && it->from <= start ? it->end : start;
  }

  // Nothing of the other direction before `floor` (history known only as a latest start).
  void raiseFloor(spatialvp::Picoseconds floor) { floor_ = std::max(floor_, floor); }

  void book(spatialvp::Picoseconds start, std::uint32_t group) {
    const Entry entry{start, group};
    const auto live = entries_.begin() + static_cast<std::ptrdiff_t>(head_);
    entries_.insert(
        std::upper_bound(live, entries_.end(), start,
                         [](spatialvp::Picoseconds t, const Entry& e) { return t < e.start; }),
        entry);
    // Its zones join the merged spans at the next query: a pseudo-channel that serves one
    // direction for a long time then books in a few instructions.
    unmerged_.push_back(entry);
    if (entries_.size() - head_ > max_entries_) {
      // Conservative fold: nothing of the other direction goes before the oldest zone's end.
      // Its zones then lie wholly before the floor, so they may stay in the merged spans.
      floor_ = std::max(floor_, entries_[head_].start + zone_.after_long);
      if (++head_ > max_entries_) {
        entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
      if (unmerged_.size() > 2 * max_entries_) {
        // Zones that end by the floor constrain nothing (a query starts at the floor).
        unmerged_.erase(
            std::remove_if(unmerged_.begin(), unmerged_.end(),
                           [this](const Entry& e) { return e.start + zone_.after_long <= floor_; }),
            unmerged_.end());
      }
    }
  }

 private:
  struct Entry {
    spatialvp::Picoseconds start;
    std::uint32_t group;
  };
  struct Span {  // forbidden data starts [from, end)
    spatialvp::Picoseconds from;
    spatialvp::Picoseconds end;
  };
  // One bank group's forbidden data starts: sorted spans, disjoint and not touching, live from
  // `head` (spans that end by the floor are dropped from the front).
  struct Forbidden {
    std::vector<Span> spans;
    std::size_t head = 0;

    void add(Span span) {
      // Bursts are booked at about increasing times, so the span usually joins the last ones.
      auto first = spans.end();
      while (first != spans.begin() + static_cast<std::ptrdiff_t>(head) &&
             (first - 1)->end >= span.from)
        --first;
      auto last = first;
      for (; last != spans.end() && last->from <= span.end; ++last) {
        span.from = std::min(span.from, last->from);
        span.end = std::max(span.end, last->end);
      }
      if (first == last) {
        spans.insert(first, span);
      } else {
        *first = span;
        spans.erase(first + 1, last);
      }
    }
    void dropBefore(spatialvp::Picoseconds floor) {
      while (head < spans.size() && spans[head].end <= floor)
        ++head;
      if (head > 64) {
        spans.erase(spans.begin(), spans.begin() + static_cast<std::ptrdiff_t>(head));
        head = 0;
      }
    }
  };
  // Adds the zones of the bursts booked since the last query to the merged spans. The spans
  // are a cache of the booked zones (their union above the floor is what a query reads, and a
  // union does not depend on the order of adding), hence mutable.
  void mergeBooked() const {
    for (const Entry& entry : unmerged_) {
      for (std::uint32_t g = 0; g < forbidden_.size(); ++g) {
        const bool same = g == entry.group;
        const spatialvp::Picoseconds before = same ? zone_.before_long : zone_.before_short;
        const spatialvp::Picoseconds after = same ? zone_.after_long : zone_.after_short;
        // The open zone (start - before, start + after) in whole picoseconds.
        const spatialvp::Picoseconds start = entry.start;
        forbidden_[g].add({start >= before ? start - before + 1 : 0, start + after});
      }
    }
    unmerged_.clear();
    for (Forbidden& forbidden : forbidden_)
      forbidden.dropBefore(floor_);
  }

  Zone zone_{};
  mutable std::vector<Forbidden> forbidden_;  // per bank group
  mutable std::vector<Entry> unmerged_;       // booked, zones not yet in forbidden_
  std::vector<Entry> entries_;                // sorted by start, live from head_
  std::size_t head_ = 0;
  spatialvp::Picoseconds floor_ = 0;
  std::size_t max_entries_ = 64;
};

}  // namespace spatialvp::models
