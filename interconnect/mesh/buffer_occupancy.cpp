#include "interconnect/mesh/buffer_occupancy.h"

#include <algorithm>

namespace spatialvp::interconnect {

BufferOccupancy::BufferOccupancy(std::uint32_t slots)
    : slots_(std::max<std::uint32_t>(slots, 1)),
      busy_until_(slots_.size(), 0),
      last_start_(slots_.size(), 0) {}

BufferOccupancy::Grant BufferOccupancy::earliestEntry(Picoseconds earliest,
                                                      Picoseconds entry_duration) const {
  constexpr Picoseconds kForever = std::numeric_limits<Picoseconds>::max();
  // Fast path, the same answer as the search below: the lowest slot idle from `earliest` on.
  const std::uint32_t count = static_cast<std::uint32_t>(busy_until_.size());
  for (std::uint32_t index = 0; index < count; ++index) {
    if (busy_until_[index] <= earliest)
      return Grant{earliest, index};
  }
  Grant best{kForever, 0};
  Picoseconds best_room = 0;
  for (std::uint32_t index = 0; index < count; ++index) {
    // Every slot is busy after `earliest` here, so a fit at `earliest` ends its room at a
    // booking no later than the slot's last one: a slot whose last booking starts within the
    // best room found at `earliest` cannot win (same grants as without this test, less search).
    const Picoseconds last_start = last_start_[index];
    if (best.time == earliest && (last_start <= earliest || last_start - earliest <= best_room))
      continue;
    const Fit fit = fitInSlot(index, earliest, entry_duration);
    if (fit.time < best.time || (fit.time == best.time && fit.room > best_room)) {
      best = Grant{fit.time, index};
      best_room = fit.room;
      if (fit.time == earliest && fit.room == kForever)
        break;  // cannot do better
    }
  }
  return best;
}

BufferOccupancy::Fit BufferOccupancy::fitInSlot(std::uint32_t slot_index, Picoseconds earliest,
                                                Picoseconds entry_duration) const {
  constexpr Picoseconds kForever = std::numeric_limits<Picoseconds>::max();
  const Slot& slot = slots_[slot_index];
  // Idle from `earliest` until the first live booking: the answer without a search.
  if (slot.first < slot.intervals.size() &&
      slot.intervals[slot.first].start >= earliest + entry_duration)
    return Fit{earliest, slot.intervals[slot.first].start - earliest};
  // Disjoint and sorted, so ends are sorted too: skip everything that ends by `earliest`.
  // Requests arrive near the newest bookings, so gallop back from the end first.
  const std::size_t size = slot.intervals.size();
  std::size_t low = slot.first;  // the answer is in [low, high]
  std::size_t high = size;
  for (std::size_t step = 1; high > low; step *= 2) {
    const std::size_t probe = high > low + step ? high - step : low;
    if (slot.intervals[probe].end <= earliest) {
      low = probe + 1;
      break;
    }
    high = probe;
  }
  auto it = std::upper_bound(slot.intervals.begin() + static_cast<std::ptrdiff_t>(low),
                             slot.intervals.begin() + static_cast<std::ptrdiff_t>(high), earliest,
                             [](Picoseconds t, const Interval& iv) { return t < iv.end; });
  Picoseconds candidate = earliest;
  while (it != slot.intervals.end() && it->start < candidate + entry_duration) {
    candidate = std::max(candidate, it->end);
    ++it;
  }
  return Fit{candidate, it == slot.intervals.end() ? kForever : it->start - candidate};
}

Picoseconds BufferOccupancy::earliestEntryInSlot(std::uint32_t slot, Picoseconds earliest,
                                                 Picoseconds entry_duration) const {
  return fitInSlot(slot, earliest, entry_duration).time;
}

void BufferOccupancy::occupy(std::uint32_t slot_index, Picoseconds enter, Picoseconds leave) {
  if (leave <= enter)
    return;
  Slot& slot = slots_.at(slot_index);
  auto& intervals = slot.intervals;
  if (intervals.size() == slot.first || intervals.back().end < enter) {
    intervals.push_back({enter, leave});  // common case: in time order
  } else {
    // First interval that touches or follows [enter, leave); merge every one that touches it.
    auto it = std::lower_bound(intervals.begin() + static_cast<std::ptrdiff_t>(slot.first),
                               intervals.end(), enter,
                               [](const Interval& iv, Picoseconds t) { return iv.end < t; });
    auto last = it;
    Picoseconds start = enter;
    Picoseconds end = leave;
    while (last != intervals.end() && last->start <= leave) {
      start = std::min(start, last->start);
      end = std::max(end, last->end);
      ++last;
    }
    if (it == last) {
      intervals.insert(it, {start, end});
    } else {
      *it = {start, end};
      intervals.erase(it + 1, last);
    }
  }
  if (intervals.size() - slot.first > kMaxIntervalsPerSlot)
    ++slot.first;  // bound memory
  if (slot.first > 64 && slot.first * 2 > intervals.size()) {
    intervals.erase(intervals.begin(), intervals.begin() + static_cast<std::ptrdiff_t>(slot.first));
    slot.first = 0;
  }
  busy_until_[slot_index] = intervals.back().end;
  last_start_[slot_index] = intervals.back().start;
}

void BufferOccupancy::retire(Picoseconds horizon) {
  for (std::size_t index = 0; index < slots_.size(); ++index) {
    Slot& slot = slots_[index];
    while (slot.first < slot.intervals.size() && slot.intervals[slot.first].end <= horizon) {
      ++slot.first;
    }
    if (slot.first == slot.intervals.size()) {
      slot.intervals.clear();
      slot.first = 0;
      busy_until_[index] = 0;
      last_start_[index] = 0;
    }
  }
}

std::size_t BufferOccupancy::intervalCount() const {
  std::size_t total = 0;
  for (const Slot& slot : slots_)
    total += slot.intervals.size() - slot.first;
  return total;
}

}  // namespace spatialvp::interconnect
