#include "platform/core/config_expander.h"

#include <algorithm>
#include <functional>
#include <map>
#include <vector>

#include "platform/core/config_expression.h"

namespace spatialvp {

namespace {

// Bounds the nodes the expansion builds, so a typo ("0..1000000000") or a large template
// repeated many times is an error, not an exhausted machine. A 64 x 64-core Spatial-STAR
// builds about a million.
constexpr std::size_t kMaxExpandedItems = 2'000'000;

struct Loop {
  std::string variable;
  std::string from;
  std::string to;
};

// "i in 0..n, j in 0..m".
std::vector<Loop> parseLoops(const ConfigNode& node, const std::string& key) {
  if (!node.isScalar())
    throw ConfigError(node.location(), key,
                      "expected \"VAR in FROM..TO\", found " + node.kindName());
  std::vector<Loop> loops;
  std::string rest = node.scalarValue();
  while (true) {
    const auto comma = rest.find(',');
    const std::string part = trimBlanks(rest.substr(0, comma));
    const auto in = part.find(" in ");
    const auto dots = part.find("..");
    if (in == std::string::npos || dots == std::string::npos || dots < in) {
      throw ConfigError(node.location(), key,
                        "expected \"VAR in FROM..TO\" (half-open, e.g. \"i in 0..cores\"), "
                        "found '" +
                            part + "'");
    }
    Loop loop{trimBlanks(part.substr(0, in)), trimBlanks(part.substr(in + 4, dots - in - 4)),
              trimBlanks(part.substr(dots + 2))};
    if (!isExpressionName(loop.variable))
      throw ConfigError(node.location(), key, "'" + loop.variable + "' is not a variable name");
    if (loop.from.empty() || loop.to.empty())
      throw ConfigError(node.location(), key, "a range needs FROM and TO in '" + part + "'");
    loops.push_back(loop);
    if (comma == std::string::npos)
      break;
    rest = rest.substr(comma + 1);
  }
  return loops;
}

// A `${...}`-free expression, or one written as "${...}".
std::string unwrap(const std::string& text) {
  if (text.size() > 3 && text.compare(0, 2, "${") == 0 && text.back() == '}')
    return text.substr(2, text.size() - 3);
  return text;
}

struct Copy {
  const ExpressionScope& scope;
  std::string suffix;  // "3" or "3_1": appended to the template's name
  std::string label;   // "i=3, j=1": for errors
};

void checkKeys(const ConfigNode& body, const std::vector<std::string>& allowed,
               const std::string& key, const std::string& what) {
  for (const auto& entry : body.entries()) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
      std::string list;
      for (const auto& name : allowed)
        list += (list.empty() ? "" : ", ") + name;
      throw ConfigError(entry.key_location, key + "." + entry.key,
                        "unknown key; " + what + " has: " + list);
    }
  }
}

// Member short name -> instance (or group copy) name, innermost group first.
struct Names {
  std::map<std::string, std::string> members;
  const Names* outer = nullptr;
  const std::string* lookup(const std::string& name) const {
    for (const Names* names = this; names; names = names->outer) {
      const auto it = names->members.find(name);
      if (it != names->members.end())
        return &it->second;
    }
    return nullptr;
  }
};

class Expander {
 public:
  void expand(ConfigNode& root);

 private:
  void forEachCopy(const ConfigNode& for_node, const ExpressionScope& scope, const std::string& key,
                   const std::function<void(const Copy&)>& body);
  ConfigNode substitute(const ConfigNode& node, const ExpressionScope& scope,
                        const std::string& key);
  void expandModules(const ConfigNode& modules, const ExpressionScope& scope,
                     const std::string& prefix, const ConfigNode* name_template, Names& names,
                     const std::string& key);
  void expandGroup(const std::string& member, const ConfigNode& body, const Copy& copy,
                   const std::string& base, Names& names, const std::string& key);
  std::string memberName(const std::string& member, const ExpressionScope& scope,
                         const std::string& prefix, const ConfigNode* name_template,
                         const std::string& key);
  void addModule(const std::string& name, ConfigNode body, const SourceLocation& where,
                 const SourceLocation& key_location, const std::string& key);
  void addConnections(const ConfigNode* connections, const ExpressionScope& scope,
                      const Names* names, const std::string& key);
  void resolveExports();
  void defineVars(const ConfigNode& vars, ExpressionScope& scope, const std::string& key);
  void count(const SourceLocation& where, const std::string& key);

  ConfigNode modules_;
  ConfigNode connections_;
  std::map<std::string, std::string> exports_;  // "c3.mesh" -> "c3_sram.in[3]"
  std::size_t items_ = 0;
};

