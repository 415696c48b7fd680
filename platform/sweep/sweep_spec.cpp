#include "platform/sweep/sweep_spec.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "platform/core/config_node.h"
#include "platform/core/param_schema.h"
#include "platform/sweep/text_file.h"

namespace spatialvp::sweep {

namespace {

namespace fs = std::filesystem;

// Keys of a sweep file that hold points rather than settings.
const std::vector<std::string> kPointKeys = {"set", "grid", "zip", "points"};

const ParamSchema& settingsSchema() {
  static const ParamSchema schema = [] {
    ParamSchema s;
    s.string("base", "Platform config every point starts from (default: the built-in job)")
        .byDefault("");
    s.string("out", "Output folder of the sweep").byDefault("sweep");
    s.integer("workers", "Local worker processes; 0 = one per core").byDefault("0").atLeast(0);
    s.enumeration("backend", {"local", "slurm"}, "Where points run").byDefault("local");
    s.string("slurm.partition", "sbatch --partition (empty: the cluster default)").byDefault("");
    s.quantity("slurm.time", dims::time(), "Time limit of one array task (sbatch --time)")
        .byDefault("3600 s")
        .above(0);
    s.quantity("slurm.memory", dims::data(), "Memory of one array task (sbatch --mem)")
        .byDefault("2 GiB")
        .above(0);
    s.integer("slurm.points_per_task", "Points run one after another by one array task")
        .byDefault("10")
        .atLeast(1);
    s.stringList("slurm.sbatch_args", "Extra sbatch arguments, e.g. ['--account=abc']")
        .byDefault("[]");
    return s;
  }();
  return schema;
}

std::string quotedYaml(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

// A value as one line of YAML, the way `--set PATH=VALUE` parses it back.
std::string flowText(const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::kNull:
      return "null";
    case ConfigNode::Kind::kScalar:
      return node.quoted() ? quotedYaml(node.scalarValue()) : node.scalarValue();
    case ConfigNode::Kind::kSequence: {
      std::string text = "[";
      for (std::size_t i = 0; i < node.items().size(); ++i)
        text += (i ? ", " : "") + flowText(node.items()[i]);
      return text + "]";
    }
    case ConfigNode::Kind::kMap: {
      std::string text = "{";
      for (std::size_t i = 0; i < node.entries().size(); ++i)
        text += (i ? ", " : "") + node.entries()[i].key + ": " + flowText(node.entries()[i].value);
      return text + "}";
    }
  }
  return "";
}

void checkPath(const std::string& path, const SourceLocation& location) {
  if (path.empty() || path.front() == '.' || path.back() == '.' ||
      path.find("..") != std::string::npos || path.find_first_of(" =\t") != std::string::npos) {
    throw ConfigError(location, path,
                      "expected a `--set` key path such as 'ctrl.workload.seq_len' or "
                      "'modules.hbm.params.bandwidth'");
  }
}

const ConfigNode& requireKind(const ConfigNode& node, ConfigNode::Kind kind, const std::string& key,
                              const std::string& expected) {
  if (node.kind() != kind)
    throw ConfigError(node.location(), key, "expected " + expected + ", found " + node.kindName());
  return node;
}

std::vector<Assignment> parseAssignments(const ConfigNode& map, const std::string& key) {
  requireKind(map, ConfigNode::Kind::kMap, key, "a map of key path: value");
  std::vector<Assignment> assignments;
  for (const auto& entry : map.entries()) {
    checkPath(entry.key, entry.key_location);
    if (entry.value.isNull())
      throw ConfigError(entry.key_location, key + "." + entry.key, "expected a value");
    assignments.push_back({entry.key, flowText(entry.value), entry.value.location()});
  }
  return assignments;
}

// PATH: [V1, V2, ...] -> the values as assignments.
std::vector<Assignment> parseValueList(const ConfigNode::Entry& entry, const std::string& key) {
  checkPath(entry.key, entry.key_location);
  requireKind(entry.value, ConfigNode::Kind::kSequence, key + "." + entry.key,
              "a list of values, e.g. [1024, 4096] or [256 GB/s, 512 GB/s]");
  if (entry.value.items().empty())
    throw ConfigError(entry.value.location(), key + "." + entry.key, "expected at least one value");
  std::vector<Assignment> values;
  for (const auto& item : entry.value.items())
    values.push_back({entry.key, flowText(item), item.location()});
  return values;
}

Axis zipAxis(const ConfigNode& group, const std::string& key) {
  requireKind(group, ConfigNode::Kind::kMap, key, "a map of key path: [values] (zipped lists)");
  Axis axis;
  std::vector<std::vector<Assignment>> columns;
  for (const auto& entry : group.entries()) {
    columns.push_back(parseValueList(entry, key));
    axis.paths.push_back(entry.key);
    if (columns.back().size() != columns.front().size()) {
      throw ConfigError(
          entry.value.location(), key + "." + entry.key,
          "zipped lists must have the same length: " + std::to_string(columns.back().size()) +
              " values here, " + std::to_string(columns.front().size()) + " for '" +
              axis.paths.front() + "'");
    }
  }
  if (columns.empty())
    throw ConfigError(group.location(), key, "expected at least one zipped list");
  for (std::size_t i = 0; i < columns.front().size(); ++i) {
    std::vector<Assignment> tuple;
    for (const auto& column : columns)
      tuple.push_back(column[i]);
    axis.values.push_back(std::move(tuple));
  }
  return axis;
}

std::string readFile(const std::string& path) {
  if (!fs::is_regular_file(path))
    throw ConfigError({path, 0, 0}, "", "cannot read the sweep file");
  return readTextFile(path);
}

std::vector<std::string> splitOn(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos)
      return parts;
    start = at + 1;
  }
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos)
    return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

