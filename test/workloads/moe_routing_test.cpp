#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "workloads/moe/routing_trace.h"
#include "workloads/moe/zipf_routing_generator.h"

using namespace spatialvp::moe;

namespace {

ZipfRoutingConfig smallConfig() {
  ZipfRoutingConfig config;
  config.experts = 64;
  config.top_k = 6;
  config.tokens = 2000;
  config.layers = 2;
  config.zipf_exponent = 0.6;
  return config;
}

std::string writeTemp(const std::string& name, const std::string& text) {
  const std::string path = std::string(P_tmpdir) + "/spatialvp_moe_" + name;
  std::ofstream(path) << text;
  return path;
}

std::string traceError(const std::string& name, const std::string& text, int experts, int top_k) {
  const std::string path = writeTemp(name, text);
  try {
    RoutingTrace::load(path, experts, top_k);
  } catch (const TraceError& error) {
    std::remove(path.c_str());
    return error.what();
  }
  std::remove(path.c_str());
  return "no error";
}

}  // namespace

TEST_CASE("moe: Zipf routing is seeded, distinct per token, skewed and order independent",
          "[moe][routing]") {
  ZipfRoutingGenerator a(smallConfig());
  ZipfRoutingGenerator b(smallConfig());
  ZipfRoutingConfig other = smallConfig();
  other.seed = 2;
  ZipfRoutingGenerator c(other);
  LayerRouting ra, rb, rc;
  a.route(0, 1, ra);
  b.route(0, 1, rb);
  c.route(0, 1, rc);
  CHECK(ra.experts == rb.experts);
  CHECK(ra.experts != rc.experts);
  for (int token = 0; token < ra.tokens; ++token) {
    for (int i = 0; i < ra.top_k; ++i) {
      for (int j = 0; j < i; ++j)
        REQUIRE(ra.expert(token, i) != ra.expert(token, j));
    }
  }
  const auto loads = ra.expertLoads(64);
  const auto [low, high] = std::minmax_element(loads.begin(), loads.end());
  CHECK(*high > 3.0 * *low);  // s = 0.6 over 64 experts: rank-1 vs rank-64 weight is 12x
  // Jumping straight to iteration 5 gives what iterating 0..5 gives.
  for (int it = 1; it <= 5; ++it)
    a.route(it, 1, ra);
  ZipfRoutingGenerator fresh(smallConfig());
  fresh.route(5, 1, rb);
  CHECK(ra.experts == rb.experts);
  CHECK_THROWS_AS(fresh.route(4, 1, rb), std::logic_error);
}

TEST_CASE("moe: routing popularity drifts slowly", "[moe][routing]") {
  ZipfRoutingConfig config = smallConfig();
  config.drift_sigma = 0.5;
  config.drift_time_constant = 50.0;
  ZipfRoutingGenerator generator(config);
  const auto p0 = generator.probabilities(0, 0);
  const auto p1 = generator.probabilities(1, 0);
  const auto p400 = generator.probabilities(400, 0);
  auto distance = [](const std::vector<double>& x, const std::vector<double>& y) {
    double sum = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i)
      sum += std::abs(x[i] - y[i]);
    return sum;
  };
  CHECK(distance(p0, p1) > 0.0);
  CHECK(distance(p0, p1) < 0.25 * distance(p0, p400));
}

TEST_CASE("moe: CSV and JSONL traces load and replay", "[moe][trace]") {
  const std::string csv = writeTemp("trace.csv",
                                    "# two iterations, one layer, two tokens, top-2\n"
                                    "iteration,layer,token,expert_0,expert_1\n"
                                    "0,0,0,1,3\n0,0,1,2,0\n1,0,0,3,2\n1,0,1,1,0\n");
  const std::string jsonl = writeTemp("trace.jsonl",
                                      "{\"iteration\":0,\"layer\":0,\"experts\":[[1,3],[2,0]]}\n"
                                      "{\"iteration\":1,\"layer\":0,\"experts\":[[3,2],[1,0]]}\n");
  RoutingTrace from_csv = RoutingTrace::load(csv, 4, 2);
  RoutingTrace from_jsonl = RoutingTrace::load(jsonl, 4, 2);
  REQUIRE(from_csv.iterations() == 2);
  REQUIRE(from_csv.layers() == 1);
  for (int it = 0; it < 2; ++it)
    CHECK(from_csv.at(it, 0).experts == from_jsonl.at(it, 0).experts);
  LayerRouting replay;
  from_csv.route(3, 5, replay);  // wraps to iteration 1, layer 0
  CHECK(replay.experts == std::vector<std::int32_t>{3, 2, 1, 0});
  std::remove(csv.c_str());
  std::remove(jsonl.c_str());
}

TEST_CASE("moe: bad traces name the file, the line and what was expected", "[moe][trace]") {
  const std::string header = "iteration,layer,token,expert_0,expert_1\n";
  std::string message = traceError("bad1.csv", header + "0,0,0,1,9\n", 4, 2);
  CHECK(message.find("bad1.csv:2") != std::string::npos);
  CHECK(message.find("expert id in [0, 4)") != std::string::npos);
  message = traceError("bad2.csv", header + "0,0,0,1,1\n", 4, 2);
  CHECK(message.find("distinct") != std::string::npos);
  message = traceError("bad3.csv", "iteration,layer,token,e0\n", 4, 2);
  CHECK(message.find("bad3.csv:1: expected the header") != std::string::npos);
  message = traceError("bad4.csv", header + "0,0,0,1,2\n0,0,2,1,2\n", 4, 2);
  CHECK(message.find("bad4.csv:3: expected token 1") != std::string::npos);
  message = traceError("bad5.csv", header + "0,1,0,1,2\n", 4, 2);
  CHECK(message.find("layer 0") != std::string::npos);
  message =
      traceError("bad6.jsonl", "{\"iteration\":0,\"layer\":0,\"experts\":[[1,2],[3]]}\n", 4, 2);
  CHECK(message.find("bad6.jsonl:1") != std::string::npos);
  CHECK(message.find("array of 2 expert ids") != std::string::npos);
  message = traceError("bad7.jsonl", "{\"iteration\":0,\"layer\":0}\nnot json\n", 4, 2);
  CHECK(message.find("bad7.jsonl:1") != std::string::npos);
  message = traceError("bad8.txt", "", 4, 2);
  CHECK(message.find(".csv or .jsonl") != std::string::npos);
}
