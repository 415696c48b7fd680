// End-to-end tests of `spatialvp sweep`: dry run, local workers, failures, determinism against
// a bare `spatialvp run`, and resume after kill -9 of the driver or of a worker.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "support/sweep_test_support.h"

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

using sweep_test::lines;
using sweep_test::scratch;
using sweep_test::slurp;

namespace {

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

const std::string kBinary = SPATIALVP_BINARY_DIR "/spatialvp";
const std::string kStar = SPATIALVP_SOURCE_DIR "/platform/configs/star.yaml";
// A small STAR layer: about 0.1 s per point, mostly process start-up.
const std::string kSmallStar =
    "--base '" + kStar + "' --set ctrl.workload.heads=1 --set ctrl.workload.hidden_size=128 ";

Result run(const std::string& args, const fs::path& dir) {
  const std::string command =
      "cd '" + dir.string() + "' && '" + kBinary + "' " + args + " > stdout.txt 2> stderr.txt";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "stdout.txt"),
          slurp(dir / "stderr.txt")};
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> result;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');)
    result.push_back(field);
  if (!line.empty() && line.back() == ',')
    result.push_back("");
  return result;
}

// Column `name` of every row of a results.csv.
std::vector<std::string> column(const fs::path& csv, const std::string& name) {
  const auto rows = lines(slurp(csv));
  const auto header = fields(rows.at(0));
  const auto at = std::find(header.begin(), header.end(), name) - header.begin();
  std::vector<std::string> values;
  for (std::size_t i = 1; i < rows.size(); ++i)
    values.push_back(fields(rows[i]).at(static_cast<std::size_t>(at)));
  return values;
}

// stats.json up to its wall-clock block (the last one), byte for byte.
std::string statsWithoutWallClock(const fs::path& path) {
  const std::string text = slurp(path);
  const auto wall_clock = text.find("\"performance\"");
  REQUIRE(wall_clock != std::string::npos);
  REQUIRE(wall_clock > text.find("\"modules\""));
  return text.substr(0, wall_clock);
}

std::size_t countFiles(const fs::path& points, const std::string& name) {
  std::size_t count = 0;
  if (!fs::exists(points))
    return 0;
  for (const auto& entry : fs::directory_iterator(points))
    count += fs::exists(entry.path() / name) ? 1 : 0;
  return count;
}

// Starts the sweep driver in the background; returns its pid.
pid_t startDriver(const std::string& args, const fs::path& dir) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string command = "cd '" + dir.string() + "' && exec '" + kBinary + "' " + args +
                                " > driver.out 2> driver.err";
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

bool waitUntil(const std::function<bool()>& condition, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (condition())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::vector<pid_t> childrenOf(pid_t pid) {
  std::istringstream in(
      slurp("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"));
  std::vector<pid_t> children;
  for (pid_t child; in >> child;)
    children.push_back(child);
  return children;
}

bool alive(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  // A zombie ("Z") is dead: its parent just has not reaped it yet.
  const auto close = stat.rfind(')');
  return !stat.empty() && close != std::string::npos && stat.substr(close + 2, 1) != "Z";
}

void checkEveryPointCompletedOnce(const fs::path& out, std::size_t points) {
  const auto ids = column(out / "results.csv", "point_id");
  REQUIRE(ids.size() == points);
  for (std::size_t i = 0; i < points; ++i)
    CHECK(ids[i] == std::to_string(i));
  for (const auto& status : column(out / "results.csv", "status"))
    CHECK(status == "completed");
  for (const auto& latency : column(out / "results.csv", "latency_s"))
    CHECK(std::stod(latency) > 0);
  CHECK(lines(slurp(out / "results.jsonl")).size() == points);
}

}  // namespace

TEST_CASE("sweep --dry-run lists the points and runs nothing", "[sweep-cli]") {
  const fs::path dir = scratch("sweep-dry-run");
  const Result result = run("sweep " + kSmallStar +
                                "--grid ctrl.workload.seq_len=256,512 --grid 'hbm.data_rate=1 "
                                "Gb/s,2 Gb/s' --dry-run --out o",
                            dir);
  REQUIRE(result.exit_code == 0);
  const auto rows = lines(result.out);
  REQUIRE(rows.size() == 6);
  CHECK_THAT(rows[0], Contains("point_id") && Contains("ctrl.workload.seq_len") &&
                          Contains("hbm.data_rate"));
  CHECK_THAT(rows[4], Contains("3") && Contains("512") && Contains("2 Gb/s"));
  CHECK_THAT(rows[5], Contains("4 points, platform kind 'star'"));
  CHECK_FALSE(fs::exists(dir / "o"));
  // The shipped example stays valid.
  const Result example =
      run("sweep '" SPATIALVP_SOURCE_DIR "/examples/sweeps/star_sweep.yaml' --dry-run", dir);
  CHECK(example.exit_code == 0);
  CHECK_THAT(example.out, Contains("13 points, platform kind 'star'"));
}

