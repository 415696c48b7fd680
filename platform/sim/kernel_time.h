#pragma once
// The kernel time in picoseconds, the unit of every timing calendar. The platform keeps
// SystemC's default time resolution (1 ps), so an sc_time's value() counts picoseconds.
#include <systemc>

#include "platform/core/contention_timeline.h"

namespace spatialvp {

// sc_time_stamp() is an out-of-line library call; the simulation context's accessor is inline,
// and hot paths (a memory decision, a traffic generator's issue) read the time several times.
inline const sc_core::sc_time& kernelTime() {
  return sc_core::sc_get_curr_simcontext()->time_stamp();
}

inline Picoseconds nowPs() {
  return static_cast<Picoseconds>(kernelTime().value());
}

}  // namespace spatialvp
