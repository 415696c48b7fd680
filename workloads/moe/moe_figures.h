#pragma once
// The headline figures of sources W4.5 / issue 7 computed with the analytic model (not the timed
// platform): each row pairs the published value with the model's value.
#include <string>
#include <vector>

namespace spatialvp::moe {

struct FigureRow {
  std::string claim;
  std::string source;      // P = primary, S3/S4 = provisional secondary
  double published = 0.0;  // NaN when the claim has no number we can model
  double model = 0.0;      // NaN when not modelled
  std::string unit;        // "%" (reduction or gain) or "x"
  std::string condition;   // how the model value was obtained
  // "model" (an outcome of the model), "calibrated" (an input was chosen to give the published
  // value, so agreement is by construction) or "not modelled".
  std::string label = "model";
};

struct FigureOptions {
  std::string model_preset;  // the DeepSeek-V3 preset file (presets/moe/deepseek_v3.yaml)
  int balancer_iterations = 40;
  int warmup_iterations = 10;  // excluded from balancer averages
};

std::vector<FigureRow> computeMoeFigures(const FigureOptions& options);

}  // namespace spatialvp::moe
