// Bad-input suite, groups "outputs" and "signals": every case asserts the exit code, the message
// and that no stale or mixed files are left in --out.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(SPATIALVP_BINARY_DIR) / "test-scratch" / ("bad_input_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const std::string kBinary = SPATIALVP_BINARY_DIR "/spatialvp";
const std::string kDemo = SPATIALVP_SOURCE_DIR "/platform/configs/demo.yaml";
// A run of several seconds (20 M transactions), long enough to be signalled mid-run.
const std::string kLong = SPATIALVP_SOURCE_DIR "/platform/configs/bench/tlm_throughput.yaml";

// Runs `spatialvp args` in `dir` through the shell; `prefix` may set limits first.
Result spatialvp(const std::string& args, const fs::path& dir, const std::string& prefix = "") {
  const std::string command = "cd '" + dir.string() + "' && " + prefix + "'" + kBinary + "' " +
                              args + " > stdout.txt 2> stderr.txt";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "stdout.txt"),
          slurp(dir / "stderr.txt")};
}

// The folder as {file name: contents}, hidden files included.
std::map<std::string, std::string> snapshot(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(folder))
    files[entry.path().filename().string()] = slurp(entry.path());
  return files;
}

// Entries of `dir` that are a staging folder left by a run (".<name>.tmp-<pid>").
std::vector<std::string> stagingLeftovers(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos)
      found.push_back(name);
  }
  return found;
}

// A completed demo run in dir/out, returned as the reference "previous run".
std::map<std::string, std::string> previousRun(const fs::path& dir) {
  REQUIRE(spatialvp("run '" + kDemo + "' --out out --quiet", dir).exit_code == 0);
  return snapshot(dir / "out");
}

// Starts a run in the background; returns its pid once it holds the output lock (its signal
// handlers are installed before that).
pid_t startLongRun(const fs::path& dir, const std::string& extra = "") {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const std::string command = "cd '" + dir.string() + "' && exec '" + kBinary + "' run '" +
                                kLong + "' --out out --quiet " + extra +
                                " > stdout.txt 2> stderr.txt";
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const fs::path lock = dir / ".out.lock";
  for (int i = 0; i < 500; ++i) {
    const int fd = ::open(lock.c_str(), O_RDONLY);
    if (fd >= 0) {
      const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
      if (!held)
        ::flock(fd, LOCK_UN);
      ::close(fd);
      if (held)
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // into the run loop
  return pid;
}

int waitExit(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

nlohmann::json statsOf(const fs::path& folder) {
  return nlohmann::json::parse(slurp(folder / "stats.json"));
}

}  // namespace

// ---- outputs ----

TEST_CASE("outputs: --out that is a file exits 2 and leaves the file alone",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("out_is_file");
  std::ofstream(dir / "out") << "mine";
  const Result result = spatialvp("run '" + kDemo + "' --out out", dir);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains("--out 'out' is a file, not a folder"));
  CHECK(slurp(dir / "out") == "mine");
  CHECK(stagingLeftovers(dir).empty());
}

TEST_CASE("outputs: --out that cannot be created exits 2 naming the folder",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("out_uncreatable");
  std::ofstream(dir / "file") << "x";
  const Result result = spatialvp("run '" + kDemo + "' --out file/sub/out", dir);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains("cannot create folder") && Contains("file/sub"));
  CHECK(slurp(dir / "file") == "x");
}

TEST_CASE("outputs: --out naming a folder that is not a run's output is refused",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("out_foreign");
  fs::create_directories(dir / "home");
  std::ofstream(dir / "home" / "notes.txt") << "keep";
  const Result result = spatialvp("run '" + kDemo + "' --out home", dir);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains("refusing to replace its contents"));
  CHECK(snapshot(dir / "home").size() == 1);
  // The working folder itself can never be --out.
  const Result here = spatialvp("run '" + kDemo + "' --out .", dir);
  CHECK(here.exit_code == 2);
  CHECK_THAT(here.err, Contains("working folder"));
}