SweepDefinition parseSweepText(const std::string& text, const std::string& source_name,
                               const std::string& directory) {
  const ConfigNode root = ConfigNode::parseYaml(text, source_name);
  SweepDefinition definition;
  definition.source = source_name;
  if (!root.isMap()) {
    throw ConfigError(root.location(), "",
                      "a sweep file is a map with 'base' and 'grid', 'zip' or 'points'");
  }
  ConfigNode settings = ConfigNode::map(root.location());
  std::vector<std::string> known = kPointKeys;
  for (const auto& spec : settingsSchema().specs())
    known.push_back(spec.name.substr(0, spec.name.find('.')));
  for (const auto& entry : root.entries()) {
    const bool point_key =
        std::find(kPointKeys.begin(), kPointKeys.end(), entry.key) != kPointKeys.end();
    if (!point_key && std::find(known.begin(), known.end(), entry.key) == known.end()) {
      std::set<std::string> names(known.begin(), known.end());
      std::string list;
      for (const auto& name : names)
        list += (list.empty() ? "" : ", ") + name;
      throw ConfigError(entry.key_location, entry.key, "unknown key; expected one of: " + list);
    }
    if (!point_key) {
      settings.set(entry.key, entry.value, entry.key_location);
      continue;
    }
    if (entry.key == "set") {
      definition.fixed = parseAssignments(entry.value, "set");
    } else if (entry.key == "grid") {
      requireKind(entry.value, ConfigNode::Kind::kMap, "grid", "a map of key path: [values]");
      for (const auto& axis_entry : entry.value.entries()) {
        Axis axis;
        axis.paths.push_back(axis_entry.key);
        for (auto& value : parseValueList(axis_entry, "grid"))
          axis.values.push_back({std::move(value)});
        definition.axes.push_back(std::move(axis));
      }
    } else if (entry.key == "zip") {
      const ConfigNode& zips = entry.value;
      if (zips.isMap()) {
        definition.axes.push_back(zipAxis(zips, "zip"));
      } else {
        requireKind(zips, ConfigNode::Kind::kSequence, "zip",
                    "a map of zipped lists, or a list of such maps");
        for (std::size_t i = 0; i < zips.items().size(); ++i)
          definition.axes.push_back(zipAxis(zips.items()[i], "zip." + std::to_string(i)));
      }
    } else {
      requireKind(entry.value, ConfigNode::Kind::kSequence, "points",
                  "a list of points, each a map of key path: value");
      for (std::size_t i = 0; i < entry.value.items().size(); ++i) {
        definition.explicit_points.push_back(
            parseAssignments(entry.value.items()[i], "points." + std::to_string(i)));
      }
    }
  }
  const ParamValues values = settingsSchema().validate(settings, "", root.location());
  definition.base = values.string("base");
  if (!definition.base.empty() && !directory.empty() && fs::path(definition.base).is_relative() &&
      fs::exists(fs::path(directory) / definition.base)) {
    definition.base = (fs::path(directory) / definition.base).lexically_normal().string();
  }
  SweepSettings& s = definition.settings;
  s.out = values.string("out");
  if (!directory.empty() && fs::path(s.out).is_relative() && !values.isDefault("out"))
    s.out = (fs::path(directory) / s.out).lexically_normal().string();
  s.workers = static_cast<int>(values.integer("workers"));
  s.backend = values.string("backend");
  s.slurm.partition = values.string("slurm.partition");
  s.slurm.time_limit_seconds = values.quantity("slurm.time");
  s.slurm.memory_bytes = values.quantity("slurm.memory");
  s.slurm.points_per_task = static_cast<int>(values.integer("slurm.points_per_task"));
  s.slurm.sbatch_args = values.strings("slurm.sbatch_args");
  return definition;
}

