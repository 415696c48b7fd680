#include "platform/core/param_values.h"

namespace spatialvp {

const ParamValue& ParamValues::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    // A model asking for a parameter its schema lacks is a programming error in that model.
    throw std::logic_error("parameter '" + name + "' is not declared in the schema of " +
                           owner_path_);
  }
  return it->second;
}

std::int64_t ParamValues::integer(const std::string& name) const {
  return value(name).integer;
}
double ParamValues::real(const std::string& name) const {
  return value(name).number;
}
bool ParamValues::boolean(const std::string& name) const {
  return value(name).boolean;
}
const std::string& ParamValues::string(const std::string& name) const {
  return value(name).text;
}
double ParamValues::quantity(const std::string& name) const {
  return value(name).number;
}
const std::vector<std::int64_t>& ParamValues::integers(const std::string& name) const {
  return value(name).integers;
}
const std::vector<double>& ParamValues::numbers(const std::string& name) const {
  return value(name).numbers;
}
const std::vector<std::string>& ParamValues::strings(const std::string& name) const {
  return value(name).texts;
}
bool ParamValues::isDefault(const std::string& name) const {
  return value(name).is_default;
}

void ParamValues::fail(const std::string& name, const std::string& message) const {
  const std::string key = owner_path_.empty() ? name : owner_path_ + "." + name;
  auto it = values_.find(name);
  if (it == values_.end() || it->second.is_default) {
    throw ConfigError(owner_location_, key, message);
  }
  throw ConfigError(it->second.location, key, message);
}

std::string ParamValues::whereWritten(const std::string& name) const {
  const std::string key = owner_path_.empty() ? name : owner_path_ + "." + name;
  auto it = values_.find(name);
  if (it == values_.end() || it->second.is_default)
    return key + " (default)";
  return key + " (" + it->second.location.describe() + ")";
}

void ParamValues::put(const std::string& name, ParamValue value) {
  if (values_.count(name) == 0)
    order_.push_back(name);
  values_[name] = std::move(value);
}

ConfigNode ParamValues::effective() const {
  ConfigNode root = ConfigNode::map(owner_location_);
  for (const auto& name : order_) {
    ConfigNode* node = &root;
    std::size_t start = 0;
    for (std::size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
      const std::string group = name.substr(start, dot - start);
      ConfigNode* child = node->find(group);
      if (!child)
        child = &node->set(group, ConfigNode::map(owner_location_), owner_location_);
      node = child;
      start = dot + 1;
    }
    node->set(name.substr(start), values_.at(name).written, values_.at(name).location);
  }
  return root;
}

}  // namespace spatialvp
