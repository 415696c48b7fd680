#include "platform/sweep/sweep_progress.h"

#include <cmath>
#include <cstdio>

namespace spatialvp::sweep {

SweepProgress::SweepProgress(std::size_t total, std::size_t done, std::size_t failed,
                             std::ostream& out, bool terminal, bool quiet, double log_interval)
    : total_(total),
      done_(done),
      failed_(failed),
      out_(out),
      terminal_(terminal),
      quiet_(quiet),
      log_interval_(log_interval) {}

void SweepProgress::finished(bool completed, const std::string& failure) {
  if (running_ > 0)
    --running_;
  ++finished_here_;
  if (completed) {
    ++done_;
    update();
    return;
  }
  ++failed_;
  if (!quiet_) {
    if (terminal_ && drawn_)
      out_ << "\r\033[K";
    out_ << "sweep: " << failure << "\n";
    drawn_ = false;
  }
  update(true);
}

void SweepProgress::set(std::size_t done, std::size_t failed, std::size_t running) {
  if (done + failed > done_ + failed_)
    finished_here_ += done + failed - done_ - failed_;
  done_ = done;
  failed_ = failed;
  running_ = running;
}

std::string SweepProgress::duration(double seconds) {
  const long total = std::lround(seconds);
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof(text), "%ldh%02ldm", total / 3600, total / 60 % 60);
  else if (total >= 60)
    std::snprintf(text, sizeof(text), "%ldm%02lds", total / 60, total % 60);
  else
    std::snprintf(text, sizeof(text), "%lds", total);
  return text;
}

std::string SweepProgress::line() const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const std::size_t remaining = total_ - std::min(total_, done_ + failed_);
  std::string eta = "ETA --";
  if (remaining == 0)
    eta = "elapsed " + duration(elapsed);
  else if (finished_here_ > 0)
    eta = "ETA " +
          duration(elapsed / static_cast<double>(finished_here_) * static_cast<double>(remaining));
  return std::to_string(done_) + "/" + std::to_string(total_) + " done, " +
         std::to_string(running_) + " running, " + std::to_string(failed_) + " failed, " + eta;
}

void SweepProgress::update(bool force) {
  if (quiet_)
    return;
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  const bool all_done = done_ + failed_ >= total_;
  if (terminal_) {
    if (!force && !all_done && drawn_ && since < 0.1)
      return;
    constexpr int kWidth = 30;
    const double fraction =
        total_ ? static_cast<double>(done_ + failed_) / static_cast<double>(total_) : 1.0;
    const int filled = static_cast<int>(fraction * kWidth);
    out_ << "\r\033[Ksweep [" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << line()
         << std::flush;
    drawn_ = true;
  } else {
    if (!force && !all_done && since < log_interval_)
      return;
    const std::string text = line();
    if (text == last_line_)
      return;
    out_ << "sweep: " << text << "\n" << std::flush;
    last_line_ = text;
  }
  last_draw_ = now;
}

void SweepProgress::close() {
  update(true);
  if (terminal_ && drawn_ && !quiet_)
    out_ << "\n";
  drawn_ = false;
}

}  // namespace spatialvp::sweep
