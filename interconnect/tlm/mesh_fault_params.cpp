#include "interconnect/tlm/mesh_fault_params.h"

#include <string>

#include "interconnect/mesh/attachment_point.h"
#include "platform/core/config_error.h"

namespace spatialvp::interconnect {

namespace {

[[noreturn]] void failElement(const ParamValues& params, const std::string& name,
                              std::size_t element, const std::string& text) {
  const ConfigNode& written = params.value(name).written;
  if (!written.isSequence() || element >= written.items().size())
    params.fail(name, text);
  throw ConfigError(written.items()[element].location(), params.ownerPath() + "." + name,
                    "element " + std::to_string(element) + ": " + text);
}

// A die: node id or "x<X>y<Y>" (a local attachment point); -1 with `problem` set otherwise.
int parseDie(const std::string& text, std::uint32_t width, std::uint32_t height,
             std::string& problem) {
  const AttachmentPoint point = parseAttachmentPoint(text, width, height);
  if (point.endpoint && point.endpoint->port == Port::kLocal)
    return static_cast<int>(point.endpoint->router);
  if (!point.outside.empty()) {
    problem = "'" + text + "': " + point.outside + " is outside the " + std::to_string(width) +
              " x " + std::to_string(height) + " mesh";
  } else {
    problem = "'" + text + "' is not a die; write 'x<X>y<Y>' or a node id (0.." +
              std::to_string(width * height - 1) + ")";
  }
  return -1;
}

std::vector<int> readDies(const ParamValues& params, const std::string& name, std::uint32_t width,
                          std::uint32_t height) {
  std::vector<int> dies;
  const auto& texts = params.strings(name);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::string problem;
    const int die = parseDie(texts[i], width, height, problem);
    if (die < 0)
      failElement(params, name, i, problem);
    dies.push_back(die);
  }
  return dies;
}

std::vector<LinkSite> readLinks(const ParamValues& params, const std::string& name,
                                std::uint32_t width, std::uint32_t height) {
  std::vector<LinkSite> links;
  const auto& texts = params.strings(name);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string& text = texts[i];
    const std::size_t dash = text.find('-');
    if (dash == std::string::npos) {
      failElement(params, name, i,
                  "'" + text + "' is not a link; write two neighbouring dies, 'x3y2-x4y2'");
    }
    std::string problem;
    const int a = parseDie(text.substr(0, dash), width, height, problem);
    const int b = a < 0 ? -1 : parseDie(text.substr(dash + 1), width, height, problem);
    if (a < 0 || b < 0)
      failElement(params, name, i, problem);
    const int w = static_cast<int>(width);
    const int dx = b % w - a % w;
    const int dy = b / w - a / w;
    GridStep step = GridStep::kArrived;
    if (dy == 0 && (dx == 1 || dx == -1))
      step = dx == 1 ? GridStep::kXPlus : GridStep::kXMinus;
    if (dx == 0 && (dy == 1 || dy == -1))
      step = dy == 1 ? GridStep::kYPlus : GridStep::kYMinus;
    if (step == GridStep::kArrived)
      failElement(params, name, i, "'" + text + "': the two dies are not neighbours");
    links.push_back({a, step});
  }
  return links;
}

}  // namespace

void declareFaultParams(ParamSchema& schema) {
  schema.stringList("faults.dead_dies", "Dead dies ('x<X>y<Y>' or node id): router and compute")
      .byDefault("[]");
  schema
      .stringList("faults.dead_links",
                  "Dead links between neighbouring dies ('x3y2-x4y2'), both directions")
      .byDefault("[]");
  schema
      .stringList("faults.degraded_links",
                  "Links at faults.degraded_bandwidth of their nominal bandwidth ('x3y2-x4y2')")
      .byDefault("[]");
  schema
      .stringList("faults.dead_hbm",
                  "Dies whose HBM stack is dead: the router forwards, the die computes nothing")
      .byDefault("[]");
  schema.real("faults.die_density", "Probability that a die is dead (sampled), [0, 1)")
      .byDefault("0")
      .atLeast(0)
      .atMost(1);
  schema.real("faults.link_density", "Probability that a link is dead (sampled), [0, 1)")
      .byDefault("0")
      .atLeast(0)
      .atMost(1);
  schema
      .real("faults.degraded_link_density",
            "Probability that a link that is not dead is degraded (sampled), [0, 1)")
      .byDefault("0")
      .atLeast(0)
      .atMost(1);
  schema.real("faults.hbm_density", "Probability that a die's HBM stack is dead (sampled), [0, 1)")
      .byDefault("0")
      .atLeast(0)
      .atMost(1);
  schema
      .real("faults.degraded_bandwidth",
            "Fraction of its nominal bandwidth a degraded link keeps, (0, 1)")
      .byDefault("0.5")
      .atLeast(0)
      .atMost(1);
  schema
      .integer("faults.seed",
               "Seed of the sampled faults (independent of the run seed: one wafer, many runs)")
      .byDefault("1")
      .atLeast(0);
}

std::vector<std::pair<std::string, std::string>> faultFreeParamValues() {
  return {{"faults.dead_dies", "[]"},
          {"faults.dead_links", "[]"},
          {"faults.degraded_links", "[]"},
          {"faults.dead_hbm", "[]"},
          {"faults.die_density", "0"},
          {"faults.link_density", "0"},
          {"faults.degraded_link_density", "0"},
          {"faults.hbm_density", "0"}};
}

WaferFaultSpec readFaultSpec(const ParamValues& params, std::uint32_t width, std::uint32_t height) {
  WaferFaultSpec spec;
  spec.dead_dies = readDies(params, "faults.dead_dies", width, height);
  spec.dead_links = readLinks(params, "faults.dead_links", width, height);
  spec.degraded_links = readLinks(params, "faults.degraded_links", width, height);
  spec.dead_hbm = readDies(params, "faults.dead_hbm", width, height);
  spec.die_density = params.real("faults.die_density");
  spec.link_density = params.real("faults.link_density");
  spec.degraded_link_density = params.real("faults.degraded_link_density");
  spec.hbm_density = params.real("faults.hbm_density");
  spec.degraded_bandwidth = params.real("faults.degraded_bandwidth");
  spec.seed = static_cast<std::uint64_t>(params.integer("faults.seed"));
  return spec;
}

MeshNetwork buildMeshNetwork(const ParamValues& params, const MeshConfig& config) {
  try {
    return MeshNetwork(config);
  } catch (const FaultSpecError& error) {
    if (error.field() == "faults") {
      // The fault set as a whole: name the parameters that produced it.
      params.fail(config.faults.die_density > 0.0 || config.faults.link_density > 0.0
                      ? "faults.seed"
                  : !config.faults.dead_links.empty() ? "faults.dead_links"
                                                      : "faults.dead_dies",
                  error.what());
    }
    const std::string name = "faults." + error.field();
    if (error.element() >= 0)
      failElement(params, name, static_cast<std::size_t>(error.element()), error.what());
    params.fail(name, error.what());
  }
}

}  // namespace spatialvp::interconnect
