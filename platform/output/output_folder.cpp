#include "platform/output/output_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace spatialvp {

namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& path) {
  return "'" + path.string() + "'";
}

std::string errnoText() {
  return std::strerror(errno);
}

bool isInside(const fs::path& inner, const fs::path& outer) {
  auto o = outer.begin();
  for (auto i = inner.begin(); o != outer.end(); ++i, ++o) {
    if (i == inner.end() || *i != *o)
      return false;
  }
  return true;
}

// A folder a previous run wrote (or an empty one) may be replaced; anything else is the user's.
bool replaceable(const fs::path& folder) {
  std::error_code error;
  if (fs::is_empty(folder, error))
    return true;
  return fs::exists(folder / "stats.json", error) || fs::exists(folder / "config.yaml", error);
}

}  // namespace

OutputFolder::OutputFolder(const fs::path& target) {
  std::error_code error;
  target_ = fs::absolute(target, error).lexically_normal();
  if (error)
    throw OutputError("--out " + quoted(target) + ": " + error.message(), true);
  if (!target_.has_filename())
    target_ = target_.parent_path();
  const fs::path parent = target_.parent_path();
  if (target_.empty() || parent == target_)
    throw OutputError("--out " + quoted(target) + " cannot be the root folder", true);
  const fs::path cwd = fs::current_path(error);
  if (!error && isInside(cwd.lexically_normal(), target_)) {
    throw OutputError("--out " + quoted(target) +
                          " is the working folder or one of its parents; name a folder for "
                          "this run's outputs",
                      true);
  }
  fs::create_directories(parent, error);
  if (error) {
    throw OutputError("--out " + quoted(target) + ": cannot create folder " + quoted(parent) +
                          ": " + error.message(),
                      true);
  }
  const fs::file_status status = fs::status(target_, error);
  if (fs::exists(status) && !fs::is_directory(status))
    throw OutputError("--out " + quoted(target) + " is a file, not a folder", true);
  if (fs::is_directory(status) && !replaceable(target_)) {
    throw OutputError("--out " + quoted(target) +
                          " is a folder without stats.json or config.yaml, not a previous "
                          "run's output; refusing to replace its contents",
                      true);
  }

  const std::string name = target_.filename().string();
  const fs::path lock = parent / ("." + name + ".lock");
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) {
    throw OutputError("--out " + quoted(target) + ": cannot create lock file " + quoted(lock) +
                          ": " + errnoText(),
                      true);
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int lock_errno = errno;
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw OutputError(lock_errno == EWOULDBLOCK
                          ? "another spatialvp run is writing to " + quoted(target_) + " (lock " +
                                quoted(lock) + " is held); refusing to mix two runs' outputs"
                          : "--out " + quoted(target) + ": cannot lock " + quoted(lock) + ": " +
                                std::strerror(lock_errno),
                      false);
  }
  // Holding the lock, any staging folder of this name is a killed run's leftover.
  const std::string staging_prefix = "." + name + ".tmp-";
  for (const auto& entry : fs::directory_iterator(parent, error)) {
    if (entry.path().filename().string().rfind(staging_prefix, 0) == 0)
      fs::remove_all(entry.path(), error);
  }
  staging_ = parent / (staging_prefix + std::to_string(::getpid()));
}

OutputFolder::~OutputFolder() {
  if (!committed_) {
    std::error_code error;
    fs::remove_all(staging_, error);
  }
  if (lock_fd_ >= 0)
    ::close(lock_fd_);
}

fs::path OutputFolder::stagedPath(const std::string& file_name) {
  std::error_code error;
  if (!fs::is_directory(staging_, error)) {
    fs::create_directory(staging_, error);
    if (error) {
      throw OutputError("cannot create the staging folder " + quoted(staging_) + " for " +
                            quoted(target_) + ": " + error.message(),
                        false);
    }
  }
  return staging_ / file_name;
}

void OutputFolder::write(const std::string& file_name, const std::string& contents) {
  const fs::path path = stagedPath(file_name);
  const auto fail = [&] {
    throw OutputError("cannot write " + quoted(target_ / file_name) + ": " + errnoText(), false);
  };
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    fail();
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      const int write_errno = n < 0 ? errno : ENOSPC;
      ::close(fd);
      errno = write_errno;
      fail();
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0)
    fail();
}

void OutputFolder::commit() {
  stagedPath("");  // an empty run still replaces the old folder
  std::error_code error;
  if (!fs::exists(fs::symlink_status(target_, error))) {
    if (std::rename(staging_.c_str(), target_.c_str()) != 0)
      throw OutputError(
          "cannot rename the staged outputs to " + quoted(target_) + ": " + errnoText(), false);
    committed_ = true;
    return;
  }
  // One atomic swap; the previous outputs then sit in the staging path and are removed.
  if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) {
      throw OutputError(
          "cannot replace " + quoted(target_) + " by the staged outputs: " + errnoText(), false);
    }
    // File systems without RENAME_EXCHANGE: move the old folder aside first. A kill between
    // the two renames leaves no folder at all, never a mixed one.
    const fs::path old = staging_.string() + "-old";
    if (std::rename(target_.c_str(), old.c_str()) != 0 ||
        std::rename(staging_.c_str(), target_.c_str()) != 0) {
      throw OutputError(
          "cannot replace " + quoted(target_) + " by the staged outputs: " + errnoText(), false);
    }
    fs::remove_all(old, error);
    committed_ = true;
    return;
  }
  committed_ = true;
  fs::remove_all(staging_, error);
}

}  // namespace spatialvp
