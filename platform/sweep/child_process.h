#pragma once
// Child processes of the sweep driver: fork/exec with redirected output, reaped with a timeout
// so the driver can redraw its progress while points run. POSIX (Linux) only; SystemC-free.
#include <sys/types.h>

#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spatialvp::sweep {

// Blocks SIGCHLD for the lifetime of the object so that waitForChild() can sleep on it; the
// previous signal mask is restored on destruction (and in every child before exec).
class ChildSignalBlock {
 public:
  ChildSignalBlock();
  ~ChildSignalBlock();
  ChildSignalBlock(const ChildSignalBlock&) = delete;
  ChildSignalBlock& operator=(const ChildSignalBlock&) = delete;

 private:
  sigset_t previous_;
};

struct SpawnOptions {
  std::filesystem::path stdout_path;  // empty: /dev/null
  std::filesystem::path stderr_path;  // empty: inherit
  // Kill the child when this process dies (kill -9 of the driver must not leave workers
  // writing into point folders that a rerun is about to reuse).
  bool die_with_parent = true;
};

// Starts argv[0] (a path, or a name looked up in PATH) with the arguments; throws
// std::runtime_error if fork fails. A failed exec makes the child exit with 127.
pid_t spawnChild(const std::vector<std::string>& argv, const SpawnOptions& options);

struct ChildExit {
  pid_t pid = 0;
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
};

// Reaps one finished child, waiting at most `timeout_seconds`; nullopt on timeout.
std::optional<ChildExit> waitForChild(double timeout_seconds);

// Waits for the child `pid` to end (through EINTR); throws std::runtime_error if waitpid fails.
ChildExit waitForExit(pid_t pid);

// Runs a child to completion.
ChildExit runChild(const std::vector<std::string>& argv, const SpawnOptions& options);

// The path of the running executable (/proc/self/exe).
std::string currentExecutable();

// argv as a line a POSIX shell reads back unchanged.
std::string shellQuoted(const std::vector<std::string>& argv);

}  // namespace spatialvp::sweep