void Expander::count(const SourceLocation& where, const std::string& key) {
  if (++items_ > kMaxExpandedItems) {
    throw ConfigError(where, key,
                      "the configuration expands to more than " +
                          std::to_string(kMaxExpandedItems) + " nodes (a range too large?)");
  }
}

void Expander::forEachCopy(const ConfigNode& for_node, const ExpressionScope& scope,
                           const std::string& key, const std::function<void(const Copy&)>& body) {
  const std::vector<Loop> loops = parseLoops(for_node, key);
  std::function<void(std::size_t, const ExpressionScope&, const std::string&, const std::string&)>
      level = [&](std::size_t depth, const ExpressionScope& outer, const std::string& suffix,
                  const std::string& label) {
        if (depth == loops.size()) {
          try {
            body(Copy{outer, suffix, label});
          } catch (const ConfigError& error) {
            // Name the failing copy once, at the innermost loop that knows all indices.
            if (error.message().find(" (in copy ") != std::string::npos)
              throw;
            throw ConfigError(error.location(), error.key(),
                              error.message() + " (in copy " + label + " of " + key + ")");
          }
          return;
        }
        const Loop& loop = loops[depth];
        const std::int64_t from =
            evaluateInteger(unwrap(loop.from), outer, for_node.location(), key);
        const std::int64_t to = evaluateInteger(unwrap(loop.to), outer, for_node.location(), key);
        if (to - from > static_cast<std::int64_t>(kMaxExpandedItems)) {
          throw ConfigError(
              for_node.location(), key,
              "range " + std::to_string(from) + ".." + std::to_string(to) + " is too large");
        }
        for (std::int64_t i = from; i < to; ++i) {
          ExpressionScope inner(&outer);
          inner.setInteger(loop.variable, i);
          const std::string index = std::to_string(i);
          level(depth + 1, inner, suffix.empty() ? index : suffix + "_" + index,
                (label.empty() ? "" : label + ", ") + loop.variable + "=" + index);
        }
      };
  level(0, scope, "", "");
}

ConfigNode Expander::substitute(const ConfigNode& node, const ExpressionScope& scope,
                                const std::string& key) {
  count(node.location(), key);
  if (node.isScalar())
    return interpolateScalar(node, scope, key);
  if (node.isMap()) {
    ConfigNode out = ConfigNode::map(node.location());
    out.setPresetFile(node.presetFile());
    for (const auto& entry : node.entries()) {
      if (entry.key == "for") {
        throw ConfigError(entry.key_location, key + ".for",
                          "'for' belongs to a list item {for, each} or to a module under "
                          "modules:");
      }
      out.set(entry.key, substitute(entry.value, scope, key + "." + entry.key), entry.key_location);
    }
    return out;
  }
  if (!node.isSequence())
    return node;
  ConfigNode out = ConfigNode::sequence(node.location());
  for (std::size_t i = 0; i < node.items().size(); ++i) {
    const ConfigNode& item = node.items()[i];
    const std::string item_key = key + "[" + std::to_string(i) + "]";
    if (!(item.isMap() && item.find("for"))) {
      ConfigNode value = substitute(item, scope, item_key);
      if (item.isScalar() && value.isSequence()) {  // "${list}" as an item: its elements
        for (auto& element : value.items())
          out.append(std::move(element));
      } else {
        out.append(std::move(value));
      }
      continue;
    }
    checkKeys(item, {"for", "each"}, item_key, "a repeated list item");
    const ConfigNode* each = item.find("each");
    if (!each)
      throw ConfigError(item.location(), item_key + ".each", "missing: the item to repeat");
    forEachCopy(*item.find("for"), scope, item_key + ".for", [&](const Copy& copy) {
      ConfigNode value = substitute(*each, copy.scope, item_key + ".each");
      if (value.isSequence()) {
        for (auto& element : value.items()) {
          count(element.location(), item_key);
          out.append(std::move(element));
        }
      } else {
        count(value.location(), item_key);
        out.append(std::move(value));
      }
    });
  }
  return out;
}

std::string Expander::memberName(const std::string& member, const ExpressionScope& scope,
                                 const std::string& prefix, const ConfigNode* name_template,
                                 const std::string& key) {
  if (!name_template)
    return prefix + member;
  ExpressionScope inner(&scope);
  inner.set("member", ConfigNode::scalar(member, name_template->location()));
  const ConfigNode name = substitute(*name_template, inner, key + ".name");
  if (!name.isScalar())
    throw ConfigError(name_template->location(), key + ".name", "expected a name template");
  return name.scalarValue();
}