TEST_CASE("outputs: a configuration error leaves the previous run's folder untouched",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("config_error");
  const auto before = previousRun(dir);
  const Result result = spatialvp(
      "run '" + kDemo + "' --out out --set dram.bandwidth=0GB/s --set platform.seed=7", dir);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains("out of range"));
  CHECK(snapshot(dir / "out") == before);  // config.yaml not rewritten beside old stats
  CHECK(stagingLeftovers(dir).empty());
}

TEST_CASE("outputs: a new run replaces the whole folder, never mixing two runs' files",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("replace");
  REQUIRE(spatialvp("run '" + kDemo + "' --out out --quiet --trace", dir).exit_code == 0);
  REQUIRE(fs::exists(dir / "out/trace.json"));
  fs::create_directories(dir / ".out.tmp-999999");  // a killed run's leftover
  REQUIRE(spatialvp("run '" + kDemo + "' --out out --quiet --set platform.seed=3", dir).exit_code ==
          0);
  CHECK_FALSE(fs::exists(dir / "out/trace.json"));  // the old trace went with the old run
  CHECK_THAT(slurp(dir / "out/config.yaml"), Contains("seed: 3"));
  CHECK(statsOf(dir / "out")["platform"]["seed"] == 3);
  CHECK(stagingLeftovers(dir).empty());
}

TEST_CASE("outputs: a second run into a folder being written is refused with exit 3",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("concurrent");
  const auto before = previousRun(dir);
  // Another process holds the lock, as a running spatialvp does.
  const int fd = ::open((dir / ".out.lock").c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  const Result result = spatialvp("run '" + kDemo + "' --out out --set platform.seed=5", dir);
  ::close(fd);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Contains("another spatialvp run is writing to"));
  CHECK(snapshot(dir / "out") == before);
}

TEST_CASE("outputs: two real runs into one folder: one is refused, the folder holds one run",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("concurrent_real");
  const pid_t first = startLongRun(dir);
  const Result second = spatialvp("run '" + kDemo + "' --out out --quiet", dir);
  CHECK(second.exit_code == 3);
  CHECK_THAT(second.err, Contains("another spatialvp run"));
  CHECK(waitExit(first) == 0);
  CHECK(statsOf(dir / "out")["platform"]["name"] == "bench-tlm-throughput");
  CHECK_THAT(slurp(dir / "out/config.yaml"), Contains("bench-tlm-throughput"));
}

TEST_CASE("outputs: a write error (file size limit) exits 3 naming the file, old run kept",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("write_error");
  const auto before = previousRun(dir);
  // 1 block of file size: config.yaml and stats.json cannot be written (EFBIG, as a full disk).
  const Result result = spatialvp("run '" + kDemo + "' --out out --set platform.seed=9", dir,
                                  "trap '' XFSZ; ulimit -f 1; ");
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Contains("cannot write") && Contains("out/"));
  CHECK(snapshot(dir / "out") == before);
  CHECK(stagingLeftovers(dir).empty());
}

TEST_CASE("outputs: a full disk exits 3 naming the file (tmpfs, where it can be mounted)",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("full_disk");
  const fs::path disk = dir / "disk";
  fs::create_directories(disk);
  if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=24k") != 0) {
    WARN("cannot mount a tmpfs here (needs root); the file-size-limit case covers write errors");
    return;
  }
  const Result result = spatialvp("run '" + kDemo + "' --out disk/out", dir);
  const auto left = snapshot(disk);
  ::umount(disk.c_str());
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Contains("cannot write") && Contains("No space left on device"));
  CHECK(left.size() == 1);  // only the lock file: no partial output, no staging folder
  CHECK(left.count(".out.lock") == 1);
}

