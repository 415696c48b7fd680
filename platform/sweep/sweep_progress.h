#pragma once
// Progress of a sweep on stderr: points done / running / failed and an ETA. On a terminal one
// redrawn line with a bar; otherwise a plain log line at most every `log_interval` seconds, plus
// one line per failed point. SystemC-free.
#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace spatialvp::sweep {

class SweepProgress {
 public:
  // `total` points in the sweep, of which `done` and `failed` were finished before this run.
  SweepProgress(std::size_t total, std::size_t done, std::size_t failed, std::ostream& out,
                bool terminal, bool quiet, double log_interval = 10.0);

  void started() { ++running_; }
  void finished(bool completed, const std::string& failure);
  // Counts measured elsewhere (Slurm: from the point folders).
  void set(std::size_t done, std::size_t failed, std::size_t running);
  void update(bool force = false);
  void close();

  std::string line() const;  // "42/100 done, 2 running, 1 failed, ETA 1m05s"
  static std::string duration(double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  std::size_t total_;
  std::size_t done_;
  std::size_t failed_;
  std::size_t running_ = 0;
  std::size_t finished_here_ = 0;  // points finished by this invocation (for the ETA)
  std::ostream& out_;
  bool terminal_;
  bool quiet_;
  double log_interval_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_{};
  bool drawn_ = false;
  std::string last_line_;  // the last plain log line (not repeated)
};

}  // namespace spatialvp::sweep
