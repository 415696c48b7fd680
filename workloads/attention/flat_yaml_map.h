#pragma once
// A preset file that is one flat YAML map: key -> scalar, or key -> list of scalars. Every key
// must be one the caller knows; anything else (unknown or repeated keys, nested maps, text where
// a number belongs) is a PresetError naming the file, line and key. Values keep their position
// so callers can reject out-of-range values at the right line too.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spatialvp::workloads {

class FlatYamlMap {
 public:
  // Parses `text`; `source` names it in errors (usually the file path).
  FlatYamlMap(const std::string& text, std::string source,
              const std::vector<std::string>& known_keys);
  static FlatYamlMap fromFile(const std::string& path, const std::vector<std::string>& known_keys);

  const std::string& source() const { return source_; }
  bool has(const std::string& key) const { return entries_.count(key) != 0; }

  std::string requireString(const std::string& key) const;
  // Counts are plain non-negative decimal integers ("4096", not "4k" or "4096.0").
  std::uint64_t requireCount(const std::string& key) const;
  std::optional<std::uint64_t> optionalCount(const std::string& key) const;
  double requireNumber(const std::string& key) const;
  std::optional<double> optionalNumber(const std::string& key) const;
  // A scalar or a list of scalars, returned as a list (empty when the key is absent).
  std::vector<std::uint64_t> countList(const std::string& key) const;
  std::vector<double> numberList(const std::string& key) const;

  // Throws a PresetError at the key's value (or at the file when the key is absent).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  struct Scalar {
    std::string text;
    int line = 0;
    int column = 0;
  };
  struct Entry {
    std::vector<Scalar> values;
    bool is_list = false;
    int line = 0;
    int column = 0;
  };

  const Entry& entry(const std::string& key) const;
  const Scalar& single(const std::string& key) const;
  std::uint64_t parseCount(const std::string& key, const Scalar& scalar) const;
  double parseNumber(const std::string& key, const Scalar& scalar) const;

  std::string source_;
  int map_line_ = 0;  // where the map starts: the location of "missing value" errors
  int map_column_ = 0;
  std::map<std::string, Entry> entries_;
};

}  // namespace spatialvp::workloads
