// spatialvp_moe_analytic: the sources W4.5 figures from the ANALYTIC model (fluid link loads and a
// die roofline; not the timed SystemC platform), and the model's speed figures.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "workloads/moe/analytic_moe_driver.h"
#include "workloads/moe/moe_figures.h"

using namespace spatialvp::moe;

namespace {

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void printSpeed(const std::string& model_preset) {
  const MoeModel model = loadMoeModel(model_preset);
  std::printf("\nAnalytic-model speed (DeepSeek-V3 decode, %d MoE layers, wall time)\n",
              model.moeLayers());
  for (int wafers : {1, 4, 16}) {
    AnalyticConfig config;
    config.wafer = waferSystemWithWafers(wafers);
    config.mapping.kind = MappingKind::kHierarchicalEntwined;
    const auto start = std::chrono::steady_clock::now();
    AnalyticMoeDriver driver(model, config);
    driver.run(1);
    std::printf("  1 iteration, %2d wafer(s), %4d dies, HER: %.2f s\n", wafers,
                driver.topology().dies(), seconds(start));
  }
  AnalyticConfig config;
  config.wafer = waferSystemWithWafers(4);
  config.mapping.kind = MappingKind::kHierarchicalEntwined;
  config.balancer = defaultBalancerConfig(BalancerKind::kNonInvasive);
  const auto start = std::chrono::steady_clock::now();
  AnalyticMoeDriver driver(model, config);
  driver.run(100);
  std::printf("  100 iterations, 4 wafers, HER + NI-Balancer: %.1f s\n", seconds(start));
}

}  // namespace

int main(int argc, char** argv) {
  FigureOptions options;
  bool speed = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      options.model_preset = argv[++i];
    } else if (std::strcmp(argv[i], "--speed") == 0) {
      speed = true;
    } else if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      options.balancer_iterations = std::atoi(argv[++i]);
      options.warmup_iterations = options.balancer_iterations / 4;
    } else {
      std::fprintf(
          stderr, "usage: spatialvp_moe_analytic --model PRESET.yaml [--iterations N] [--speed]\n");
      return 2;
    }
  }
  if (options.model_preset.empty()) {
    std::fprintf(stderr, "spatialvp_moe_analytic: --model PRESET.yaml is required\n");
    return 2;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    const auto rows = computeMoeFigures(options);
    std::printf(
        "MoEntwine figures: ANALYTIC MODEL (fluid link loads + die roofline), not the "
        "timed platform\nlabel: model = an outcome of the model; calibrated = an input was chosen "
        "to give the published value (equal by construction); not modelled\n");
    std::printf("%-48s %-16s %10s %10s %7s  %s\n", "claim", "source", "published", "analytic",
                "ratio", "label");
    for (const FigureRow& row : rows) {
      char published[32];
      char analytic[32];
      char ratio[32];
      std::snprintf(published, sizeof published, "%.2f%s", row.published, row.unit.c_str());
      if (std::isnan(row.model)) {
        std::snprintf(analytic, sizeof analytic, "n/a");
        std::snprintf(ratio, sizeof ratio, "-");
      } else {
        std::snprintf(analytic, sizeof analytic, "%.2f%s", row.model, row.unit.c_str());
        std::snprintf(ratio, sizeof ratio, "%.2f", row.model / row.published);
      }
      std::printf("%-48s %-16s %10s %10s %7s  %s\n", row.claim.c_str(), row.source.c_str(),
                  published, analytic, ratio, row.label.c_str());
      std::printf("    %s\n", row.condition.c_str());
    }
    std::printf("(figures computed in %.1f s)\n", seconds(start));
    if (speed)
      printSpeed(options.model_preset);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "spatialvp_moe_analytic: %s\n", error.what());
    return 1;
  }
  return 0;
}
