// The `hbm` module's fast timing mode: a bandwidth-bound stream runs at peak x (1 - tRFC/tREFI)
// and one read's latency is the closed form of the preset's row-miss timing. And the warnings
// that say when a mode leaves where it is valid (fast; on_arrival under mixed traffic).
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

namespace {

std::filesystem::path stderrPath(const std::string& name) {
  return std::filesystem::path(SPATIALVP_BINARY_DIR) / (name + ".stderr");
}

// The shipped hbm_stream example (hbm2 preset: 32 pseudo-channels) with `sets` (--set ...).
nlohmann::json runHbmExample(const std::string& name, const std::string& sets) {
  const std::filesystem::path out = std::filesystem::path(SPATIALVP_BINARY_DIR) / name;
  const std::string command = std::string(SPATIALVP_BINARY_DIR "/spatialvp run ") +
                              SPATIALVP_SOURCE_DIR "/platform/configs/examples/hbm_stream.yaml" +
                              " --quiet --out " + out.string() + " " + sets + " > /dev/null 2> " +
                              stderrPath(name).string();
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(out / "stats.json");
  return nlohmann::json::parse(in);
}

nlohmann::json runHbmStream(const std::string& name, const std::string& extra) {
  return runHbmExample(name, "--set hbm.timing=fast " + extra);
}

std::string stderrOf(const std::string& name) {
  std::ifstream in(stderrPath(name));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

double counterOf(const nlohmann::json& stats, const std::string& name) {
  return stats["modules"]["hbm"]["counters"][name]["value"].get<double>();
}

}  // namespace

TEST_CASE("HBM fast timing: a stream runs at peak minus refresh, one read at the row-miss latency",
          "[hbm][fast]") {
  // hbm2 preset: 512 GB/s peak, tRFC 260 ns, tREFI 3.9 us; tRCD 14 ns + tCL 14 ns.
  const double rate = 512e9 * (1.0 - 260.0 / 3900.0);
  const auto stream = runHbmStream("hbm_fast_stream", "");
  const double bandwidth = stream["modules"]["hbm"]["counters"]["bandwidth"]["value"].get<double>();
  // One 1 MiB read in flight at a time: each takes the transfer plus the 28 ns row-miss latency.
  const double per_read = 1048576.0 / rate + 28e-9;
  CHECK(bandwidth == Approx(1048576.0 / per_read).epsilon(0.001));
  CHECK(bandwidth <= 512e9);

  const auto single =
      runHbmStream("hbm_fast_single", "--set dma.transactions=1 --set dma.size=64B");
  const double latency = single["modules"]["hbm"]["histograms"]["latency"]["mean"].get<double>();
  CHECK(latency == Approx(28.0 + 64.0 / rate * 1e9).epsilon(0.001));  // ns
}

TEST_CASE(
    "HBM fast timing warns when the address mapping or non-sequential requests leave its "
    "valid range",
    "[hbm][fast]") {
  // The shipped stream (1 MiB reads, default interleaved mapping) is where fast is valid.
  const auto stream = runHbmStream("hbm_fast_valid", "--set dma.transactions=8");
  CHECK(counterOf(stream, "fast_busiest_pc_share") == Approx(1.0 / 32).epsilon(0.01));
  CHECK(counterOf(stream, "fast_busy_shortfall") < 0.1);
  CHECK(counterOf(stream, "fast_rows_per_page") == Approx(1.0).epsilon(0.01));
  CHECK(stderrOf("hbm_fast_valid").find("outside where it is valid") == std::string::npos);

  // Row-major mapping: a 64 MiB window lies in one pseudo-channel, whose data bus alone needs
  // 32 x the one-bus time.
  const auto row_major = runHbmStream(
      "hbm_fast_row_major", "--set dma.transactions=8 --set hbm.address_mapping=ChPcBaBgRoCo");
  CHECK(counterOf(row_major, "fast_busiest_pc_share") == Approx(1.0));
  CHECK(counterOf(row_major, "fast_busy_shortfall") > 1.0);
  CHECK(stderrOf("hbm_fast_row_major").find("outside where it is valid") != std::string::npos);

  // Random 32 B reads, 512 in flight: every read opens a row; one activate per 4 ns per
  // pseudo-channel (t_rrd_s, t_faw / 4, the shared row command bus) against 2 ns of data.
  const auto random = runHbmStream("hbm_fast_random",
                                   "--set dma.transactions=4000 --set dma.size=32B "
                                   "--set dma.pattern=random --set dma.outstanding=512");
  CHECK(counterOf(random, "fast_rows_opened") == Approx(4000).epsilon(0.01));
  CHECK(counterOf(random, "fast_busy_shortfall") > 0.5);
  CHECK(stderrOf("hbm_fast_random").find("outside where it is valid") != std::string::npos);

  // Random 3 KiB requests under the preset's interleaved mapping: the row changes every 64 B
  // (the pseudo-channel and bank group bits sit right above a burst pair), so each request
  // opens 48 rows, not the 3 pages' worth counted before.
  const auto scattered = runHbmStream("hbm_fast_scattered",
                                      "--set dma.transactions=2000 --set dma.size=3KiB "
                                      "--set dma.pattern=random --set dma.outstanding=8");
  CHECK(counterOf(scattered, "fast_rows_opened") == Approx(2000 * 48).epsilon(0.02));
  // Latency-bound (8 in flight): the bounds on busy time stay below the one-bus time, but 16
  // rows per page moved make each request wait for precharges, activates and busy banks (the
  // detailed model: 74 GB/s against fast's 477), so the run warns on the rows alone.
  CHECK(counterOf(scattered, "fast_busy_shortfall") < 0.1);
  CHECK(counterOf(scattered, "fast_rows_per_page") == Approx(16.0).epsilon(0.02));
  CHECK(stderrOf("hbm_fast_scattered").find("16.0 per page moved") != std::string::npos);

  // Random 1 MiB requests open a stream's rows (one per page): no warning (the detailed model
  // is within 9% of fast there).
  const auto large = runHbmStream("hbm_fast_large_random",
                                  "--set dma.transactions=16 --set dma.pattern=random "
                                  "--set dma.address_range=1GiB");
  CHECK(counterOf(large, "fast_rows_per_page") == Approx(1.0).epsilon(0.01));
  CHECK(stderrOf("hbm_fast_large_random").find("outside where it is valid") == std::string::npos);
}

TEST_CASE("HBM on_arrival warns on mixed reads and writes with requests queued per pseudo-channel",
          "[hbm][scheduling]") {
  // A sequential stream of 32 B requests, each a read or a write at random, 128 in flight over
  // the 32 pseudo-channels: about 4 per pseudo-channel, each serving both directions.
  const std::string mixed =
      "--set dma.size=32B --set dma.transactions=8000 --set dma.outstanding=128 "
      "--set dma.read_fraction=0.5";
  const auto arrival = runHbmExample("hbm_mixed_on_arrival", mixed);
  CHECK(counterOf(arrival, "read_write_mix") > 0.9);
  CHECK(counterOf(arrival, "requests_in_flight_per_pc") > 3.0);
  CHECK(counterOf(arrival, "requests_in_flight_per_pc") < 4.5);
  CHECK(stderrOf("hbm_mixed_on_arrival").find("on_arrival met mixed reads and writes") !=
        std::string::npos);

  // What the warning is about: on_issue, which chooses among the queued bursts, serves the same
  // traffic faster (and does not warn).
  const auto issue =
      runHbmExample("hbm_mixed_on_issue",
                    mixed + " --set hbm.scheduling=on_issue --set dma.transport=non_blocking");
  const auto latency = [](const nlohmann::json& stats) {
    return stats["headline"]["dma.mean_latency"]["value"].get<double>();
  };
  CHECK(latency(issue) < 0.95 * latency(arrival));
  CHECK(stderrOf("hbm_mixed_on_issue").find("mixed reads and writes") == std::string::npos);

  // Nine reads in ten (mix 0.2), or 16 in flight (0.5 per pseudo-channel): no warning.
  const auto reads = runHbmExample("hbm_mostly_reads", mixed + " --set dma.read_fraction=0.9");
  CHECK(counterOf(reads, "read_write_mix") < 0.25);
  CHECK(stderrOf("hbm_mostly_reads").find("mixed reads and writes") == std::string::npos);
  const auto light = runHbmExample("hbm_mixed_light", mixed + " --set dma.outstanding=16");
  CHECK(counterOf(light, "requests_in_flight_per_pc") < 1.0);
  CHECK(stderrOf("hbm_mixed_light").find("mixed reads and writes") == std::string::npos);
}
