#pragma once
// Writes a RunReport: stats.json (versioned schema), stats.csv (one header line and one row of
// headline figures, for sweeps) and the short human summary.
#include <ostream>
#include <string>

#include "platform/sim/run_report.h"

namespace spatialvp {

constexpr const char* kStatsSchema = "spatialvp.stats/1";

std::string statsJson(const RunReport& report);
std::string statsCsv(const RunReport& report);
void printSummary(const RunReport& report, std::ostream& out);

}  // namespace spatialvp
