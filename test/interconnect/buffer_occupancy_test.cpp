#include "interconnect/mesh/buffer_occupancy.h"

#include <catch2/catch.hpp>

using spatialvp::interconnect::BufferOccupancy;

TEST_CASE("Mesh buffer: grants a free slot immediately and waits when all are busy",
          "[interconnect][buffer]") {
  BufferOccupancy buffer(2);
  auto grant = buffer.earliestEntry(0, 10);
  CHECK(grant.time == 0);
  buffer.occupy(grant.slot, 0, 100);
  grant = buffer.earliestEntry(5, 10);
  CHECK(grant.time == 5);
  buffer.occupy(grant.slot, 5, 80);
  grant = buffer.earliestEntry(10, 10);  // both slots busy: the first frees at 80
  CHECK(grant.time == 80);
}

TEST_CASE("Mesh buffer: lets an earlier packet use a slot before a later booking",
          "[interconnect][buffer]") {
  BufferOccupancy buffer(1);
  buffer.occupy(0, 100, 200);
  CHECK(buffer.earliestEntry(0, 50).time == 0);     // fits entirely before 100
  CHECK(buffer.earliestEntry(60, 50).time == 200);  // would overlap: wait until it leaves
  buffer.occupy(0, 0, 40);
  buffer.occupy(0, 30, 120);  // overlapping bookings merge, never lost
  CHECK(buffer.intervalCount() == 1);
  CHECK(buffer.earliestEntry(0, 1).time == 200);
  buffer.retire(200);
  CHECK(buffer.intervalCount() == 0);
}
