#pragma once
// Writes a RunReport: stats.json (versioned schema), stats.csv (one header line and one row of
// headline figures, for sweeps), one CSV per stats table and one .npy per stats array, and the
// short human summary.
#include <ostream>
#include <string>

#include "platform/sim/run_report.h"

namespace spatialvp {

constexpr const char* kStatsSchema = "spatialvp.stats/1";

std::string statsJson(const RunReport& report);
std::string statsCsv(const RunReport& report);
// The file a module's table or array is written to, inside the output folder.
std::string tableFileName(const std::string& module, const StatTable& table);
std::string arrayFileName(const std::string& module, const StatArray& array);
std::string tableCsv(const StatTable& table);
// Engineering notation with three significant figures: 1.23 ms, 45.6 GB/s, 7.89 M tokens/s.
std::string engineering(double value, const std::string& unit);
void printSummary(const RunReport& report, std::ostream& out);

}  // namespace spatialvp