void Expander::addModule(const std::string& name, ConfigNode body, const SourceLocation& where,
                         const SourceLocation& key_location, const std::string& key) {
  if (!isExpressionName(name)) {
    throw ConfigError(where, key,
                      "instance name '" + name + "' is not an identifier (letters, digits, '_')");
  }
  if (modules_.find(name)) {
    throw ConfigError(where, key,
                      "instance name '" + name +
                          "' is produced twice; give the copies "
                          "distinct names");
  }
  count(where, key);
  modules_.set(name, std::move(body), key_location);
}

void Expander::expandModules(const ConfigNode& modules, const ExpressionScope& scope,
                             const std::string& prefix, const ConfigNode* name_template,
                             Names& names, const std::string& key) {
  if (!modules.isMap()) {
    throw ConfigError(
        modules.location(), key,
        "expected a map of instance name -> {type, params}, found " + modules.kindName());
  }
  for (const auto& entry : modules.entries()) {
    const std::string entry_key = key + "." + entry.key;
    const ConfigNode& body = entry.value;
    const std::string base = memberName(entry.key, scope, prefix, name_template, entry_key);
    const bool group = body.isMap() && body.find("modules");
    const ConfigNode* for_node = body.isMap() ? body.find("for") : nullptr;
    if (group) {
      checkKeys(body, {"for", "name", "vars", "modules", "connections", "ports"}, entry_key,
                "a group");
      if (!for_node) {
        expandGroup(entry.key, body, Copy{scope, "", ""}, base, names, entry_key);
        continue;
      }
      forEachCopy(*for_node, scope, entry_key + ".for", [&](const Copy& copy) {
        expandGroup(entry.key + copy.suffix, body, copy, base + copy.suffix, names, entry_key);
      });
      continue;
    }
    if (!for_node) {
      if (body.isMap() && body.find("name")) {
        throw ConfigError(body.findEntry("name")->key_location, entry_key + ".name",
                          "'name' names the copies of a module with 'for'");
      }
      names.members[entry.key] = base;
      addModule(base, body.isMap() ? substitute(body, scope, entry_key) : body, body.location(),
                entry.key_location, entry_key);
      continue;
    }
    checkKeys(body, {"for", "name", "type", "params"}, entry_key, "a repeated module");
    const ConfigNode* name_node = body.find("name");
    forEachCopy(*for_node, scope, entry_key + ".for", [&](const Copy& copy) {
      std::string name = base + copy.suffix;
      if (name_node) {
        const ConfigNode named = substitute(*name_node, copy.scope, entry_key + ".name");
        if (!named.isScalar())
          throw ConfigError(name_node->location(), entry_key + ".name", "expected a name");
        name = memberName(named.scalarValue(), copy.scope, prefix, name_template, entry_key);
      }
      ConfigNode instance = ConfigNode::map(body.location());
      for (const auto& field : body.entries()) {
        if (field.key == "type" || field.key == "params") {
          instance.set(field.key, substitute(field.value, copy.scope, entry_key + "." + field.key),
                       field.key_location);
        }
      }
      names.members[entry.key + copy.suffix] = name;
      addModule(name, std::move(instance), body.location(), entry.key_location, entry_key);
    });
  }
}

void Expander::expandGroup(const std::string& member, const ConfigNode& body, const Copy& copy,
                           const std::string& base, Names& names, const std::string& key) {
  names.members[member] = base;
  Names inner;
  inner.outer = &names;
  ExpressionScope scope(&copy.scope);
  if (const ConfigNode* vars = body.find("vars"))
    defineVars(*vars, scope, key + ".vars");
  const ConfigNode* name_template = body.find("name");
  expandModules(*body.find("modules"), scope, base + "_", name_template, inner, key + ".modules");
  addConnections(body.find("connections"), scope, &inner, key + ".connections");
  const ConfigNode* ports = body.find("ports");
  if (!ports)
    return;
  if (!ports->isMap()) {
    throw ConfigError(ports->location(), key + ".ports",
                      "expected a map of exported port -> MEMBER.PORT, found " + ports->kindName());
  }
  for (const auto& port : ports->entries()) {
    const std::string port_key = key + ".ports." + port.key;
    const ConfigNode target = substitute(port.value, scope, port_key);
    if (!target.isScalar() || target.scalarValue().find('.') == std::string::npos) {
      throw ConfigError(port.value.location(), port_key, "expected MEMBER.PORT[INDEX]");
    }
    const std::string& text = target.scalarValue();
    const std::string module = text.substr(0, text.find('.'));
    const std::string* resolved = inner.members.count(module) ? &inner.members.at(module) : nullptr;
    if (!resolved) {
      throw ConfigError(port.value.location(), port_key,
                        "'" + module + "' is not a member of this group");
    }
    exports_[base + "." + port.key] = *resolved + text.substr(text.find('.'));
  }
}

