#include "platform/sim/watchdog.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace spatialvp {

Watchdog::Watchdog(double limit_seconds) {
  thread_ = std::thread([this, limit_seconds] {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto limit = std::chrono::duration<double>(limit_seconds);
    if (!disarmed_.wait_for(lock, limit, [this] { return done_; })) {
      std::fprintf(stderr,
                   "spatialvp: error: wall-clock watchdog: the run exceeded platform.wall_limit "
                   "(%.0f s) and was stopped\n",
                   limit_seconds);
      std::fflush(stderr);
      std::_Exit(3);
    }
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  disarmed_.notify_all();
  thread_.join();
}

}  // namespace spatialvp
