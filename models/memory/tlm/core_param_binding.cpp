#include "models/memory/tlm/core_param_binding.h"

#include <cctype>

namespace spatialvp::models {

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
