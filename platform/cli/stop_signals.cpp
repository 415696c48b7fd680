#include "platform/cli/stop_signals.h"

#include <atomic>
#include <csignal>

namespace spatialvp::cli {

namespace {

// The signal that asked the run to stop, 0 for none. A signal handler can only reach global
// state, so this is the one global of the run: set by the handler, polled by the run loop.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void onStopSignal(int signal_number) {
  g_stop_signal.store(signal_number, std::memory_order_relaxed);
}

}  // namespace

void installStopHandlers() {
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

std::string stopReason() {
  switch (g_stop_signal.load(std::memory_order_relaxed)) {
    case 0:
      return "";
    case SIGINT:
      return "interrupted by SIGINT";
    case SIGTERM:
      return "interrupted by SIGTERM";
    default:
      return "interrupted by a signal";
  }
}

}  // namespace spatialvp::cli
