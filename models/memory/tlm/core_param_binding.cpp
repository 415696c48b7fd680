#include "models/memory/tlm/core_param_binding.h"

#include <cctype>
#include <cmath>

namespace spatialvp::models {

std::uint64_t wholeBytesOf(const ParamValues& params, const std::string& name,
                           std::uint64_t maximum) {
  const double bytes = params.quantity(name);
  if (bytes != std::floor(bytes))
    params.fail(name, "must be a whole number of bytes");
  if (bytes > static_cast<double>(maximum))
    params.fail(name, "must be at most " + std::to_string(maximum) + " bytes");
  return static_cast<std::uint64_t>(bytes);
}

std::uint32_t wholeBitsOf(const ParamValues& params, const std::string& name,
                          std::uint32_t maximum) {
  const double bits = params.quantity(name) * 8.0;
  if (bits != std::floor(bits))
    params.fail(name, "must be a whole number of bits");
  if (bits > static_cast<double>(maximum))
    params.fail(name, "must be at most " + std::to_string(maximum) + " bit");
  return static_cast<std::uint32_t>(bits);
}

Picoseconds picosecondsOf(const ParamValues& params, const std::string& name) {
  const double picoseconds = params.quantity(name) * 1e12;
  if (picoseconds > 1e18)  // keeps time sums far from 64-bit overflow
    params.fail(name, "must be at most 1e6 s");
  return static_cast<Picoseconds>(std::llround(picoseconds));
}

std::uint32_t countOf(const ParamValues& params, const std::string& name) {
  const std::int64_t value = params.integer(name);
  if (value < 0 || value > static_cast<std::int64_t>(0xffffffffLL))
    params.fail(name, "must be in [0, 4294967295], got " + std::to_string(value));
  return static_cast<std::uint32_t>(value);
}

std::string paramForCoreField(const ParamValues& params, const std::string& field,
                              const std::map<std::string, std::string>& renames,
                              const std::string& fallback) {
  std::string word;
  auto candidate = [&](const std::string& name) -> std::string {
    const auto renamed = renames.find(name);
    if (renamed != renames.end())
      return renamed->second;
    return params.has(name) ? name : "";
  };
  for (std::size_t i = 0; i <= field.size(); ++i) {
    const bool identifier =
        i < field.size() &&
        (std::isalnum(static_cast<unsigned char>(field[i])) != 0 || field[i] == '_');
    if (identifier) {
      word += field[i];
      continue;
    }
    if (!word.empty()) {
      const std::string name = candidate(word);
      if (!name.empty())
        return name;
      word.clear();
    }
  }
  return fallback;
}

void failOnCoreProblems(const ParamValues& params, const std::vector<std::string>& problems,
                        const std::map<std::string, std::string>& renames,
                        const std::string& fallback) {
  if (problems.empty())
    return;
  const std::string& first = problems.front();
  const std::size_t colon = first.find(": ");
  const std::string field = colon == std::string::npos ? "" : first.substr(0, colon);
  std::string message = colon == std::string::npos ? first : first.substr(colon + 2);
  if (!field.empty() && paramForCoreField(params, field, renames, "") != field) {
    message = field + ": " + message;  // keep the core's wording when it names a derived value
  }
  for (std::size_t i = 1; i < problems.size(); ++i)
    message += (i == 1 ? " (also: " : "; ") + problems[i];
  if (problems.size() > 1)
    message += ")";
  params.fail(paramForCoreField(params, field, renames, fallback), message);
}

}  // namespace spatialvp::models
