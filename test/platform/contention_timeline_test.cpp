#include "platform/core/contention_timeline.h"

#include <catch2/catch.hpp>

using spatialvp::ContentionTimeline;

TEST_CASE("Timeline grants in-order requests back to back", "[timing]") {
  ContentionTimeline line;
  CHECK(line.reserve(0, 10) == 0);
  CHECK(line.reserve(0, 10) == 10);
  CHECK(line.reserve(5, 10) == 20);
  CHECK(line.reserve(100, 10) == 100);
  CHECK(line.busyTime() == 40);
  CHECK(line.busyUntil() == 110);
}

TEST_CASE("Timeline fills an idle gap with a late-arriving earlier request", "[timing]") {
  ContentionTimeline line;
  line.reserve(0, 10);
  line.reserve(50, 10);
  CHECK(line.reserve(10, 40) == 10);  // exactly fills [10,50)
  CHECK(line.intervalCount() == 1);
  CHECK(line.reserve(0, 5) == 60);  // no gap left before 60
}

TEST_CASE("Timeline skips gaps too small for the request", "[timing]") {
  ContentionTimeline line;
  line.reserve(0, 10);
  line.reserve(15, 10);  // gap [10,15)
  CHECK(line.reserve(0, 8) == 25);
  CHECK(line.reserve(0, 5) == 10);
}

TEST_CASE("Timeline memory stays bounded and grants stay monotone past the floor", "[timing]") {
  ContentionTimeline line(8);
  for (int i = 0; i < 100; ++i)
    line.reserve(static_cast<spatialvp::Picoseconds>(i) * 20, 10);
  CHECK(line.intervalCount() <= 8);
  CHECK(line.reserve(0, 10) >= 10);  // folded history is never handed out again
}

TEST_CASE("transferTime rounds up to whole picoseconds", "[timing]") {
  CHECK(spatialvp::transferTime(64, 512e9) == 125);
  CHECK(spatialvp::transferTime(1, 3e12) == 1);
  CHECK(spatialvp::transferTime(0, 1e9) == 0);
}
