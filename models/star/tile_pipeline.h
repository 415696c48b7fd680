#pragma once
// The cross-stage tile pipeline of one STAR core (sources S2.6.2) as a scheduler without a
// simulation kernel: from when an item's input is ready and when the units started and finished
// its earlier stages, it says when each stage job and each data transfer may start. The
// single-core controller (star_controller) and every Spatial-STAR core (spatial_star_core) use
// it, so the two platforms share one set of pipeline rules:
//   - stage buffers: a stage runs at most `stage_buffers` items ahead of the stage that consumes
//     its output (TilePipeline::stageReady);
//   - item buffers: an item's data (a DRAM/HBM fetch or a ring predecessor's forward) goes into
//     one of `buffers` buffers, the one item `index - buffers` freed (ItemBuffers);
//   - prefetch: the fetcher is sequential and issues the next fetch once the previous one is
//     done and its buffer is free (ItemBuffers::fetchIssue);
//   - ring flow control: a core forwards item i to its successor once the item is here and the
//     successor's buffer for it is free (ringForwardStart);
//   - tile synchronisation: after a block's last SU-FA job (TilePipeline::blockLastSufaEnd).
// Times are picoseconds; the callers clamp them to the kernel time and send the jobs.
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace spatialvp {
using Picoseconds = std::uint64_t;
}

namespace spatialvp::models::star {

// Stage order of a STAR core's units.
enum class TileStage : std::size_t { kDlzs = 0, kSads = 1, kKv = 2, kSuFa = 3 };
inline constexpr std::size_t kTileStages = 4;

class TilePipeline {
 public:
  explicit TilePipeline(std::size_t stage_buffers);

  // Earliest start of `stage`'s job for the next item whose input is ready at `input_ready`:
  // the consumer stage must have started the item `stage_buffers` items back.
  Picoseconds stageReady(std::size_t stage, Picoseconds input_ready) const;

  // A tile stage's job was issued ready at `ready`, started at `started`, ended at `finished`.
  void tileStageIssued(std::size_t stage, Picoseconds ready, Picoseconds started,
                       Picoseconds finished);
  // A job outside the item stream (Q projection, tile synchronisation) ran on `stage`'s unit;
  // it takes no stage buffer, but its ready time holds the frontier like a tile stage's.
  void otherJobIssued(std::size_t stage, Picoseconds ready, Picoseconds started,
                      Picoseconds finished);

  // A new block (head x query block) begins: its synchronisation waits for its own SU-FA jobs.
  void beginBlock() { block_last_sufa_end_ = 0; }
  Picoseconds blockLastSufaEnd() const { return block_last_sufa_end_; }

  // The earliest time this core may still issue work: every stage's ready stream is monotone,
  // so the minimum of the last ready times is a safe point for the kernel to advance to.
  Picoseconds frontier() const;
  // Time the stage's unit was busy with the jobs recorded here.
  Picoseconds busy(std::size_t stage) const { return busy_.at(stage); }

 private:
  std::size_t stage_buffers_;
  std::array<std::deque<Picoseconds>, kTileStages> starts_;  // most recent item starts
  std::array<Picoseconds, kTileStages> last_ready_{};
  std::array<Picoseconds, kTileStages> busy_{};
  Picoseconds block_last_sufa_end_ = 0;
};

// A core's item buffers (K/V or token tiles): item `index` fills the buffer that item
// `index - buffers` frees. Only a short window of recent items is kept (bounded memory).
class ItemBuffers {
 public:
  explicit ItemBuffers(std::size_t buffers);

  std::size_t buffers() const { return buffers_; }
  // When item `index`'s buffer is free (0 while the first `buffers` items fill empty buffers,
  // or while the item that frees it has not been scheduled yet).
  Picoseconds bufferFree(std::size_t index) const;
  // Prefetch: the fetch of item `index` issues at `now` at the earliest, after the previous
  // fetch is done and once its buffer is free.
  Picoseconds fetchIssue(std::size_t index, Picoseconds now) const;
  void fetchDone(Picoseconds done) { last_fetch_done_ = done; }
  Picoseconds lastFetchDone() const { return last_fetch_done_; }

  // Item `index` no longer needs its buffer after `at` (items are released in index order).
  void release(std::size_t index, Picoseconds at);
  std::size_t released() const { return first_ + releases_.size(); }

  // Ring: item `index` arrived from the predecessor at `at` (recorded before it is scheduled).
  void arrive(std::size_t index, Picoseconds at);
  std::optional<Picoseconds> arrival(std::size_t index) const;

 private:
  std::size_t buffers_;
  std::size_t window_;
  std::size_t first_ = 0;             // index of releases_.front()
  std::deque<Picoseconds> releases_;  // release times of the most recent items
  std::size_t first_arrival_ = 0;
  std::deque<std::optional<Picoseconds>> arrivals_;
  Picoseconds last_fetch_done_ = 0;
};

// Ring flow control: item `index` ready here at `here` may be forwarded once the successor's
// buffer for it (its item index + 1) is free.
Picoseconds ringForwardStart(Picoseconds here, const ItemBuffers& successor, std::size_t index);

}  // namespace spatialvp::models::star
