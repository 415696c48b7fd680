#pragma once
// The run's output folder (--out), written atomically: files are staged in a hidden folder next
// to it and swapped in on commit, so a reader never sees a mix of two runs' files and a killed
// run leaves the previous outputs as they were. A lock file next to the folder refuses a second
// run into the same folder while the first one is writing.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace spatialvp {

// Why the output folder cannot be used: `usage` errors (the path is a file, cannot be created,
// is not an output folder) are the user's to fix (exit 2); the others are runtime failures such
// as a full disk or a concurrent run (exit 3). The message names the file.
class OutputError : public std::runtime_error {
 public:
  OutputError(const std::string& message, bool usage)
      : std::runtime_error(message), usage_(usage) {}
  bool usage() const { return usage_; }

 private:
  bool usage_;
};

class OutputFolder {
 public:
  // Checks that `target` can become the output folder (creating its parent folders) and takes
  // the lock. Leftover staging folders of killed runs are removed. Throws OutputError.
  explicit OutputFolder(const std::filesystem::path& target);
  ~OutputFolder();  // drops an uncommitted staging folder, releases the lock

  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  const std::filesystem::path& target() const { return target_; }
  // Where a file of this run is written before commit (creates the staging folder).
  std::filesystem::path stagedPath(const std::string& file_name);
  // Writes a whole file into the staging folder; throws OutputError naming the file.
  void write(const std::string& file_name, const std::string& contents);
  // Replaces the target folder by the staged files in one rename.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  int lock_fd_ = -1;
  bool committed_ = false;
};

}  // namespace spatialvp
