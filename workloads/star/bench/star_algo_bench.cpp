// Speed benchmark of the STAR reference library: one block of T = 128 queries against
// S = 4096 keys with head dim 128 (DLZS prediction, SADS, SU-FA, on-demand KV and RASS),
// then the same block with the float64 reference and accuracy metrics.
#include <chrono>
#include <cstdio>
#include <exception>

#include "workloads/star/star_pipeline.h"
#include "workloads/star/synthetic_workload.h"

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
  using namespace spatialvp::star;
  try {
    SyntheticConfig workload_config;
    workload_config.seq_len = 4096;
    workload_config.head_dim = 128;
    workload_config.queries = 128;
    workload_config.hidden_size = 4096;
    const AttentionWorkload workload = generateSyntheticWorkload(workload_config);

    StarConfig config;
    config.compute_reference = false;
    auto start = std::chrono::steady_clock::now();
    const StarRunResult fast = runStar(workload, config);
    std::printf("star-algo block S=4096 d=128 T=128: %.3f s (selected %llu keys)\n",
                secondsSince(start), static_cast<unsigned long long>(fast.selected_keys));

    config.compute_reference = true;
    start = std::chrono::steady_clock::now();
    const StarRunResult checked = runStar(workload, config);
    std::printf(
        "star-algo block S=4096 d=128 T=128 with float64 reference: %.3f s "
        "(recall %.4f, output rel. error %.3g)\n",
        secondsSince(start), checked.topk_recall, checked.output_rel_error);

    config.simulate_sorter = true;
    config.compute_reference = false;
    start = std::chrono::steady_clock::now();
    runStar(workload, config);
    std::printf("star-algo block S=4096 d=128 T=128 with round-by-round sorter: %.3f s\n",
                secondsSince(start));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "star-algo bench failed: %s\n", e.what());
    return 3;
  }
  return 0;
}
