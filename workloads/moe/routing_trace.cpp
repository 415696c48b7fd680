#include "workloads/moe/routing_trace.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <limits>
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

// Iterations, layers and tokens index memory: beyond int they are not a trace of a real run.
int parseIndex(const std::string& where, const std::string& text, const char* what) {
  std::size_t start = text.find_first_not_of(" \t\r");
  std::size_t end = text.find_last_not_of(" \t\r");
  const std::string trimmed = start == std::string::npos ? "" : text.substr(start, end - start + 1);
  std::size_t used = 0;
  long long value = -1;
  try {
    value = std::stoll(trimmed, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (trimmed.empty() || used != trimmed.size() || value < 0 ||
      value > std::numeric_limits<int>::max()) {
    throw TraceError(where + ": expected a non-negative integer " + what + " up to " +
                     std::to_string(std::numeric_limits<int>::max()) + ", got '" + text + "'");
  }
  return static_cast<int>(value);
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
  const bool csv = ends_with(".csv");
  if (!csv && !ends_with(".jsonl"))
    throw TraceError(path + ": expected a .csv or .jsonl expert-selection trace");
  std::ifstream in(path);
  if (!in)
    throw TraceError(path + ": cannot open the trace");
  return csv ? parseCsv(in, path, experts, top_k) : parseJsonl(in, path, experts, top_k);
}

void RoutingTrace::store(const std::string& where, int iteration, int layer, LayerRouting routing) {
  if (!rows_.emplace(std::make_pair(iteration, layer), std::move(routing)).second) {
    throw TraceError(where + ": iteration " + std::to_string(iteration) + " layer " +
                     std::to_string(layer) + " appears twice");
  }
}

void RoutingTrace::finish(const std::string& path) {
  if (rows_.empty())
    throw TraceError(path + ": expected at least one token, the trace is empty");
  // Rows are sorted by (iteration, layer) and unique, so a run of L rows of one iteration
  // from layer 0 to L-1 is dense; the same holds for iterations.
  std::size_t layer_count = 0;
  for (auto row = rows_.begin(); row != rows_.end() && row->first.first == 0; ++row)
    ++layer_count;
  if (layer_count == 0) {
    throw TraceError(path +
                     ": expected iteration 0 (iterations and layers are dense from 0), "
                     "it is missing");
  }
  int iteration = 0;
  std::size_t layer = 0;
  for (auto& [key, routing] : rows_) {
    if (key.first != iteration) {
      if (layer != layer_count) {
        throw TraceError(path + ": expected " + std::to_string(layer_count) +
                         " layers in every iteration, iteration " + std::to_string(iteration) +
                         " has " + std::to_string(layer));
      }
      ++iteration;
      layer = 0;
      data_.emplace_back();
    }
    if (data_.empty())
      data_.emplace_back();
    if (key.first != iteration || key.second != static_cast<int>(layer)) {
      throw TraceError(path + ": expected iteration " + std::to_string(iteration) + " layer " +
                       std::to_string(layer) +
                       " (iterations and layers are dense from 0), it is missing");
    }
    if (layer > 0 && routing.tokens != data_.back().front().tokens) {
      throw TraceError(path + ": expected the same token count in every layer of iteration " +
                       std::to_string(iteration) + ", layer " + std::to_string(layer) + " has " +
                       std::to_string(routing.tokens) + " vs " +
                       std::to_string(data_.back().front().tokens));
    }
    data_.back().push_back(std::move(routing));
    ++layer;
  }
  if (layer != layer_count) {
    throw TraceError(path + ": expected " + std::to_string(layer_count) +
                     " layers in every iteration, iteration " + std::to_string(iteration) +
                     " has " + std::to_string(layer));
  }
  rows_.clear();
}

RoutingTrace RoutingTrace::parseCsv(std::istream& in, const std::string& path, int experts,
                                    int top_k) {
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
    const int iteration = static_cast<int>(parseIndex(where, fields[0], "iteration"));
    const int layer = static_cast<int>(parseIndex(where, fields[1], "layer"));
    const int token = static_cast<int>(parseIndex(where, fields[2], "token"));
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
      const long e = parseIndex(where, fields[3 + j], "expert id");
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

RoutingTrace RoutingTrace::parseJsonl(std::istream& in, const std::string& path, int experts,
                                      int top_k) {
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
    int index[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
      const char* key = i == 0 ? "iteration" : "layer";
      const auto field = object.find(key);
      const bool valid = field != object.end() &&
                         (field->is_number_unsigned() ||
                          (field->is_number_integer() && field->get<std::int64_t>() >= 0)) &&
                         field->get<std::uint64_t>() <=
                             static_cast<std::uint64_t>(std::numeric_limits<int>::max());
      if (!valid) {
        throw TraceError(where + ": expected a non-negative integer \"" + key + "\" up to " +
                         std::to_string(std::numeric_limits<int>::max()));
      }
      index[i] = static_cast<int>(field->get<std::int64_t>());
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
    trace.store(where, index[0], index[1], std::move(routing));
  }
  trace.finish(path);
  return trace;
}

void RoutingTrace::route(int iteration, int layer, LayerRouting& out) {
  out = data_[iteration % iterations()][layer % layers()];
}

}  // namespace spatialvp::moe