TEST_CASE("sweep: configuration mistakes exit 2 with a located error before any point runs",
          "[sweep-cli]") {
  const fs::path dir = scratch("sweep-config-errors");
  std::ofstream(dir / "typo.yaml") << "base: " << kStar << "\ngrid:\n  ctrl.seq_lenn: [256, 512]\n";
  Result result = run("sweep typo.yaml --out o", dir);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains("sweep point 0 does not validate") &&
                             Contains("'modules.ctrl.params.seq_lenn': unknown key"));
  CHECK_FALSE(fs::exists(dir / "o"));
  std::ofstream(dir / "bad.yaml") << "base: " << kStar
                                  << "\ngrid:\n  ctrl.workload.seq_len: [256]\n"
                                  << "  hbm.data_rate: [2 Gb/s]\nworkers: many\n";
  result = run("sweep bad.yaml --out o", dir);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains("bad.yaml:5:10: 'workers'"));
  // A swept path that cannot exist in the base is reported at the value in the sweep file.
  std::ofstream(dir / "path.yaml")
      << "base: " << kStar << "\ngrid:\n  ctrl.workload.seq_len.x: [1, 2]\n";
  result = run("sweep path.yaml --out o", dir);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err,
             Contains("path.yaml:3:29: 'modules.ctrl.params.workload.seq_len.x': cannot descend"));
}

TEST_CASE(
    "sweep: local workers write one row per point, each point's stats are those of a "
    "bare run",
    "[sweep-cli]") {
  const fs::path dir = scratch("sweep-local");
  const Result result =
      run("sweep " + kSmallStar +
              "--grid ctrl.workload.seq_len=256,512,1024 --grid 'hbm.data_rate=1 Gb/s,2 "
              "Gb/s' --workers 2 --out o",
          dir);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("6 of 6 points completed, 0 failed"));
  CHECK_THAT(result.err, Contains("6/6 done, 0 running, 0 failed"));
  checkEveryPointCompletedOnce(dir / "o", 6);
  CHECK(column(dir / "o/results.csv", "hbm.data_rate")[5] == "2 Gb/s");
  CHECK(column(dir / "o/results.csv", "ctrl.workload.seq_len")[5] == "1024");
  // Longer sequences take longer: the figures belong to their own rows.
  const auto latency = column(dir / "o/results.csv", "latency_s");
  CHECK(std::stod(latency[4]) > std::stod(latency[2]));
  CHECK(std::stod(latency[2]) > std::stod(latency[0]));
  // Long format: every counter of every module of every point, no varying columns.
  const auto counters = lines(slurp(dir / "o/counters.csv"));
  CHECK(counters[0] == "point_id,module,counter,value,unit");
  CHECK(counters.size() > 6 * 20);

  // The recorded command, run alone, gives byte-identical stats outside `performance`.
  std::string command = slurp(dir / "o/points/000005/command.txt");
  command.pop_back();
  const std::size_t out_at = command.find(" --out ");
  command = command.substr(0, out_at) + " --out alone --quiet";
  REQUIRE(std::system(("cd '" + dir.string() + "' && " + command).c_str()) == 0);
  CHECK(statsWithoutWallClock(dir / "alone/stats.json") ==
        statsWithoutWallClock(dir / "o/points/000005/run/stats.json"));

  // Rerunning a finished sweep runs nothing and rewrites the same table.
  const std::string table = slurp(dir / "o/results.csv");
  const Result again =
      run("sweep " + kSmallStar +
              "--grid ctrl.workload.seq_len=256,512,1024 --grid 'hbm.data_rate=1 Gb/s,2 "
              "Gb/s' --out o",
          dir);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.err, Contains("6 points completed, 0 failed, 0 to run"));
  CHECK(slurp(dir / "o/results.csv") == table);
}

