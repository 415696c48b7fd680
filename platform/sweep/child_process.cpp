#include "platform/sweep/child_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace spatialvp::sweep {

namespace {

void redirect(int target_fd, const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.empty() ? "/dev/null" : path.c_str(), flags, 0644);
  if (fd < 0)
    _exit(126);
  ::dup2(fd, target_fd);
  ::close(fd);
}

ChildExit decode(pid_t pid, int status) {
  ChildExit exit;
  exit.pid = pid;
  if (WIFEXITED(status))
    exit.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    exit.signal = WTERMSIG(status);
  return exit;
}

}  // namespace

ChildSignalBlock::ChildSignalBlock() {
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &previous_);
}

ChildSignalBlock::~ChildSignalBlock() {
  sigprocmask(SIG_SETMASK, &previous_, nullptr);
}

pid_t spawnChild(const std::vector<std::string>& argv, const SpawnOptions& options) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0)
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid > 0)
    return pid;
  if (options.die_with_parent) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)  // the parent died before prctl took effect
      _exit(127);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  redirect(STDIN_FILENO, {}, O_RDONLY);
  redirect(STDOUT_FILENO, options.stdout_path, O_WRONLY | O_CREAT | O_TRUNC);
  if (!options.stderr_path.empty())
    redirect(STDERR_FILENO, options.stderr_path, O_WRONLY | O_CREAT | O_TRUNC);
  execvp(args[0], args.data());
  _exit(127);
}

std::optional<ChildExit> waitForChild(double timeout_seconds) {
  const auto reap = [](int flags) -> std::optional<ChildExit> {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, flags);
    if (pid <= 0)
      return std::nullopt;
    return decode(pid, status);
  };
  if (auto exit = reap(WNOHANG))
    return exit;
  sigset_t child;
  sigemptyset(&child);
  sigaddset(&child, SIGCHLD);
  timespec timeout{};
  timeout.tv_sec = static_cast<time_t>(timeout_seconds);
  timeout.tv_nsec = static_cast<long>((timeout_seconds - std::floor(timeout_seconds)) * 1e9);
  sigtimedwait(&child, nullptr, &timeout);
  return reap(WNOHANG);
}

ChildExit runChild(const std::vector<std::string>& argv, const SpawnOptions& options) {
  return waitForExit(spawnChild(argv, options));
}

ChildExit waitForExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
  }
  return decode(pid, status);
}

std::string currentExecutable() {
  return std::filesystem::read_symlink("/proc/self/exe").string();
}

std::string shellQuoted(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& arg : argv) {
    if (!line.empty())
      line += ' ';
    if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_-./=:,@%+") == std::string::npos) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg)
      line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

}  // namespace spatialvp::sweep
