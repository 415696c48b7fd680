#include "workloads/moe/routing_trace.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <utility>

namespace spatialvp::moe {

namespace {

std::string location(const std::string& path, int line) {
  return path + ":" + std::to_string(line);
}

std::vector<std::string> splitCsv(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream stream(line);
  while (std::getline(stream, field, ','))
    fields.push_back(field);
  if (!line.empty() && line.back() == ',')
    fields.emplace_back();
  return fields;
}

long parseInteger(const std::string& where, const std::string& text, const char* what) {
  std::size_t start = text.find_first_not_of(" \t\r");
  std::size_t end = text.find_last_not_of(" \t\r");
  const std::string trimmed = start == std::string::npos ? "" : text.substr(start, end - start + 1);
  std::size_t used = 0;
  long value = -1;
  try {
    value = std::stol(trimmed, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (trimmed.empty() || used != trimmed.size() || value < 0) {
    throw TraceError(where + ": expected a non-negative integer " + what + ", got '" + text + "'");
  }
  return value;
}

void checkExpertId(const std::string& where, long id, int experts) {
  if (id < 0 || id >= experts) {
    throw TraceError(where + ": expected an expert id in [0, " + std::to_string(experts) +
                     "), got " + std::to_string(id));
  }
}

// Distinct ids per token (ranges are checked while parsing).
void checkSelection(const std::string& where, const std::int32_t* chosen, int top_k) {
  for (int j = 0; j < top_k; ++j) {
    for (int i = 0; i < j; ++i) {
      if (chosen[i] == chosen[j]) {
        throw TraceError(where + ": expected " + std::to_string(top_k) +
                         " distinct experts per token, expert " + std::to_string(chosen[j]) +
                         " repeats");
      }
    }
  }
}

}  // namespace

RoutingTrace RoutingTrace::load(const std::string& path, int experts, int top_k) {
  auto ends_with = [&path](const std::string& suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".csv"))
    return loadCsv(path, experts, top_k);
  if (ends_with(".jsonl"))
    return loadJsonl(path, experts, top_k);
  throw TraceError(path + ": expected a .csv or .jsonl expert-selection trace");
}

void RoutingTrace::store(const std::string& where, int iteration, int layer, LayerRouting routing) {
  if (iteration >= static_cast<int>(data_.size()))
    data_.resize(iteration + 1);
  auto& layers = data_[iteration];
  if (layer >= static_cast<int>(layers.size()))
    layers.resize(layer + 1);
  if (layers[layer].tokens > 0) {
    throw TraceError(where + ": iteration " + std::to_string(iteration) + " layer " +
                     std::to_string(layer) + " appears twice");
  }
  layers[layer] = std::move(routing);
}

void RoutingTrace::finish(const std::string& path) {
  if (data_.empty())
    throw TraceError(path + ": expected at least one token, the trace is empty");
  const std::size_t layer_count = data_.front().size();
  for (std::size_t i = 0; i < data_.size(); ++i) {
    const auto& layers = data_[i];
    if (layers.size() != layer_count) {
      throw TraceError(path + ": expected " + std::to_string(layer_count) +
                       " layers in every iteration, iteration " + std::to_string(i) + " has " +
                       std::to_string(layers.size()));
    }
    for (std::size_t l = 0; l < layers.size(); ++l) {
      if (layers[l].tokens == 0) {
        throw TraceError(path + ": expected iteration " + std::to_string(i) + " layer " +
                         std::to_string(l) + " (iterations and layers are dense), it is missing");
      }
      if (layers[l].tokens != layers[0].tokens) {
        throw TraceError(path + ": expected the same token count in every layer of iteration " +
                         std::to_string(i) + ", layer " + std::to_string(l) + " has " +
                         std::to_string(layers[l].tokens) + " vs " +
                         std::to_string(layers[0].tokens));
      }
    }
  }
}

RoutingTrace RoutingTrace::loadCsv(const std::string& path, int experts, int top_k) {
  std::ifstream in(path);
  if (!in)
    throw TraceError(path + ": cannot open the trace");
  RoutingTrace trace;
  std::string line;
  int line_number = 0;
  bool header_seen = false;
  // Rows of one (iteration, layer) are consecutive with tokens 0, 1, 2, ...
  int current_iteration = -1;
  int current_layer = -1;
  LayerRouting current;
  std::string current_where;
  auto flush = [&]() {
    if (current.tokens > 0)
      trace.store(current_where, current_iteration, current_layer, current);
    current = LayerRouting{};
  };
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty() || line[0] == '#')
      continue;
    const std::string where = location(path, line_number);
    const std::vector<std::string> fields = splitCsv(line);
    if (!header_seen) {
      std::string expected = "iteration,layer,token";
      for (int j = 0; j < top_k; ++j)
        expected += ",expert_" + std::to_string(j);
      if (line != expected) {
        throw TraceError(where + ": expected the header '" + expected + "', got '" + line + "'");
      }
      header_seen = true;
      continue;
    }
    if (static_cast<int>(fields.size()) != 3 + top_k) {
      throw TraceError(where + ": expected " + std::to_string(3 + top_k) +
                       " comma-separated fields (iteration, layer, token, " +
                       std::to_string(top_k) + " experts), got " + std::to_string(fields.size()));
    }
    const int iteration = static_cast<int>(parseInteger(where, fields[0], "iteration"));
    const int layer = static_cast<int>(parseInteger(where, fields[1], "layer"));
    const int token = static_cast<int>(parseInteger(where, fields[2], "token"));
    if (iteration != current_iteration || layer != current_layer) {
      flush();
      current_iteration = iteration;
      current_layer = layer;
      current.top_k = top_k;
      current_where = where;
    }
    if (token != current.tokens) {
      throw TraceError(where + ": expected token " + std::to_string(current.tokens) +
                       " (tokens of an iteration and layer are consecutive from 0), got " +
                       std::to_string(token));
    }
    for (int j = 0; j < top_k; ++j) {
      const long e = parseInteger(where, fields[3 + j], "expert id");
      checkExpertId(where, e, experts);
      current.experts.push_back(static_cast<std::int32_t>(e));
    }
    checkSelection(where, &current.experts[current.experts.size() - top_k], top_k);
    ++current.tokens;
  }
  if (!header_seen)
    throw TraceError(path + ": expected a CSV header line, the file is empty");
  flush();
  trace.finish(path);
  return trace;
}

