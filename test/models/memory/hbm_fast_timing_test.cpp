// The `hbm` module's fast timing mode: a bandwidth-bound stream runs at peak x (1 - tRFC/tREFI)
// and one read's latency is the closed form of the preset's row-miss timing.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

nlohmann::json runHbmStream(const std::string& name, const std::string& extra) {
  const std::filesystem::path out = std::filesystem::path(SPATIALVP_BINARY_DIR) / name;
  const std::string command = std::string(SPATIALVP_BINARY_DIR "/spatialvp run ") +
                              SPATIALVP_SOURCE_DIR "/platform/configs/examples/hbm_stream.yaml" +
                              " --quiet --out " + out.string() + " --set hbm.timing=fast " + extra +
                              " > /dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(out / "stats.json");
  return nlohmann::json::parse(in);
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
