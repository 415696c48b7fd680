#include "interconnect/mesh/attachment_point.h"

namespace spatialvp::interconnect {

namespace {

// Digits only, no sign, no leading '+': "12" -> 12.
std::optional<std::uint32_t> parseIndex(const std::string& text) {
  if (text.empty() || text.size() > 9)
    return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value;
}

}  // namespace

AttachmentPoint parseAttachmentPoint(const std::string& text, std::uint32_t width,
                                     std::uint32_t height) {
  if (const auto node = parseIndex(text)) {
    if (*node >= width * height)
      return {std::nullopt, "node " + std::to_string(*node)};
    return {Endpoint::local(*node), ""};
  }
  if (text.size() >= 4 && text[0] == 'x') {
    const std::size_t y_at = text.find('y');
    if (y_at != std::string::npos) {
      const auto x = parseIndex(text.substr(1, y_at - 1));
      const auto y = parseIndex(text.substr(y_at + 1));
      if (x && y) {
        if (*x >= width || *y >= height)
          return {std::nullopt, "router (" + std::to_string(*x) + ", " + std::to_string(*y) + ")"};
        return {Endpoint::local(*y * width + *x), ""};
      }
    }
  }
  if (text.size() >= 2) {
    const auto index = parseIndex(text.substr(1));
    const char side = text[0];
    if (index && (side == 'N' || side == 'S')) {
      if (*index >= width)
        return {std::nullopt, "column " + std::to_string(*index)};
      const std::uint32_t y = side == 'N' ? height - 1 : 0;
      return {Endpoint{y * width + *index, side == 'N' ? Port::kNorth : Port::kSouth}, ""};
    }
    if (index && (side == 'E' || side == 'W')) {
      if (*index >= height)
        return {std::nullopt, "row " + std::to_string(*index)};
      const std::uint32_t x = side == 'E' ? width - 1 : 0;
      return {Endpoint{*index * width + x, side == 'E' ? Port::kEast : Port::kWest}, ""};
    }
  }
  return {std::nullopt, ""};
}

}  // namespace spatialvp::interconnect
