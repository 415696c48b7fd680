// The write buffer of an HBM pseudo-channel controller (write_batch > 0): the policy that
// decides when buffered writes reach the FR-FCFS scheduler of hbm_channel_controller.cpp.
#include "models/memory/hbm_channel_controller.h"

#include <algorithm>

namespace spatialvp::models {

using spatialvp::Picoseconds;

// Write buffer (write_batch > 0). Controllers hold writes in a buffer and write them to the
// DRAM in batches, so that the data bus turns around once per batch rather than once per
// write. The buffer is handed to the scheduler as one batch when it holds write_batch bursts
// (at the arrival of the write that fills it) or when it is due: no read is pending and every
// buffered write has arrived (a request arriving after that finds it drained from the due
// time on, as does the device when asked, drainWritesDueBy). Reads that arrive while writes
// accumulate go first, reads that arrive during a drain wait for it. A write is acknowledged
// either when buffered (posted: the return value) or when its data is written (a write with an
// id: reported in drained_writes_). Reads of buffered data are not forwarded from the buffer.
Picoseconds HbmChannelController::access(const HbmBurst* bursts, std::size_t count, bool is_write,
                                         Picoseconds arrival, HbmRequestStats& stats) {
  if (write_batch_ == 0)
    return accessNow(bursts, count, is_write, arrival, stats);
  if (!is_write) {
    drainWritesDueBy(arrival);
    if (!buffered_writes_.empty() && !placesForRead(bursts, count))
      drainWriteBuffer(arrival);  // a bank's places are all held by buffered writes
    const Picoseconds completion = accessNow(bursts, count, false, arrival, stats);
    last_read_end_ = std::max(last_read_end_, completion);
    return completion;
  }
  return accessDeferredWrite(bursts, count, arrival, stats, 0);
}

Picoseconds HbmChannelController::accessDeferredWrite(const HbmBurst* bursts, std::size_t count,
                                                      Picoseconds arrival, HbmRequestStats& stats,
                                                      std::uint64_t write_id) {
  if (bank_queue_depth_ > 0)
    holdPlaces(bursts, count, arrival, stats);
  buffered_writes_.push_back({buffered_bursts_.size(), count, arrival, write_id});
  buffered_bursts_.insert(buffered_bursts_.end(), bursts, bursts + count);
  latest_buffered_arrival_ = std::max(latest_buffered_arrival_, arrival);
  stats.bursts += static_cast<std::uint32_t>(count);
  if (buffered_bursts_.size() >= write_batch_)
    drainWriteBuffer(arrival);
  else
    drainWritesDueBy(arrival);
  return arrival + t_.controller;
}

void HbmChannelController::drainWritesDueBy(Picoseconds now) {
  const Picoseconds due = writeDrainDue();
  if (due <= now)
    drainWriteBuffer(due);
}

// With per-bank places (bank_queue_depth > 0) a buffered write holds one of its bank's places
// until its batch is drained, as a write waiting in a controller's request buffer does: a write
// that finds none free waits for one (and is accepted then); a bank whose places are all held
// by buffered writes has the buffer drained first.
void HbmChannelController::holdPlaces(const HbmBurst* bursts, std::size_t count,
                                      Picoseconds arrival, HbmRequestStats& stats) {
  for (std::size_t i = 0; i < count; ++i) {
    if (freePlace(bursts[i]) == nullptr)
      drainWriteBuffer(arrival);
  }
  Picoseconds accepted = arrival;
  for (std::size_t i = 0; i < count; ++i) {
    Slot* const place = freePlace(bursts[i]);
    if (place == nullptr) {  // more bursts of this write in one bank than it has places
      buffered_places_.push_back(kNoPlace);
      continue;
    }
    if (place->free_at > arrival && place->occupant_arrival <= arrival)
      accepted = std::max(accepted, place->free_at);
    place->free_at = kPlaceHeld;
    buffered_places_.push_back(place->index);
  }
  if (accepted != arrival) {
    ++stats.queue_full_stalls;
    ++counters_.queue_full_stalls;
    counters_.queue_stall_time += accepted - arrival;
    stats.accepted = std::max(stats.accepted, accepted);
  }
}

HbmChannelController::Slot* HbmChannelController::freePlace(const HbmBurst& burst) {
  Slot* const first = bank_slots_.data() + bankIndex(burst) * bank_queue_depth_;
  Slot* best = nullptr;
  for (Slot* s = first; s != first + bank_queue_depth_; ++s) {
    if (s->free_at != kPlaceHeld && (best == nullptr || s->free_at < best->free_at))
      best = s;
  }
  return best;
}

bool HbmChannelController::placesForRead(const HbmBurst* bursts, std::size_t count) {
  if (bank_queue_depth_ == 0)
    return true;
  for (std::size_t i = 0; i < count; ++i) {
    if (freePlace(bursts[i]) == nullptr)
      return false;
  }
  return true;
}

void HbmChannelController::drainWriteBuffer(Picoseconds start) {
  HbmRequestStats ignored;  // the requests' statistics were taken when they were buffered
  // The writes leave their places for the scheduler's queue (where they take one again).
  if (!buffered_places_.empty()) {
    for (const BufferedWrite& write : buffered_writes_) {
      for (std::size_t i = write.first_burst; i < write.first_burst + write.count; ++i) {
        const std::uint32_t place = buffered_places_[i];
        if (place != kNoPlace)
          bank_slots_[place] = {start, write.arrival, place};
      }
    }
  }
  buffered_places_.clear();
  for (const BufferedWrite& write : buffered_writes_) {
    const Picoseconds done = accessNow(buffered_bursts_.data() + write.first_burst, write.count,
                                       true, std::max(start, write.arrival), ignored);
    last_drain_end_ = std::max(last_drain_end_, done);
    if (write.write_id != 0)
      drained_sink_->push_back({write.write_id, done});
  }
  buffered_writes_.clear();
  buffered_bursts_.clear();
}

Picoseconds HbmChannelController::drainWrites() {
  if (buffered_writes_.empty())
    return 0;
  drainWriteBuffer(writeDrainDue());
  return last_drain_end_;
}

}  // namespace spatialvp::models
