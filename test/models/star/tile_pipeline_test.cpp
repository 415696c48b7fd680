// The STAR tile-pipeline scheduler alone (no SystemC): stage buffers, item buffers and
// prefetch, ring flow control and the frontier, driven by hand-made unit completion times.
#include "models/star/tile_pipeline.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

using spatialvp::Picoseconds;
using spatialvp::models::star::ItemBuffers;
using spatialvp::models::star::kTileStages;
using spatialvp::models::star::ringForwardStart;
using spatialvp::models::star::TilePipeline;

namespace {

// Single-server units with fixed job durations: a job starts at max(ready, unit free).
struct Units {
  std::array<Picoseconds, kTileStages> duration{};
  std::array<Picoseconds, kTileStages> free{};
  std::pair<Picoseconds, Picoseconds> run(std::size_t stage, Picoseconds ready) {
    const Picoseconds start = std::max(ready, free[stage]);
    free[stage] = start + duration[stage];
    return {start, free[stage]};
  }
};

// Items through the four stages in order, each stage when its predecessor ends.
std::vector<std::array<Picoseconds, kTileStages>> runItems(TilePipeline& pipeline, Units& units,
                                                           std::size_t items) {
  std::vector<std::array<Picoseconds, kTileStages>> starts(items);
  for (std::size_t i = 0; i < items; ++i) {
    Picoseconds input = 0;
    for (std::size_t s = 0; s < kTileStages; ++s) {
      const Picoseconds ready = pipeline.stageReady(s, input);
      const auto [start, end] = units.run(s, ready);
      pipeline.tileStageIssued(s, ready, start, end);
      starts[i][s] = start;
      input = end;
    }
  }
  return starts;
}

}  // namespace

TEST_CASE("tile pipeline: a fast stage runs at most stage_buffers items ahead of a slow one",
          "[star][tile_pipeline]") {
  for (std::size_t buffers : {1, 2, 3}) {
    TilePipeline pipeline(buffers);
    Units units;
    units.duration = {10, 10, 10, 100};  // SU-FA is the bottleneck
    const auto starts = runItems(pipeline, units, 12);
    for (std::size_t i = buffers; i < starts.size(); ++i) {
      // KV (stage 2) of item i waits for SU-FA to start item i - buffers.
      CHECK(starts[i][2] >= starts[i - buffers][3]);
    }
    // Without the limit KV would run far ahead; with it, KV tracks SU-FA.
    CHECK(starts.back()[2] >= starts[starts.size() - 1 - buffers][3]);
    CHECK(pipeline.busy(3) == 12 * 100);
    CHECK(pipeline.busy(0) == 12 * 10);
  }
}

TEST_CASE("tile pipeline: balanced stages overlap (one item per stage period)",
          "[star][tile_pipeline]") {
  TilePipeline pipeline(2);
  Units units;
  units.duration = {50, 50, 50, 50};
  const auto starts = runItems(pipeline, units, 8);
  for (std::size_t i = 1; i < starts.size(); ++i)
    CHECK(starts[i][0] == starts[i - 1][0] + 50);
  CHECK(starts[7][3] == 7 * 50 + 3 * 50);
}

TEST_CASE("tile pipeline: the frontier is the least recent ready time over the stages",
          "[star][tile_pipeline]") {
  TilePipeline pipeline(2);
  CHECK(pipeline.frontier() == 0);
  pipeline.tileStageIssued(0, 100, 100, 110);
  pipeline.tileStageIssued(1, 120, 120, 130);
  pipeline.tileStageIssued(2, 140, 140, 150);
  CHECK(pipeline.frontier() == 0);  // SU-FA has issued nothing yet
  pipeline.tileStageIssued(3, 160, 160, 170);
  CHECK(pipeline.frontier() == 100);
  // A job outside the item stream counts for busy time and the frontier, takes no buffer.
  pipeline.otherJobIssued(0, 500, 500, 520);
  CHECK(pipeline.frontier() == 120);
  CHECK(pipeline.busy(0) == 10 + 20);
}

