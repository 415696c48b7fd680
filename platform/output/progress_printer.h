#pragma once
// The progress line of a long run on stderr: simulated time, work done of total where the
// platform knows it (tiles, layers, iterations) and an ETA. Nothing for runs shorter than a
// few seconds; on a terminal one line rewritten in place, otherwise a plain line now and then
// (logs and CI stay readable).
#include <ostream>
#include <string>

#include "platform/sim/simulation.h"

namespace spatialvp {

// One progress line, e.g. "simulated 1.23 ms, 120/512 tiles (23.4%), 12.3 s wall, ETA 40.1 s".
std::string progressLine(const RunProgress& progress);

class ProgressPrinter {
 public:
  static constexpr double kFirstAfterSeconds = 3.0;
  static constexpr double kTerminalEverySeconds = 0.5;
  static constexpr double kPlainEverySeconds = 10.0;

  ProgressPrinter(std::ostream& out, bool terminal);
  void update(const RunProgress& progress);
  // Ends the rewritten terminal line so later messages start on a fresh line.
  void finish();

 private:
  std::ostream& out_;
  bool terminal_;
  double last_printed_ = -1.0;
  std::size_t last_width_ = 0;
};

}  // namespace spatialvp
