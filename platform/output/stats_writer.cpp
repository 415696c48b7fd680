#include "platform/output/stats_writer.h"

#include "platform/output/csv_field.h"

#include <cmath>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

namespace spatialvp {

namespace {

using Json = nlohmann::ordered_json;

// A JSON object built key by key in order. An ordered object's operator[] searches its keys one
// by one, so a module with 10^5 counters (a 128 x 128 mesh's links) took minutes to write; this
// finds a key through a hash index and appends. A repeated key keeps its first place and takes the
// later value, as operator[] does.
class OrderedObject {
 public:
  void set(const std::string& key, Json value) {
    const auto [found, inserted] = index_.try_emplace(key, items_.size());
    if (inserted)
      items_.emplace_back(key, std::move(value));
    else
      items_[found->second].second = std::move(value);
  }
  Json take() {
    Json object = Json::object();
    auto& entries = static_cast<Json::object_t::Container&>(object.get_ref<Json::object_t&>());
    entries.reserve(items_.size());
    for (auto& [key, value] : items_)
      entries.emplace_back(key, std::move(value));
    items_.clear();
    index_.clear();
    return object;
  }

 private:
  std::vector<std::pair<std::string, Json>> items_;
  std::unordered_map<std::string, std::size_t> index_;
};

Json quantity(double value, const char* unit) {
  return Json{{"value", value}, {"unit", unit}};
}

std::string number(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

std::string cellText(const StatCell& cell) {
  if (const auto* integer = std::get_if<std::int64_t>(&cell))
    return std::to_string(*integer);
  if (const auto* real = std::get_if<double>(&cell))
    return number(*real);
  return csvField(std::get<std::string>(cell));
}

Json cellJson(const StatCell& cell) {
  if (const auto* integer = std::get_if<std::int64_t>(&cell))
    return *integer;
  if (const auto* real = std::get_if<double>(&cell))
    return *real;
  return std::get<std::string>(cell);
}

// Table rows go into stats.json one row per line (an indented dump would give one line per
// cell): the dump holds a placeholder per table that is replaced by the compact rows.
std::string placeholder(std::size_t index) {
  return "@spatialvp-table-rows-" + std::to_string(index) + "@";
}

std::string compactRows(const StatTable& table) {
  if (table.rows().empty())
    return "[]";
  std::string text = "[";
  for (std::size_t r = 0; r < table.rows().size(); ++r) {
    Json row = Json::array();
    for (const StatCell& cell : table.rows()[r])
      row.push_back(cellJson(cell));
    text += (r ? ",\n          " : "\n          ") + row.dump();
  }
  return text + "\n        ]";
}

std::string fileSafe(const std::string& name) {
  std::string safe = name;
  for (char& c : safe) {
    if (c == '/' || c == '\\')
      c = '_';
  }
  return safe;
}

// A headline figure of a faulted run beside the same figure of its fault-free twin.
struct FaultCost {
  std::string name;  // "<module>.<headline>"
  std::string unit;
  double value = 0.0;
  double fault_free = 0.0;
  bool rate = false;  // a throughput (unit per second): what the faults cost is "lost"
};

std::vector<FaultCost> faultCosts(const RunReport& report) {
  std::vector<FaultCost> costs;
  if (!report.complete() || !report.fault_reference)
    return costs;
  for (const auto& module : report.modules) {
    for (const auto& value : module.stats.headlines()) {
      const std::string name = module.name + "." + value.name;
      for (const ReferenceFigure& figure : report.fault_reference->headline) {
        if (figure.name != name || figure.unit != value.unit)
          continue;
        const bool rate =
            value.unit.size() > 2 && value.unit.compare(value.unit.size() - 2, 2, "/s") == 0;
        costs.push_back({name, value.unit, value.value, figure.value, rate});
      }
    }
  }
  return costs;
}

double relative(double value, double reference) {
  return reference != 0.0 ? value / reference - 1.0 : 0.0;
}

// "<type> <action>" -> the modules that did that work with no energy per action set (names in
// platform order), e.g. "memory read_byte": [hbm0, hbm1, ...].
Json unpricedWork(const RunReport& report) {
  Json work = Json::object();
  for (const auto& module : report.modules) {
    for (const std::string& action : module.unpricedActions())
      work[module.type + " " + action].push_back(module.name);
  }
  return work;
}

}  // namespace

std::string tableFileName(const std::string& module, const StatTable& table) {
  return fileSafe(module + "." + table.name()) + ".csv";
}

std::string arrayFileName(const std::string& module, const StatArray& array) {
  return fileSafe(module + "." + array.name) + ".npy";
}

std::string tableCsv(const StatTable& table) {
  std::string text;
  for (std::size_t c = 0; c < table.columns().size(); ++c)
    text += (c ? "," : "") + csvField(table.columns()[c].name);
  text += "\n";
  for (const auto& row : table.rows()) {
    for (std::size_t c = 0; c < row.size(); ++c)
      text += (c ? "," : "") + cellText(row[c]);
    text += "\n";
  }
  return text;
}

std::string engineering(double value, const std::string& unit) {
  static const std::pair<double, const char*> kPrefixes[] = {
      {1e18, "E"}, {1e15, "P"}, {1e12, "T"}, {1e9, "G"},  {1e6, "M"},   {1e3, "k"},
      {1.0, ""},   {1e-3, "m"}, {1e-6, "u"}, {1e-9, "n"}, {1e-12, "p"}, {1e-15, "f"}};
  // A time already in a prefixed unit goes back to seconds first (2400 ns prints as 2.4 us, not
  // 2.4 kns).
  static const std::pair<const char*, double> kPrefixedTimes[] = {
      {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}};
  for (const auto& [prefixed, scale] : kPrefixedTimes) {
    if (unit == prefixed)
      return engineering(value * scale, "s");
  }
  char buffer[64];
  // Dimensionless figures (ratios: x, ratio), areas and percentages keep their scale.
  const bool prefixable = !unit.empty() && unit.find('^') == std::string::npos && unit != "%" &&
                          unit != "x" && unit != "ratio";
  if (!prefixable || value == 0.0 || !std::isfinite(value)) {
    std::snprintf(buffer, sizeof(buffer), "%.3g", value);
    return unit.empty() ? buffer : std::string(buffer) + " " + unit;
  }
  // Symbols (s, B/s, op/s) take the prefix directly; words (tokens/s) after a space.
  const std::string head = unit.substr(0, unit.find('/'));
  const std::string joiner = head.size() <= 2 ? "" : " ";
  const double magnitude = std::fabs(value);
  std::size_t i = 0;
  while (i + 1 < std::size(kPrefixes) && magnitude < kPrefixes[i].first * 0.9995)
    ++i;
  // 999.96 ms rounds to 1000 ms at three figures: step up to 1 s.
  if (i > 0 && magnitude / kPrefixes[i].first >= 999.5)
    --i;
  std::snprintf(buffer, sizeof(buffer), "%.3g", value / kPrefixes[i].first);
  const std::string prefix = kPrefixes[i].second;
  return std::string(buffer) + " " + (prefix.empty() ? "" : prefix + joiner) + unit;
}

std::string statsJson(const RunReport& report) {
  std::vector<const StatTable*> placed_tables;
  OrderedObject modules;
  for (const auto& module : report.modules) {
    OrderedObject counters;
    for (const auto& value : module.stats.values()) {
      Json entry{{"value", value.value}, {"unit", value.unit}, {"description", value.description}};
      if (value.integral)
        entry["value"] = static_cast<std::uint64_t>(value.value);
      counters.set(value.name, std::move(entry));
    }
    OrderedObject histograms;
    for (const auto& item : module.stats.histograms()) {
      const Histogram& h = item.histogram;
      histograms.set(item.name, {{"unit", item.unit},
                                 {"description", item.description},
                                 {"bin_width", h.binWidth()},
                                 {"counts", h.counts()},
                                 {"samples", h.samples()},
                                 {"mean", h.mean()},
                                 {"min", h.min()},
                                 {"max", h.max()}});
    }
    OrderedObject actions;
    for (const auto& item : module.energy_items) {
      actions.set(item.action, {{"count", item.count},
                                {"energy_per_action", quantity(item.energy_per_action, "J")},
                                {"energy", quantity(item.energy, "J")}});
    }
    Json entry = {{"type", module.type},
                  {"counters", counters.take()},
                  {"histograms", histograms.take()},
                  {"energy",
                   {{"dynamic", quantity(module.dynamic_energy, "J")},
                    {"static", quantity(module.static_energy, "J")},
                    {"static_power", quantity(module.static_power, "W")},
                    {"total", quantity(module.dynamic_energy + module.static_energy, "J")},
                    {"actions", actions.take()}}},
                  {"area", quantity(module.area * 1e6, "mm^2")}};
    if (const auto unpriced = module.unpricedActions(); !unpriced.empty())
      entry["energy"]["unpriced_actions"] = unpriced;
    if (!module.stats.coverageNotes().empty())
      entry["coverage_notes"] = module.stats.coverageNotes();
    if (!module.stats.tables().empty()) {
      Json tables = Json::object();
      for (const StatTable& table : module.stats.tables()) {
        Json columns = Json::array();
        for (const StatColumn& column : table.columns())
          columns.push_back({{"name", column.name}, {"unit", column.unit}});
        tables[table.name()] = {{"description", table.description()},
                                {"file", tableFileName(module.name, table)},
                                {"columns", columns},
                                {"rows", placeholder(placed_tables.size())}};
        placed_tables.push_back(&table);
      }
      entry["tables"] = tables;
    }
    if (!module.stats.arrays().empty()) {
      Json arrays = Json::object();
      for (const StatArray& array : module.stats.arrays()) {
        arrays[array.name] = {{"description", array.description},
                              {"file", arrayFileName(module.name, array)},
                              {"shape", array.shape},
                              {"dtype", "float64"}};
      }
      entry["arrays"] = arrays;
    }
    modules.set(module.name, std::move(entry));
  }
  // A run that did not complete has no headline figures: partial work must not look valid.
  OrderedObject headline;
  for (const auto& module : report.complete() ? report.modules : std::vector<ModuleReport>{}) {
    for (const auto& value : module.stats.headlines()) {
      headline.set(module.name + "." + value.name, {{"value", value.value}, {"unit", value.unit}});
    }
  }
  const double energy = report.dynamicEnergy() + report.staticEnergy();
  Json document{
      {"schema", kStatsSchema},
      {"tool", {{"name", "spatialvp"}, {"version", SPATIALVP_VERSION}}},
      {"platform",
       {{"name", report.platform_name}, {"config", report.config_source}, {"seed", report.seed}}},
      {"run",
       {{"end", report.endName()},
        {"complete", report.complete()},
        {"message", report.message},
        {"simulated_time", quantity(report.simulated_seconds, "s")},
        {"transactions", report.transactions}}},
      {"totals",
       {{"energy", quantity(energy, "J")},
        {"dynamic_energy", quantity(report.dynamicEnergy(), "J")},
        {"static_energy", quantity(report.staticEnergy(), "J")},
        {"average_power",
         quantity(report.simulated_seconds > 0 ? energy / report.simulated_seconds : 0.0, "W")},
        {"area", quantity(report.area() * 1e6, "mm^2")},
        {"energy_leaves_out", unpricedWork(report)}}},
      {"headline", headline.take()},
      {"modules", modules.take()},
      // Wall-clock fields live only here, so runs can be compared byte for byte without it.
      {"performance",
       {{"wall_time", quantity(report.wall_seconds, "s")},
        {"transactions_per_second",
         report.wall_seconds > 0 ? static_cast<double>(report.transactions) / report.wall_seconds
                                 : 0.0},
        {"simulated_seconds_per_wall_second",
         report.wall_seconds > 0 ? report.simulated_seconds / report.wall_seconds : 0.0}}}};
  if (const std::vector<FaultCost> costs = faultCosts(report); !costs.empty()) {
    // The faulted run against its fault-free twin (spatialvp run --fault-reference).
    Json figures = Json::object();
    for (const FaultCost& cost : costs) {
      Json figure{{"value", cost.value},
                  {"fault_free", cost.fault_free},
                  {"unit", cost.unit},
                  {"change", relative(cost.value, cost.fault_free)}};
      if (cost.rate) {
        figure["lost"] = cost.fault_free - cost.value;
        figure["lost_fraction"] = -relative(cost.value, cost.fault_free);
      }
      figures[cost.name] = figure;
    }
    document["fault_reference"] = {{"folder", report.fault_reference->folder},
                                   {"overrides", report.fault_reference->overrides},
                                   {"figures", figures}};
  }
  std::string text = document.dump(2) + "\n";
  for (std::size_t i = 0; i < placed_tables.size(); ++i) {
    const std::string key = "\"" + placeholder(i) + "\"";
    text.replace(text.find(key), key.size(), compactRows(*placed_tables[i]));
  }
  return text;
}

std::string statsCsv(const RunReport& report) {
  std::vector<std::pair<std::string, std::string>> columns = {
      {"platform", csvField(report.platform_name)},
      {"config", csvField(report.config_source)},
      {"seed", std::to_string(report.seed)},
      {"end", report.endName()},
      {"simulated_time_s", number(report.simulated_seconds)},
      {"energy_J", number(report.dynamicEnergy() + report.staticEnergy())},
      {"area_mm2", number(report.area() * 1e6)},
      {"transactions", std::to_string(report.transactions)},
  };
  for (const auto& module : report.modules) {
    for (const auto& value : module.stats.headlines()) {
      std::string unit = value.unit;
      for (char& c : unit) {
        if (c == '/')
          c = 'p';
        if (c == '^')
          c = '_';
      }
      // Incomplete runs keep the columns (sweeps line up) but leave the figures empty.
      columns.emplace_back(module.name + "." + value.name + (unit.empty() ? "" : "_" + unit),
                           report.complete() ? number(value.value) : "");
    }
  }
  columns.emplace_back("wall_time_s", number(report.wall_seconds));
  std::string header;
  std::string row;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    header += (i ? "," : "") + csvField(columns[i].first);
    row += (i ? "," : "") + columns[i].second;
  }
  return header + "\n" + row + "\n";
}

void printSummary(const RunReport& report, std::ostream& out) {
  out << "spatialvp " << SPATIALVP_VERSION << ": platform '" << report.platform_name << "' ("
      << report.config_source << ", seed " << report.seed << ")\n";
  out << "  " << report.endName() << " at " << engineering(report.simulated_seconds, "s")
      << " simulated\n";
  if (!report.message.empty())
    out << "  " << report.message << "\n";
  if (report.complete()) {
    for (const auto& module : report.modules) {
      for (const auto& value : module.stats.headlines()) {
        out << "  " << module.name << "." << value.name << ": "
            << engineering(value.value, value.unit) << "\n";
      }
    }
  } else {
    out << "  no headline figures: the run did not complete (counters so far in stats.json)\n";
  }
  for (const FaultCost& cost : faultCosts(report)) {
    out << "  against the fault-free platform (" << report.fault_reference->folder
        << "/): " << cost.name << " " << engineering(cost.fault_free, cost.unit);
    char percent[32];
    if (cost.rate) {
      std::snprintf(percent, sizeof(percent), "%.1f%%",
                    -100.0 * relative(cost.value, cost.fault_free));
      out << ", lost to faults " << engineering(cost.fault_free - cost.value, cost.unit) << " ("
          << percent << ")\n";
    } else {
      std::snprintf(percent, sizeof(percent), "%+.1f%%",
                    100.0 * relative(cost.value, cost.fault_free));
      out << ", with faults " << percent << "\n";
    }
  }
  const double energy = report.dynamicEnergy() + report.staticEnergy();
  out << "  energy " << engineering(energy, "J") << " (dynamic "
      << engineering(report.dynamicEnergy(), "J") << ", static "
      << engineering(report.staticEnergy(), "J") << "), area "
      << engineering(report.area() * 1e6, "mm^2") << "\n";
  const Json unpriced = unpricedWork(report);
  for (const auto& [work, modules] : unpriced.items()) {
    const std::size_t count = modules.size();
    out << "  energy leaves out " << work << " of " << count << " module" << (count > 1 ? "s" : "")
        << " (" << modules.front().get<std::string>() << (count > 1 ? ", ..." : "")
        << "): no energy per action set\n";
  }
  for (const auto& module : report.modules) {
    for (const std::string& note : module.stats.coverageNotes())
      out << "  sampled (" << module.name << "): " << note << "\n";
  }
  out << "  simulator: " << engineering(report.wall_seconds, "s") << " wall";
  // Initiators count their transactions when they finish: a run stopped before (or one whose
  // modules count none) has no rate to show, rather than 0.
  if (report.transactions > 0 && report.wall_seconds > 0) {
    out << ", "
        << engineering(static_cast<double>(report.transactions) / report.wall_seconds,
                       "transactions/s");
  }
  out << "\n";
}

}  // namespace spatialvp
