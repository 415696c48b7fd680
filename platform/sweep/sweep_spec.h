#pragma once
// What a sweep is: a base platform config, overrides shared by every point, and the points
// themselves, built from cartesian grid axes, zipped lists and explicit points over any `--set`
// path. Read from a sweep file (YAML, located errors, unknown keys rejected) and/or CLI flags.
// SystemC-free.
#include <cstddef>
#include <string>
#include <vector>

#include "platform/core/config_error.h"

namespace spatialvp::sweep {

// One `--set PATH=VALUE`, with where it was written (for errors).
struct Assignment {
  std::string path;
  std::string value;  // YAML text as `--set` takes it: "1024", "256 GB/s", "[1, 2]"
  SourceLocation location;

  std::string text() const { return path + "=" + value; }
};

// One dimension of the cartesian product: a grid axis has one path, a zip group several paths
// advanced together. values[i] holds one value per path.
struct Axis {
  std::vector<std::string> paths;
  std::vector<std::vector<Assignment>> values;
};

struct SlurmSettings {
  std::string partition;                  // empty: the cluster's default
  double time_limit_seconds = 3600.0;     // per array task
  double memory_bytes = 2.0 * (1 << 30);  // per array task
  int points_per_task = 10;
  std::vector<std::string> sbatch_args;  // passed through to every sbatch call
};

struct SweepSettings {
  std::string out = "sweep";
  int workers = 0;  // 0: one per core
  std::string backend = "local";
  SlurmSettings slurm;
};

struct SweepDefinition {
  std::string source;  // the sweep file, or "command line"
  std::string base;    // platform config as `spatialvp run` takes it; empty: the built-in job
  std::vector<Assignment> fixed;
  std::vector<Axis> axes;
  std::vector<std::vector<Assignment>> explicit_points;
  SweepSettings settings;
};

struct SweepPoint {
  std::size_t id = 0;
  std::vector<Assignment> assignments;  // swept values only, in parameter order
};

// Reads a sweep file. Relative `base` paths are taken relative to the file when they exist
// there. Throws ConfigError (file:line:col, key, expectation).
SweepDefinition loadSweepFile(const std::string& path);
SweepDefinition parseSweepText(const std::string& text, const std::string& source_name,
                               const std::string& directory);

// Command-line forms: "PATH=V1,V2,..." (one grid axis or one zip member) and
// "PATH=V;PATH=V" (one explicit point).
Axis gridAxisFromFlag(const std::string& flag, const std::string& option = "--grid");
void addZipFlag(Axis& zip, const std::string& flag);
std::vector<Assignment> pointFromFlag(const std::string& flag);
Assignment assignmentFromFlag(const std::string& flag, const std::string& option);

// Swept paths in column order: axes first (as written), then paths only explicit points name.
std::vector<std::string> sweptParameters(const SweepDefinition& definition);

// Most points a sweep may have (grid product plus explicit points).
constexpr std::size_t kMaxPoints = 1'000'000;
// How many points the definition expands to, without expanding it. Throws ConfigError past
// kMaxPoints.
std::size_t countPoints(const SweepDefinition& definition);

// The cartesian product of the axes (first axis slowest), then the explicit points; ids count
// from 0 in that order. Throws ConfigError when the definition names no point or more than
// kMaxPoints, a path is swept twice, a swept path is also fixed, or zipped lists differ in length.
std::vector<SweepPoint> expandPoints(const SweepDefinition& definition);

}  // namespace spatialvp::sweep
