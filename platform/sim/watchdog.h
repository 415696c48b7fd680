#pragma once
// Wall-clock watchdog. When a run is still going after its wall limit, expired() turns true and
// the run loop stops the run cleanly (stats marked interrupted). A stuck model (an endless loop
// inside one process, endless delta cycles) never returns to the run loop, so if the run is
// still not over after a grace period the watchdog reports and exits with status 3: a run
// never hangs a sweep.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace spatialvp {

class Watchdog {
 public:
  // Limits beyond kUnlimitedSeconds (and NaN) mean no limit: they would overflow the clock.
  static constexpr double kUnlimitedSeconds = 1e9;  // about 32 years
  static constexpr double kGraceSeconds = 10.0;

  explicit Watchdog(double limit_seconds, double grace_seconds = kGraceSeconds);
  ~Watchdog();  // disarms

  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  bool expired() const { return expired_.load(std::memory_order_relaxed); }

 private:
  std::mutex mutex_;
  std::condition_variable disarmed_;
  bool done_ = false;
  std::atomic<bool> expired_{false};
  std::thread thread_;
};

}  // namespace spatialvp