TEST_CASE("sweep: failed points keep their stderr tail and carry no figures", "[sweep-cli]") {
  const fs::path dir = scratch("sweep-failures");
  // Point 1 runs out of simulated time (exit 3, its stats.json has plausible figures); point 2
  // has a value the platform rejects (exit 2).
  const Result result = run("sweep " + kSmallStar +
                                "--point ctrl.workload.seq_len=256 --point "
                                "'ctrl.workload.seq_len=4096;platform.time_limit=1 us' "
                                "--point ctrl.workload.seq_len=-5 --workers 2 --out o",
                            dir);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Contains("1 of 3 points completed, 2 failed"));
  CHECK_THAT(result.err, Contains("sweep: point 1 failed (exit 3)"));
  const auto status = column(dir / "o/results.csv", "status");
  const auto exit_code = column(dir / "o/results.csv", "exit_code");
  const auto latency = column(dir / "o/results.csv", "latency_s");
  const auto energy = column(dir / "o/results.csv", "energy_J");
  const auto error = column(dir / "o/results.csv", "error");
  CHECK(status == std::vector<std::string>{"completed", "failed", "failed"});
  CHECK(exit_code == std::vector<std::string>{"0", "3", "2"});
  CHECK_FALSE(latency[0].empty());
  CHECK(latency[1].empty());
  CHECK(energy[1].empty());
  CHECK(latency[2].empty());
  CHECK_THAT(error[1], Contains("time_limit"));
  CHECK_THAT(error[2], Contains("seq_len"));
  CHECK(nlohmann::json::parse(slurp(dir / "o/points/000001/run/stats.json"))["run"]["end"] ==
        "time_limit");
  // A rerun keeps failed points failed (they would fail again) unless asked.
  const Result again =
      run("sweep " + kSmallStar +
              "--point ctrl.workload.seq_len=256 --point 'ctrl.workload.seq_len=4096;platform."
              "time_limit=1 us' --point ctrl.workload.seq_len=-5 --out o",
          dir);
  CHECK(again.exit_code == 3);
  CHECK_THAT(again.err, Contains("1 points completed, 2 failed, 0 to run"));
}

TEST_CASE(
    "sweep: kill -9 of the driver mid-sweep, then a rerun finishes the missing points "
    "with no lost and no duplicated row",
    "[sweep-cli]") {
  const fs::path dir = scratch("sweep-kill-driver");
  const std::string args = "sweep " + kSmallStar +
                           "--grid ctrl.workload.seq_len=256,512 --grid "
                           "ctrl.operating_point.keep_ratio=0.05,0.1,0.15,0.2,"
                           "0.25,0.3,0.35,0.4,0.45,0.5 --grid 'hbm.data_rate=1 Gb/s,2 Gb/s' "
                           "--workers 2 --out o";
  const pid_t driver = startDriver(args, dir);
  const bool started =
      waitUntil([&] { return countFiles(dir / "o/points", "status.json") >= 4; }, 60);
  const auto workers = childrenOf(driver);
  kill(driver, SIGKILL);
  int status = 0;
  waitpid(driver, &status, 0);
  REQUIRE(started);
  const std::size_t finished_before = countFiles(dir / "o/points", "status.json");
  REQUIRE(finished_before < 40);
  // Workers die with the driver, so nothing writes into the folders a rerun reuses.
  CHECK(waitUntil(
      [&] {
        return std::none_of(workers.begin(), workers.end(), [](pid_t pid) { return alive(pid); });
      },
      10));

  const Result rerun = run(args, dir);
  REQUIRE(rerun.exit_code == 0);
  CHECK_THAT(rerun.err, Contains("sweep: resuming o: "));
  CHECK_THAT(rerun.err, !Contains(": 0 points completed"));
  checkEveryPointCompletedOnce(dir / "o", 40);
}

TEST_CASE("sweep: kill -9 of a worker fails that point as killed, a rerun runs it again",
          "[sweep-cli]") {
  const fs::path dir = scratch("sweep-kill-worker");
  // Points long enough (~0.8 s) to catch a worker alive and to try a second driver meanwhile.
  const std::string args = "sweep " + kSmallStar +
                           "--grid ctrl.workload.seq_len=131072 --grid "
                           "ctrl.operating_point.keep_ratio=0.05,0.051,0.052,0.053 "
                           "--workers 2 --out o";
  const pid_t driver = startDriver(args, dir);
  std::vector<pid_t> workers;
  // The first children are the pre-flight `spatialvp check`; wait for a `spatialvp run`.
  waitUntil(
      [&] {
        workers.clear();
        for (pid_t child : childrenOf(driver)) {
          const std::string command = slurp("/proc/" + std::to_string(child) + "/cmdline");
          if (command.find(std::string("\0run\0", 5)) != std::string::npos)
            workers.push_back(child);
        }
        return !workers.empty();
      },
      30);
  REQUIRE_FALSE(workers.empty());
  kill(workers.front(), SIGKILL);
  // A second driver on the same folder is refused while the first runs.
  const Result second = run(args, dir);
  CHECK(second.exit_code == 3);
  CHECK_THAT(second.err, Contains("another `spatialvp sweep` is running on o"));
  int status = 0;
  waitpid(driver, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  const auto states = column(dir / "o/results.csv", "status");
  CHECK(std::count(states.begin(), states.end(), "killed") == 1);
  CHECK(std::count(states.begin(), states.end(), "completed") == 3);
  CHECK_THAT(slurp(dir / "driver.err"), Contains("killed (killed by signal 9)"));

  const Result rerun = run(args, dir);
  REQUIRE(rerun.exit_code == 0);
  CHECK_THAT(rerun.err, Contains("3 points completed, 0 failed, 1 to run"));
  checkEveryPointCompletedOnce(dir / "o", 4);
}