RoutingTrace RoutingTrace::loadJsonl(const std::string& path, int experts, int top_k) {
  std::ifstream in(path);
  if (!in)
    throw TraceError(path + ": cannot open the trace");
  RoutingTrace trace;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    const std::string where = location(path, line_number);
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& error) {
      throw TraceError(where + ": expected one JSON object per line: " + error.what());
    }
    if (!object.is_object())
      throw TraceError(where + ": expected a JSON object");
    for (const char* key : {"iteration", "layer"}) {
      if (!object.contains(key) || !object[key].is_number_integer() ||
          object[key].get<long>() < 0) {
        throw TraceError(where + ": expected a non-negative integer \"" + key + "\"");
      }
    }
    if (!object.contains("experts") || !object["experts"].is_array() || object["experts"].empty()) {
      throw TraceError(where + ": expected \"experts\": a non-empty array of per-token arrays");
    }
    LayerRouting routing;
    routing.top_k = top_k;
    for (const auto& token : object["experts"]) {
      if (!token.is_array() || static_cast<int>(token.size()) != top_k) {
        throw TraceError(where + ": expected token " + std::to_string(routing.tokens) +
                         " to be an array of " + std::to_string(top_k) + " expert ids");
      }
      for (const auto& id : token) {
        if (!id.is_number_integer()) {
          throw TraceError(where + ": expected integer expert ids in token " +
                           std::to_string(routing.tokens));
        }
        const long e = id.get<long>();
        checkExpertId(where + " token " + std::to_string(routing.tokens), e, experts);
        routing.experts.push_back(static_cast<std::int32_t>(e));
      }
      checkSelection(where + " token " + std::to_string(routing.tokens),
                     &routing.experts[routing.experts.size() - top_k], top_k);
      ++routing.tokens;
    }
    trace.store(where, object["iteration"].get<int>(), object["layer"].get<int>(),
                std::move(routing));
  }
  trace.finish(path);
  return trace;
}

void RoutingTrace::route(int iteration, int layer, LayerRouting& out) {
  out = data_[iteration % iterations()][layer % layers()];
}

}  // namespace spatialvp::moe
