#pragma once

#include <string>

namespace spatialvp {

// One CSV cell as RFC 4180 writes it: quoted only when it holds a separator, quote or line
// break, with inner quotes doubled. Shared by the stats writer and the sweep results table so
// both files parse with the same reader.
inline std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos)
    return text;
  std::string quoted = "\"";
  for (char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace spatialvp
