#pragma once
// The kernel time in picoseconds, the unit of every timing calendar. The platform keeps
// SystemC's default time resolution (1 ps), so an sc_time's value() counts picoseconds.
#include <systemc>

#include "platform/core/contention_timeline.h"

namespace spatialvp {

inline Picoseconds nowPs() {
  return static_cast<Picoseconds>(sc_core::sc_time_stamp().value());
}

}  // namespace spatialvp
