#include "platform/output/progress_printer.h"

#include <cstdio>

#include "platform/output/stats_writer.h"

namespace spatialvp {

std::string progressLine(const RunProgress& progress) {
  std::string line = "simulated " + engineering(progress.simulated_seconds, "s");
  double eta = -1.0;
  for (const WorkProgress& work : progress.work) {
    char text[160];
    if (work.total > 0.0) {
      std::snprintf(text, sizeof(text), ", %.0f/%.0f %s (%.1f%%)", work.done, work.total,
                    work.unit.c_str(), 100.0 * work.done / work.total);
      // The first counted work gives the ETA, assuming the rest goes at the pace so far.
      if (eta < 0.0 && work.done > 0.0)
        eta = progress.wall_seconds * (work.total - work.done) / work.done;
    } else {
      std::snprintf(text, sizeof(text), ", %.0f %s", work.done, work.unit.c_str());
    }
    line += text;
  }
  line += ", " + engineering(progress.wall_seconds, "s") + " wall";
  if (eta >= 0.0)
    line += ", ETA " + engineering(eta, "s");
  return line;
}

ProgressPrinter::ProgressPrinter(std::ostream& out, bool terminal)
    : out_(out), terminal_(terminal) {}

void ProgressPrinter::update(const RunProgress& progress) {
  const double now = progress.wall_seconds;
  if (now < kFirstAfterSeconds)
    return;
  const double every = terminal_ ? kTerminalEverySeconds : kPlainEverySeconds;
  if (last_printed_ >= 0.0 && now - last_printed_ < every)
    return;
  last_printed_ = now;
  const std::string line = "spatialvp: " + progressLine(progress);
  if (terminal_) {
    // Pad over the previous, possibly longer, line.
    const std::size_t pad = last_width_ > line.size() ? last_width_ - line.size() : 0;
    out_ << '\r' << line << std::string(pad, ' ') << std::flush;
    last_width_ = line.size();
  } else {
    out_ << line << '\n' << std::flush;
  }
}

void ProgressPrinter::finish() {
  if (terminal_ && last_width_ > 0) {
    out_ << '\n' << std::flush;
    last_width_ = 0;
  }
}

}  // namespace spatialvp