TEST_CASE("tile pipeline: synchronisation waits for the block's own last SU-FA job",
          "[star][tile_pipeline]") {
  TilePipeline pipeline(2);
  pipeline.tileStageIssued(3, 0, 10, 40);
  pipeline.tileStageIssued(3, 0, 40, 90);
  CHECK(pipeline.blockLastSufaEnd() == 90);
  pipeline.beginBlock();
  CHECK(pipeline.blockLastSufaEnd() == 0);
  pipeline.tileStageIssued(2, 0, 90, 95);  // not SU-FA: no effect
  CHECK(pipeline.blockLastSufaEnd() == 0);
  pipeline.tileStageIssued(3, 95, 95, 130);
  CHECK(pipeline.blockLastSufaEnd() == 130);
}

TEST_CASE("item buffers: a fetch waits for the previous fetch and for its buffer",
          "[star][tile_pipeline]") {
  ItemBuffers kv(2);
  // Items 0 and 1 fill empty buffers: only the fetcher's own order and the time hold them.
  CHECK(kv.fetchIssue(0, 5) == 5);
  kv.fetchDone(30);
  CHECK(kv.fetchIssue(1, 5) == 30);
  kv.fetchDone(60);
  kv.release(0, 200);  // item 0's K/V read by the KV stage at 200
  kv.release(1, 250);
  // Item 2 reuses item 0's buffer, item 3 item 1's.
  CHECK(kv.bufferFree(2) == 200);
  CHECK(kv.fetchIssue(2, 70) == 200);
  CHECK(kv.bufferFree(3) == 250);
  // Not yet released: no constraint (the caller schedules items in order).
  CHECK(kv.bufferFree(4) == 0);
  CHECK(kv.fetchIssue(4, 70) == 70);
  CHECK(kv.fetchIssue(4, 50) == 60);  // the previous fetch is done at 60
}

TEST_CASE("item buffers: one buffer is the controller's double-buffered fetcher",
          "[star][tile_pipeline]") {
  // The controller fetches for item n once the DLZS started on item n - 1.
  ItemBuffers fetcher(1);
  CHECK(fetcher.fetchIssue(fetcher.released(), 0) == 0);
  fetcher.fetchDone(100);
  fetcher.release(fetcher.released(), 150);  // DLZS starts item 0 at 150
  CHECK(fetcher.fetchIssue(fetcher.released(), 0) == 150);
  fetcher.fetchDone(400);
  CHECK(fetcher.fetchIssue(fetcher.released(), 0) == 400);
}

TEST_CASE("item buffers: out-of-order release and a stale lookup are logic errors",
          "[star][tile_pipeline]") {
  ItemBuffers kv(2);
  CHECK_THROWS_AS(kv.release(1, 10), std::logic_error);
  for (std::size_t i = 0; i < 40; ++i)
    kv.release(i, 10 * i);
  CHECK(kv.bufferFree(41) == 390);                      // item 39 frees it
  CHECK_THROWS_AS(kv.bufferFree(3), std::logic_error);  // item 1 is long gone
  CHECK_THROWS_AS(TilePipeline(0), std::invalid_argument);
  CHECK_THROWS_AS(ItemBuffers(0), std::invalid_argument);
}

TEST_CASE("ring flow control: forward once here and the successor's buffer is free",
          "[star][tile_pipeline]") {
  ItemBuffers successor(2);
  // Items 0 and 1 of the successor go to empty buffers: forward as soon as the tile is here.
  CHECK(ringForwardStart(40, successor, 0) == 40);
  successor.release(0, 500);
  successor.release(1, 600);
  // Item 2 of the successor (forwarded as our item 1) reuses item 0's buffer.
  CHECK(ringForwardStart(40, successor, 1) == 500);
  CHECK(ringForwardStart(700, successor, 1) == 700);
  CHECK(ringForwardStart(40, successor, 2) == 600);
  // Arrivals are recorded ahead of the item and read when it is scheduled.
  CHECK_FALSE(successor.arrival(2).has_value());
  successor.arrive(2, 640);
  REQUIRE(successor.arrival(2).has_value());
  CHECK(*successor.arrival(2) == 640);
}
