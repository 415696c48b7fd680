#include "platform/output/stats_writer.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "platform/core/units.h"

namespace spatialvp {

namespace {

using Json = nlohmann::ordered_json;

Json quantity(double value, const char* unit) {
  return Json{{"value", value}, {"unit", unit}};
}

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos)
    return text;
  std::string quoted = "\"";
  for (char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

std::string humanValue(double value, const std::string& unit) {
  if (unit == "B/s")
    return formatQuantity(value, dims::bandwidth());
  if (unit == "s")
    return formatQuantity(value, dims::time());
  if (unit == "B")
    return formatQuantity(value, dims::data());
  if (unit == "J")
    return formatQuantity(value, dims::energy());
  if (unit == "W")
    return formatQuantity(value, dims::power());
  if (unit == "op/s")
    return formatQuantity(value, dims::computeRate());
  return number(value) + (unit.empty() ? "" : " " + unit);
}

}  // namespace

std::string statsJson(const RunReport& report) {
  Json modules = Json::object();
  for (const auto& module : report.modules) {
    Json counters = Json::object();
    for (const auto& value : module.stats.values()) {
      Json entry{{"value", value.value}, {"unit", value.unit}, {"description", value.description}};
      if (value.integral)
        entry["value"] = static_cast<std::uint64_t>(value.value);
      counters[value.name] = entry;
    }
    Json histograms = Json::object();
    for (const auto& item : module.stats.histograms()) {
      const Histogram& h = item.histogram;
      histograms[item.name] = {{"unit", item.unit},
                               {"description", item.description},
                               {"bin_width", h.binWidth()},
                               {"counts", h.counts()},
                               {"samples", h.samples()},
                               {"mean", h.mean()},
                               {"min", h.min()},
                               {"max", h.max()}};
    }
    Json actions = Json::object();
    for (const auto& item : module.energy_items) {
      actions[item.action] = {{"count", item.count},
                              {"energy_per_action", quantity(item.energy_per_action, "J")},
                              {"energy", quantity(item.energy, "J")}};
    }
    modules[module.name] = {
        {"type", module.type},
        {"counters", counters},
        {"histograms", histograms},
        {"energy",
         {{"dynamic", quantity(module.dynamic_energy, "J")},
          {"static", quantity(module.static_energy, "J")},
          {"static_power", quantity(module.static_power, "W")},
          {"total", quantity(module.dynamic_energy + module.static_energy, "J")},
          {"actions", actions}}},
        {"area", quantity(module.area * 1e6, "mm^2")}};
  }
  Json headline = Json::object();
  for (const auto& module : report.modules) {
    for (const auto& value : module.stats.headlines()) {
      headline[module.name + "." + value.name] = {{"value", value.value}, {"unit", value.unit}};
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
        {"message", report.message},
        {"simulated_time", quantity(report.simulated_seconds, "s")},
        {"transactions", report.transactions}}},
      {"totals",
       {{"energy", quantity(energy, "J")},
        {"dynamic_energy", quantity(report.dynamicEnergy(), "J")},
        {"static_energy", quantity(report.staticEnergy(), "J")},
        {"average_power",
         quantity(report.simulated_seconds > 0 ? energy / report.simulated_seconds : 0.0, "W")},
        {"area", quantity(report.area() * 1e6, "mm^2")}}},
      {"headline", headline},
      {"modules", modules},
      // Wall-clock fields live only here, so runs can be compared byte for byte without it.
      {"performance",
       {{"wall_time", quantity(report.wall_seconds, "s")},
        {"transactions_per_second",
         report.wall_seconds > 0 ? static_cast<double>(report.transactions) / report.wall_seconds
                                 : 0.0},
        {"simulated_seconds_per_wall_second",
         report.wall_seconds > 0 ? report.simulated_seconds / report.wall_seconds : 0.0}}}};
  return document.dump(2) + "\n";
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
      columns.emplace_back(module.name + "." + value.name + (unit.empty() ? "" : "_" + unit),
                           number(value.value));
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
  out << "  " << report.endName() << " at "
      << formatQuantity(report.simulated_seconds, dims::time()) << " simulated\n";
  if (!report.message.empty())
    out << "  " << report.message << "\n";
  for (const auto& module : report.modules) {
    for (const auto& value : module.stats.headlines()) {
      out << "  " << module.name << "." << value.name << ": " << humanValue(value.value, value.unit)
          << "\n";
    }
  }
  const double energy = report.dynamicEnergy() + report.staticEnergy();
  out << "  energy " << formatQuantity(energy, dims::energy()) << " (dynamic "
      << formatQuantity(report.dynamicEnergy(), dims::energy()) << ", static "
      << formatQuantity(report.staticEnergy(), dims::energy()) << "), area "
      << number(report.area() * 1e6) << " mm^2\n";
  char speed[160];
  std::snprintf(speed, sizeof(speed), "  simulator: %.3f s wall, %.2f M transactions/s\n",
                report.wall_seconds,
                report.wall_seconds > 0
                    ? static_cast<double>(report.transactions) / report.wall_seconds / 1e6
                    : 0.0);
  out << speed;
}

}  // namespace spatialvp