TEST_CASE("outputs: a run that ends in error has stats marked so and no headline figures",
          "[bad_input][outputs]") {
  const fs::path dir = scratch("error_run");
  const Result result =
      spatialvp("run '" + kDemo + "' --out out --set platform.time_limit=1us", dir);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Contains("time_limit") && Contains("cpu"));
  CHECK_THAT(result.out, Contains("no headline figures"));
  const auto stats = statsOf(dir / "out");
  CHECK(stats["run"]["end"] == "time_limit");
  CHECK(stats["run"]["complete"] == false);
  CHECK(stats["headline"].empty());
  const std::string csv = slurp(dir / "out/stats.csv");
  const std::string row = csv.substr(csv.find('\n') + 1);
  CHECK_THAT(row, Contains("time_limit") && Contains(",,"));
}

// ---- signals ----

TEST_CASE("signals: SIGINT stops the run cleanly with its stats marked interrupted",
          "[bad_input][signals]") {
  const fs::path dir = scratch("sigint");
  const auto before = previousRun(dir);
  const pid_t pid = startLongRun(dir);
  REQUIRE(kill(pid, SIGINT) == 0);
  CHECK(waitExit(pid) == 3);
  CHECK_THAT(slurp(dir / "stderr.txt"), Contains("interrupted by SIGINT"));
  const auto stats = statsOf(dir / "out");
  CHECK(stats["run"]["end"] == "interrupted");
  CHECK(stats["run"]["complete"] == false);
  CHECK(stats["headline"].empty());
  // The new config is beside the new stats only: nothing of the demo run is left.
  CHECK(stats["platform"]["name"] == "bench-tlm-throughput");
  CHECK_THAT(slurp(dir / "out/config.yaml"), Contains("bench-tlm-throughput"));
  CHECK(snapshot(dir / "out").size() == 3);
  CHECK(before.size() == 3);
  CHECK(stagingLeftovers(dir).empty());
}

TEST_CASE("signals: SIGTERM stops the run cleanly with its stats marked interrupted",
          "[bad_input][signals]") {
  const fs::path dir = scratch("sigterm");
  const pid_t pid = startLongRun(dir);
  REQUIRE(kill(pid, SIGTERM) == 0);
  CHECK(waitExit(pid) == 3);
  CHECK_THAT(slurp(dir / "stderr.txt"), Contains("interrupted by SIGTERM"));
  CHECK(statsOf(dir / "out")["run"]["end"] == "interrupted");
}

TEST_CASE("signals: a killed run (SIGKILL) leaves the previous outputs exactly as they were",
          "[bad_input][signals]") {
  const fs::path dir = scratch("sigkill");
  const auto before = previousRun(dir);
  const pid_t pid = startLongRun(dir);
  REQUIRE(kill(pid, SIGKILL) == 0);
  CHECK(waitExit(pid) == 128 + SIGKILL);
  CHECK(snapshot(dir / "out") == before);
  // The next run takes over: it clears any leftover staging folder.
  REQUIRE(spatialvp("run '" + kDemo + "' --out out --quiet", dir).exit_code == 0);
  CHECK(stagingLeftovers(dir).empty());
}

TEST_CASE("signals: the watchdog stops the run cleanly, stats marked interrupted",
          "[bad_input][signals]") {
  const fs::path dir = scratch("watchdog");
  const Result result =
      spatialvp("run '" + kLong + "' --out out --quiet --set platform.wall_limit=300ms", dir);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Contains("wall-clock watchdog") && Contains("wall_limit"));
  const auto stats = statsOf(dir / "out");
  CHECK(stats["run"]["end"] == "interrupted");
  CHECK(stats["headline"].empty());
}

// The largest wall_limit validation accepts (1e6 s, units.cpp physicalRange) must not overflow
// the watchdog's clock; anything larger is refused at validation (bad_input/cases.yaml).
TEST_CASE("signals: a huge wall_limit does not stop a run", "[bad_input][signals]") {
  const fs::path dir = scratch("huge_wall_limit");
  const Result result =
      spatialvp("run '" + kDemo + "' --out out --quiet --set platform.wall_limit=1e6s", dir);
  CHECK(result.exit_code == 0);
  CHECK(statsOf(dir / "out")["run"]["complete"] == true);
  const Result refused =
      spatialvp("run '" + kDemo + "' --out out2 --quiet --set platform.wall_limit=1e10s", dir);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Contains("wall_limit"));
}
