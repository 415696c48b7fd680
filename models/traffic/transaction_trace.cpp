#include "models/traffic/transaction_trace.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "platform/core/config_error.h"
#include "platform/core/units.h"

namespace spatialvp::models {

namespace {

constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 26;  // 64 MiB, as traffic_generator

struct Field {
  std::string text;
  int column = 0;  // 1-based column of the field's first non-blank character
};

std::string trim(const std::string& text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return text.substr(begin, end - begin);
}

std::vector<Field> splitFields(const std::string& line) {
  std::vector<Field> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::string raw =
        line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t lead = 0;
    while (lead < raw.size() && std::isspace(static_cast<unsigned char>(raw[lead])))
      ++lead;
    fields.push_back({trim(raw), static_cast<int>(start + lead + 1)});
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return fields;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

}  // namespace

std::vector<TraceTransaction> parseTransactionTrace(const std::string& text,
                                                    const std::string& file) {
  std::vector<TraceTransaction> trace;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  std::uint64_t previous_time = 0;
  while (std::getline(lines, line)) {
    ++number;
    const std::size_t hash = line.find('#');
    if (hash != std::string::npos)
      line.erase(hash);
    if (trim(line).empty())
      continue;
    const auto fields = splitFields(line);
    auto fail = [&](const Field& field, const std::string& key, const std::string& message) {
      throw ConfigError(SourceLocation{file, number, field.column}, key, message);
    };
    if (fields.size() < 4 || fields.size() > 5) {
      fail(fields.back(), "trace",
           "expected 4 or 5 comma-separated fields (time, command, address, size[, data]), found " +
               std::to_string(fields.size()));
    }
    TraceTransaction t;
    t.line = number;
    try {
      const double seconds = parseQuantityAs(fields[0].text, dims::time());
      // The physical range keeps the picosecond count inside 64 bits (found by fuzzing).
      const PhysicalRange range = physicalRange(dims::time());
      if (!(seconds >= range.minimum && seconds <= range.maximum)) {
        fail(fields[0], "time",
             "'" + fields[0].text + "'; expected a time in 0 .. " +
                 formatQuantity(range.maximum, dims::time()) + " such as '12.5 ns'");
      }
      t.time_ps = static_cast<std::uint64_t>(seconds * 1e12 + 0.5);
    } catch (const UnitError& error) {
      fail(fields[0], "time", std::string(error.what()) + "; expected a time such as '12.5 ns'");
    }
    if (t.time_ps < previous_time) {
      fail(fields[0], "time",
           "time goes backwards (" + fields[0].text + " after " +
               formatQuantity(static_cast<double>(previous_time) * 1e-12, dims::time()) +
               "); expected non-decreasing times");
    }
    previous_time = t.time_ps;
    const std::string& command = fields[1].text;
    if (command == "R" || command == "r" || command == "read")
      t.write = false;
    else if (command == "W" || command == "w" || command == "write")
      t.write = true;
    else
      fail(fields[1], "command", "'" + command + "'; expected R or W");
    try {
      std::size_t used = 0;
      const std::string& address = fields[2].text;
      if (address.empty() || address[0] == '-')
        throw std::invalid_argument("negative");
      t.address = std::stoull(address, &used, 0);
      if (used != address.size())
        throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      fail(fields[2], "address",
           "'" + fields[2].text + "'; expected a non-negative integer (decimal or 0x hex)");
    }
    try {
      const double bytes = parseQuantityAs(fields[3].text, dims::data());
      if (bytes < 1 || bytes > static_cast<double>(kMaxSize) ||
          bytes != static_cast<double>(static_cast<std::uint64_t>(bytes)))
        fail(fields[3], "size", "'" + fields[3].text + "'; expected whole bytes, 1 B .. 64 MiB");
      t.size = static_cast<std::uint64_t>(bytes);
    } catch (const UnitError& error) {
      fail(fields[3], "size", std::string(error.what()) + "; expected a size such as '64 B'");
    }
    if (fields.size() == 5 && !fields[4].text.empty()) {
      std::vector<unsigned char> data;
      int high = -1;
      for (char c : fields[4].text) {
        if (std::isspace(static_cast<unsigned char>(c)))
          continue;
        const int digit = hexDigit(c);
        if (digit < 0)
          fail(fields[4], "data", std::string("'") + c + "' is not a hex digit");
        if (high < 0) {
          high = digit;
        } else {
          data.push_back(static_cast<unsigned char>(high * 16 + digit));
          high = -1;
        }
      }
      if (high >= 0 || data.size() != t.size) {
        fail(fields[4], "data",
             std::to_string(fields[4].text.size()) + " characters; expected exactly " +
                 std::to_string(t.size) + " bytes (" + std::to_string(2 * t.size) +
                 " hex digits) for size " + fields[3].text);
      }
      t.data = std::move(data);
    }
    trace.push_back(std::move(t));
  }
  return trace;
}

std::vector<TraceTransaction> readTransactionTrace(const std::string& file) {
  std::ifstream in(file);
  if (!in)
    throw ConfigError(SourceLocation{file, 0, 0}, "file", "cannot open transaction trace");
  std::ostringstream text;
  text << in.rdbuf();
  return parseTransactionTrace(text.str(), file);
}

}  // namespace spatialvp::models
