#pragma once
// Wall-clock watchdog: if a run is still going after its wall limit, report and exit with
// status 3. A stuck model (infinite loop, endless delta cycles) can't be stopped from inside
// the kernel, so this is the guarantee that a run never hangs a sweep.
#include <condition_variable>
#include <mutex>
#include <thread>

namespace spatialvp {

class Watchdog {
 public:
  explicit Watchdog(double limit_seconds);
  ~Watchdog();  // disarms

  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable disarmed_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace spatialvp
