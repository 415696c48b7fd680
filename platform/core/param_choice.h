#pragma once
// Maps an enumeration parameter to the model's own type through a table listing every choice
// the schema allows. A choice the table lacks is a located error naming the handled ones, so a
// choice added to a schema but not to the model can never fall into a silent default branch.
#include <initializer_list>
#include <string>
#include <utility>

#include "platform/core/param_values.h"

namespace spatialvp {

template <typename T>
T paramChoice(const ParamValues& params, const std::string& name,
              std::initializer_list<std::pair<const char*, T>> table) {
  const std::string& text = params.string(name);
  std::string handled;
  for (const auto& entry : table) {
    if (text == entry.first)
      return entry.second;
    handled += (handled.empty() ? "" : ", ") + std::string(entry.first);
  }
  params.fail(name, "'" + text + "' is not handled by this model (it handles: " + handled + ")");
}

}  // namespace spatialvp
