#pragma once
// `spatialvp star-algo`: runs the STAR reference algorithms (workloads/star) on a synthetic
// or user-supplied (.npy) head and prints the measured figures next to the published ones.
#include <functional>

namespace CLI {
class App;
}

namespace spatialvp::cli {

// Registers `star-algo` on the top-level app; the returned action runs it and returns the
// exit code: 0 success, 2 usage or input error, 3 internal failure.
std::function<int()> addStarAlgoCommand(CLI::App& app);

}  // namespace spatialvp::cli