SweepDefinition loadSweepFile(const std::string& path) {
  const fs::path file(path);
  return parseSweepText(readFile(path), path, file.parent_path().string());
}

Assignment assignmentFromFlag(const std::string& flag, const std::string& option) {
  const SourceLocation location{option + " " + flag, 0, 0};
  const auto equals = flag.find('=');
  if (equals == std::string::npos || equals == 0)
    throw ConfigError(location, "", "expected KEY.PATH=VALUE");
  const std::string path = trimmed(flag.substr(0, equals));
  checkPath(path, location);
  return {path, trimmed(flag.substr(equals + 1)), location};
}

Axis gridAxisFromFlag(const std::string& flag, const std::string& option) {
  const Assignment list = assignmentFromFlag(flag, option);
  Axis axis;
  axis.paths.push_back(list.path);
  for (const auto& value : splitOn(list.value, ',')) {
    if (trimmed(value).empty())
      throw ConfigError(list.location, list.path, "empty value in the comma-separated list");
    axis.values.push_back({{list.path, trimmed(value), list.location}});
  }
  return axis;
}

void addZipFlag(Axis& zip, const std::string& flag) {
  const Axis column = gridAxisFromFlag(flag, "--zip");
  if (!zip.paths.empty() && column.values.size() != zip.values.size()) {
    throw ConfigError(column.values.front().front().location, column.paths.front(),
                      "zipped lists must have the same length: " +
                          std::to_string(column.values.size()) + " values here, " +
                          std::to_string(zip.values.size()) + " for '" + zip.paths.front() + "'");
  }
  zip.paths.push_back(column.paths.front());
  if (zip.values.empty())
    zip.values.resize(column.values.size());
  for (std::size_t i = 0; i < column.values.size(); ++i)
    zip.values[i].push_back(column.values[i].front());
}

std::vector<Assignment> pointFromFlag(const std::string& flag) {
  std::vector<Assignment> point;
  for (const auto& part : splitOn(flag, ';')) {
    if (!trimmed(part).empty())
      point.push_back(assignmentFromFlag(trimmed(part), "--point"));
  }
  if (point.empty())
    throw ConfigError({"--point " + flag, 0, 0}, "", "expected PATH=VALUE;PATH=VALUE...");
  return point;
}