void Expander::addConnections(const ConfigNode* connections, const ExpressionScope& scope,
                              const Names* names, const std::string& key) {
  if (!connections || connections->isNull())
    return;
  if (!connections->isSequence()) {
    throw ConfigError(connections->location(), key,
                      "expected a list of {from, to} maps, found " + connections->kindName());
  }
  ConfigNode expanded = substitute(*connections, scope, key);
  for (auto& item : expanded.items()) {
    if (names && item.isMap()) {
      for (auto& field : item.entries()) {
        if ((field.key != "from" && field.key != "to") || !field.value.isScalar())
          continue;
        const std::string& text = field.value.scalarValue();
        const auto dot = text.find('.');
        if (dot == std::string::npos)
          continue;
        if (const std::string* name = names->lookup(text.substr(0, dot))) {
          field.value = ConfigNode::scalar(*name + text.substr(dot), field.value.location());
        }
      }
    }
    count(item.location(), key);
    connections_.append(std::move(item));
  }
}

// "c3.mesh" (or "c3.jobs[2]" of an exported port list) -> the member port it exports.
void Expander::resolveExports() {
  if (exports_.empty())
    return;
  for (auto& item : connections_.items()) {
    if (!item.isMap())
      continue;
    for (auto& field : item.entries()) {
      if ((field.key != "from" && field.key != "to") || !field.value.isScalar())
        continue;
      std::string text = field.value.scalarValue();
      for (int depth = 0; depth < 16; ++depth) {
        const auto bracket = text.find('[');
        const std::string port = text.substr(0, bracket);
        const auto it = exports_.find(port);
        if (it == exports_.end())
          break;
        const std::string index = bracket == std::string::npos ? "" : text.substr(bracket);
        if (!index.empty() && it->second.find('[') != std::string::npos) {
          throw ConfigError(
              field.value.location(), "connections." + field.key,
              "'" + port + "' exports the single port " + it->second + "; it takes no index");
        }
        text = it->second + index;
      }
      field.value = ConfigNode::scalar(text, field.value.location());
    }
  }
}

void Expander::defineVars(const ConfigNode& vars, ExpressionScope& scope, const std::string& key) {
  if (!vars.isMap() && !vars.isNull()) {
    throw ConfigError(vars.location(), key,
                      "expected a map of name -> value, found " + vars.kindName());
  }
  for (const auto& entry : vars.entries()) {
    if (!isExpressionName(entry.key)) {
      throw ConfigError(entry.key_location, key + "." + entry.key,
                        "variable names are identifiers (letters, digits, '_')");
    }
    scope.set(entry.key, substitute(entry.value, scope, key + "." + entry.key));
  }
}

void Expander::expand(ConfigNode& root) {
  ExpressionScope scope;
  if (const ConfigNode* vars = root.find("vars"))
    defineVars(*vars, scope, "vars");
  modules_ = ConfigNode::map(root.location());
  connections_ = ConfigNode::sequence(root.location());
  Names names;
  const ConfigNode::Entry* modules = root.findEntry("modules");
  if (modules && !modules->value.isNull())
    expandModules(modules->value, scope, "", nullptr, names, "modules");
  const ConfigNode::Entry* connections = root.findEntry("connections");
  addConnections(connections ? &connections->value : nullptr, scope, nullptr, "connections");
  resolveExports();

  ConfigNode out = ConfigNode::map(root.location());
  for (const auto& entry : root.entries()) {
    if (entry.key == "vars")
      continue;
    if (entry.key == "modules")
      out.set("modules", modules_, entry.key_location);
    else if (entry.key == "connections")
      out.set("connections", connections_, entry.key_location);
    else
      out.set(entry.key, substitute(entry.value, scope, entry.key), entry.key_location);
  }
  if (!modules && !modules_.entries().empty())
    out.set("modules", modules_, root.location());
  if (!connections && !connections_.items().empty())
    out.set("connections", connections_, root.location());
  root = std::move(out);
}

bool containsFor(const ConfigNode& node) {
  if (node.isMap()) {
    for (const auto& entry : node.entries()) {
      if (entry.key == "for" || containsFor(entry.value))
        return true;
    }
  }
  if (node.isSequence()) {
    return std::any_of(node.items().begin(), node.items().end(),
                       [](const ConfigNode& item) { return containsFor(item); });
  }
  return false;
}

}  // namespace

bool usesCompactForm(const ConfigNode& root) {
  return root.find("vars") != nullptr || containsFor(root);
}

void expandCompactForm(ConfigNode& root) {
  if (!root.isMap())
    return;
  Expander().expand(root);
}

}  // namespace spatialvp
