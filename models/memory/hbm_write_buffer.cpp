// The posted-write buffer of an HBM pseudo-channel controller (write_batch > 0): the policy that
// decides when buffered writes reach the FR-FCFS scheduler of hbm_channel_controller.cpp.
#include "models/memory/hbm_channel_controller.h"

#include <algorithm>

namespace spatialvp::models {

using spatialvp::Picoseconds;

// Write buffer (write_batch > 0). Controllers hold writes in a buffer and acknowledge them
// there, then write them to the DRAM in batches, so that the data bus turns around once per
// batch rather than once per write. A write is posted: it completes when buffered. The buffer
// is handed to the scheduler as one batch when it holds write_batch bursts or when no read is
// pending (a read or write arrives after the end of the last read data): reads that arrive
// while writes accumulate go first, reads that arrive during a drain wait for it. (Reads of
// buffered data are not forwarded from the buffer; they go to the DRAM.)
Picoseconds HbmChannelController::access(const HbmBurst* bursts, std::size_t count, bool is_write,
                                         Picoseconds arrival, HbmRequestStats& stats) {
  if (write_batch_ == 0)
    return accessNow(bursts, count, is_write, arrival, stats);
  const bool no_read_pending = last_read_end_ <= arrival;
  if (!is_write) {
    if (no_read_pending && !buffered_writes_.empty())
      drainWriteBuffer(arrival);
    const Picoseconds completion = accessNow(bursts, count, false, arrival, stats);
    last_read_end_ = std::max(last_read_end_, completion);
    return completion;
  }
  buffered_writes_.push_back({buffered_bursts_.size(), count, arrival});
  buffered_bursts_.insert(buffered_bursts_.end(), bursts, bursts + count);
  stats.bursts += static_cast<std::uint32_t>(count);
  if (no_read_pending || buffered_bursts_.size() >= write_batch_)
    drainWriteBuffer(arrival);
  return arrival + t_.controller;
}

void HbmChannelController::drainWriteBuffer(Picoseconds start) {
  HbmRequestStats ignored;  // the requests completed when they were buffered
  for (const BufferedWrite& write : buffered_writes_) {
    const Picoseconds done = accessNow(buffered_bursts_.data() + write.first_burst, write.count,
                                       true, std::max(start, write.arrival), ignored);
    last_drain_end_ = std::max(last_drain_end_, done);
  }
  buffered_writes_.clear();
  buffered_bursts_.clear();
}

Picoseconds HbmChannelController::drainWrites() {
  if (buffered_writes_.empty())
    return 0;
  Picoseconds start = 0;
  for (const BufferedWrite& write : buffered_writes_)
    start = std::max(start, write.arrival);
  drainWriteBuffer(start);
  return last_drain_end_;
}

}  // namespace spatialvp::models
