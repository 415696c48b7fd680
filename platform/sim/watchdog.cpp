#include "platform/sim/watchdog.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace spatialvp {

namespace {

// Waits up to `seconds` for `done`; true if done. Large or NaN waits are unbounded waits, so
// the conversion to the clock's integer ticks cannot overflow.
template <typename Predicate>
bool waitFor(std::condition_variable& condition, std::unique_lock<std::mutex>& lock, double seconds,
             Predicate done) {
  if (!(seconds < Watchdog::kUnlimitedSeconds)) {
    condition.wait(lock, done);
    return true;
  }
  const auto ticks = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(seconds > 0.0 ? seconds : 0.0));
  return condition.wait_for(lock, ticks, done);
}

}  // namespace

Watchdog::Watchdog(double limit_seconds, double grace_seconds) {
  thread_ = std::thread([this, limit_seconds, grace_seconds] {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto done = [this] { return done_; };
    if (waitFor(disarmed_, lock, limit_seconds, done))
      return;
    expired_.store(true, std::memory_order_relaxed);
    if (waitFor(disarmed_, lock, grace_seconds, done))
      return;
    std::fprintf(stderr,
                 "spatialvp: error: wall-clock watchdog: the run exceeded platform.wall_limit "
                 "(%.6g s) and did not stop within %.0f s; exiting without writing outputs\n",
                 limit_seconds, grace_seconds);
    std::fflush(stderr);
    std::_Exit(3);
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