std::vector<std::string> sweptParameters(const SweepDefinition& definition) {
  std::vector<std::string> paths;
  auto add = [&](const std::string& path) {
    if (std::find(paths.begin(), paths.end(), path) == paths.end())
      paths.push_back(path);
  };
  for (const auto& axis : definition.axes) {
    for (const auto& path : axis.paths)
      add(path);
  }
  for (const auto& point : definition.explicit_points) {
    for (const auto& assignment : point)
      add(assignment.path);
  }
  return paths;
}

std::size_t countPoints(const SweepDefinition& definition) {
  // A few aliased lists multiply past any sweep that could run; expanding them would take
  // gigabytes before the first point starts. The error points at the axis that crosses.
  auto tooMany = [](const SourceLocation& where, const std::string& key) {
    return ConfigError(where, key,
                       "the sweep has more than " + std::to_string(kMaxPoints) +
                           " points; expected a smaller grid (or several sweeps)");
  };
  std::size_t total = definition.axes.empty() ? 0 : 1;
  for (const auto& axis : definition.axes) {
    total *= axis.values.size();
    if (total > kMaxPoints)
      throw tooMany(axis.values.front().front().location, axis.paths.front());
  }
  total += definition.explicit_points.size();
  if (total > kMaxPoints)
    throw tooMany({definition.source, 0, 0}, "points");
  return total;
}

std::vector<SweepPoint> expandPoints(const SweepDefinition& definition) {
  const SourceLocation where{definition.source, 0, 0};
  std::set<std::string> fixed;
  for (const auto& assignment : definition.fixed)
    fixed.insert(assignment.path);
  std::set<std::string> axis_paths;
  for (const auto& axis : definition.axes) {
    for (std::size_t i = 0; i < axis.paths.size(); ++i) {
      const Assignment& first = axis.values.front()[i];
      if (!axis_paths.insert(axis.paths[i]).second)
        throw ConfigError(first.location, axis.paths[i], "swept twice (grid or zip)");
      if (fixed.count(axis.paths[i]))
        throw ConfigError(first.location, axis.paths[i], "swept and also fixed under 'set'");
    }
  }
  for (const auto& point : definition.explicit_points) {
    std::set<std::string> seen;
    for (const auto& assignment : point) {
      if (!seen.insert(assignment.path).second)
        throw ConfigError(assignment.location, assignment.path, "set twice in one point");
      if (fixed.count(assignment.path))
        throw ConfigError(assignment.location, assignment.path, "swept and also fixed under 'set'");
    }
  }
  if (definition.axes.empty() && definition.explicit_points.empty())
    throw ConfigError(where, "", "the sweep names no points: give 'grid', 'zip' or 'points'");

  const std::vector<std::string> order = sweptParameters(definition);
  auto sorted = [&](std::vector<Assignment> assignments) {
    std::stable_sort(assignments.begin(), assignments.end(),
                     [&](const Assignment& a, const Assignment& b) {
                       return std::find(order.begin(), order.end(), a.path) <
                              std::find(order.begin(), order.end(), b.path);
                     });
    return assignments;
  };

  std::vector<SweepPoint> points;
  if (!definition.axes.empty()) {
    const std::size_t total = countPoints(definition) - definition.explicit_points.size();
    points.reserve(total + definition.explicit_points.size());
    for (std::size_t index = 0; index < total; ++index) {
      std::vector<Assignment> assignments;
      std::size_t rest = index;
      std::vector<std::size_t> digits(definition.axes.size());
      for (std::size_t a = definition.axes.size(); a-- > 0;) {
        digits[a] = rest % definition.axes[a].values.size();
        rest /= definition.axes[a].values.size();
      }
      for (std::size_t a = 0; a < definition.axes.size(); ++a) {
        for (const auto& assignment : definition.axes[a].values[digits[a]])
          assignments.push_back(assignment);
      }
      points.push_back({points.size(), sorted(std::move(assignments))});
    }
  }
  for (const auto& point : definition.explicit_points)
    points.push_back({points.size(), sorted(point)});
  return points;
}

}  // namespace spatialvp::sweep
