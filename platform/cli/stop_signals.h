#pragma once
// SIGINT/SIGTERM during `spatialvp run`: the first one asks the run to stop cleanly (the stats
// gathered so far are written, marked interrupted); the handler is one-shot, so a second signal
// ends the process at once, leaving the previous outputs as they were.
#include <string>

namespace spatialvp::cli {

void installStopHandlers();
// "" while no signal has arrived, else e.g. "interrupted by SIGINT".
std::string stopReason();

}  // namespace spatialvp::cli
