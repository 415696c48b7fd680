#pragma once
// `spatialvp run --fault-reference`: the run's fault-free twin. SystemC elaborates once per
// process, so the same config, overrides and seed, plus the overrides that clear every module's
// faults, run in a child process into <out>/fault_free while this process runs the faulted
// platform; the run then reports its headline figures against the fault-free ones.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "platform/output/output_folder.h"
#include "platform/sim/run_report.h"

namespace spatialvp::cli {

class FaultFreeRun {
 public:
  static constexpr const char* kFolder = "fault_free";

  // Starts the child (its outputs staged in `out`); throws std::runtime_error if it cannot.
  FaultFreeRun(const std::optional<std::string>& config, const std::vector<std::string>& overrides,
               std::vector<std::string> fault_free_overrides, OutputFolder& out);
  ~FaultFreeRun();  // stops and reaps a child still running
  FaultFreeRun(const FaultFreeRun&) = delete;
  FaultFreeRun& operator=(const FaultFreeRun&) = delete;

  pid_t pid() const { return pid_; }
  // Waits for the child and reads its headline; throws std::runtime_error with its stderr tail
  // when it did not complete.
  FaultReference finish();
  // Stops the child (SIGTERM) and waits for it: the faulted run did not complete.
  void stop();

 private:
  std::vector<std::string> fault_free_overrides_;
  std::string stderr_path_;
  std::string folder_path_;
  std::string lock_path_;
  pid_t pid_ = -1;
};

}  // namespace spatialvp::cli
