#include "models/memory/hbm_address_mapper.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace spatialvp::models {

namespace {

constexpr std::size_t kFieldCount = 6;

struct FieldInfo {
  const char* token;
  const char* parameter;  // what sets the field's count, for error messages
};

constexpr std::array<FieldInfo, kFieldCount> kFields = {{
    {"Ro", "rows per bank (capacity)"},
    {"Ba", "banks_per_group"},
    {"Bg", "bank_groups"},
    {"Ch", "stacks * channels_per_stack"},
    {"Pc", "pseudo_channels_per_channel"},
    {"Co", "columns per row (page_size / burst size)"},
}};

bool isPowerOfTwo(std::uint64_t value) {
  return value != 0 && (value & (value - 1)) == 0;
}

std::uint32_t log2Exact(std::uint64_t value) {
  std::uint32_t bits = 0;
  while ((1ULL << bits) < value)
    ++bits;
  return bits;
}

std::uint32_t bitsFor(std::uint64_t value) {  // bits needed to hold 0 .. value-1
  return value <= 1 ? 0 : log2Exact(value);
}

}  // namespace

bool HbmAddressMapper::parse(const std::string& text, std::vector<Token>& tokens,
                             std::string& error) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '-' || c == '_' || c == ',') {  // optional separators
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) {
      error = "address_mapping: unexpected trailing '" + text.substr(i) + "' in \"" + text + "\"";
      return false;
    }
    const std::string name = text.substr(i, 2);
    std::size_t index = kFieldCount;
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      if (name == kFields[f].token)
        index = f;
    }
    if (index == kFieldCount) {
      error = "address_mapping: unknown field '" + name + "' in \"" + text +
              "\"; expected fields Ro, Ba, Bg, Ch, Pc, Co (most significant first), each "
              "optionally followed by a width in bits";
      return false;
    }
    i += 2;
    std::uint32_t width = 0;
    bool explicit_width = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      width = width * 10 + static_cast<std::uint32_t>(text[i] - '0');
      explicit_width = true;
      if (width > 64) {
        error = "address_mapping: width of '" + name + "' exceeds 64 bits in \"" + text + "\"";
        return false;
      }
      ++i;
    }
    if (explicit_width && width == 0) {
      error = "address_mapping: '" + name + "0' has zero width in \"" + text + "\"";
      return false;
    }
    tokens.push_back({static_cast<Field>(index), width, explicit_width});
  }
  if (tokens.empty()) {
    error = "address_mapping: must not be empty; e.g. \"RoBaCoBgPcChCo1\"";
    return false;
  }
  return true;
}

bool HbmAddressMapper::layout(const HbmConfig& config, std::vector<Slice>& slices,
                              std::vector<std::string>& errors) {
  std::vector<Token> tokens;
  std::string parse_error;
  if (!parse(config.address_mapping, tokens, parse_error)) {
    errors.push_back(parse_error);
    return false;
  }
  const std::array<std::uint64_t, kFieldCount> counts = {
      config.rowsPerBank(),
      config.banks_per_group,
      config.bank_groups,
      config.channelCount(),
      config.pseudo_channels_per_channel,
      config.columnsPerRow(),
  };
  const std::string& text = config.address_mapping;
  const std::size_t errors_before = errors.size();

  // Per field: slices, explicit bits, slices without width.
  std::array<std::uint32_t, kFieldCount> occurrences{};
  std::array<std::uint32_t, kFieldCount> explicit_bits{};
  std::array<std::uint32_t, kFieldCount> implicit_slices{};
  for (const Token& token : tokens) {
    const auto f = static_cast<std::size_t>(token.field);
    ++occurrences[f];
    if (token.explicit_width) {
      explicit_bits[f] += token.width;
    } else {
      ++implicit_slices[f];
    }
  }
  std::array<std::uint32_t, kFieldCount> implicit_width{};
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const std::string token = kFields[f].token;
    const std::uint64_t count = counts[f];
    if (occurrences[f] == 0) {
      if (count > 1) {
        errors.push_back("address_mapping: \"" + text + "\" lacks field '" + token + "', but " +
                         kFields[f].parameter + " is " + std::to_string(count));
      }
      continue;
    }
    if (implicit_slices[f] > 1) {
      errors.push_back("address_mapping: field '" + token + "' appears " +
                       std::to_string(implicit_slices[f]) + " times without a width in \"" + text +
                       "\"; at most one slice may take the remaining bits");
      continue;
    }
    if (!isPowerOfTwo(count)) {
      const bool single_top_slice = occurrences[f] == 1 && implicit_slices[f] == 1 &&
                                    static_cast<std::size_t>(tokens.front().field) == f;
      if (!single_top_slice) {
        errors.push_back(std::string(kFields[f].parameter) + ": must be a power of two (got " +
                         std::to_string(count) + ") because field '" + token +
                         "' is not a single slice at the top of address_mapping \"" + text + "\"");
      }
      continue;
    }
    const std::uint32_t needed = bitsFor(count);
    if (explicit_bits[f] > needed || (implicit_slices[f] == 0 && explicit_bits[f] != needed)) {
      errors.push_back("address_mapping: slices of '" + token + "' in \"" + text + "\" give " +
                       std::to_string(explicit_bits[f]) + " bits, but " + kFields[f].parameter +
                       " = " + std::to_string(count) + " needs " + std::to_string(needed));
      continue;
    }
    implicit_width[f] = needed - explicit_bits[f];
  }
  if (errors.size() != errors_before)
    return false;

  // Assign positions from the least significant slice upwards.
  slices.clear();
  std::uint32_t address_shift = log2Exact(config.burstBytes());
  if (!isPowerOfTwo(config.burstBytes())) {
    errors.push_back("burst size (pseudo-channel width / 8 * burst_length = " +
                     std::to_string(config.burstBytes()) +
                     " B): must be a power of two for the address mapping");
    return false;
  }
  std::array<std::uint32_t, kFieldCount> field_shift{};
  for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
    const auto f = static_cast<std::size_t>(it->field);
    const bool top = std::next(it) == tokens.rend();
    const std::uint32_t width = it->explicit_width ? it->width : implicit_width[f];
    if (width == 0 && !(top && !isPowerOfTwo(counts[f])))
      continue;  // field of count 1
    Slice slice{it->field, address_shift, field_shift[f], 0};
    if (top && !isPowerOfTwo(counts[f])) {
      slice.mask = ~0ULL;  // decoded by division: the address bound keeps it below the count
    } else {
      slice.mask = width >= 64 ? ~0ULL : (1ULL << width) - 1;
      address_shift += width;
      field_shift[f] += width;
    }
    slices.push_back(slice);
  }
  if (address_shift > 63) {
    errors.push_back("address_mapping: \"" + text + "\" needs " + std::to_string(address_shift) +
                     " address bits; at most 63 are supported");
    return false;
  }
  return true;
}

std::vector<std::string> HbmAddressMapper::check(const HbmConfig& config) {
  std::vector<std::string> errors;
  std::vector<Slice> slices;
  layout(config, slices, errors);
  return errors;
}

HbmAddressMapper::HbmAddressMapper(const HbmConfig& config)
    : burst_bytes_(config.burstBytes()),
      pseudo_channels_per_channel_(config.pseudo_channels_per_channel) {
  std::vector<std::string> errors;
  if (!layout(config, slices_, errors)) {
    std::string message = "invalid HBM address mapping:";
    for (const std::string& error : errors)
      message += "\n  " + error;
    throw std::invalid_argument(message);
  }
}

HbmCoordinates HbmAddressMapper::decode(std::uint64_t address) const {
  std::array<std::uint64_t, kFieldCount> fields{};
  for (const Slice& slice : slices_) {
    fields[static_cast<std::size_t>(slice.field)] |= ((address >> slice.address_shift) & slice.mask)
                                                     << slice.field_shift;
  }
  HbmCoordinates c;
  c.row = fields[static_cast<std::size_t>(Field::kRow)];
  c.bank = static_cast<std::uint32_t>(fields[static_cast<std::size_t>(Field::kBank)]);
  c.bank_group = static_cast<std::uint32_t>(fields[static_cast<std::size_t>(Field::kBankGroup)]);
  c.channel = static_cast<std::uint32_t>(fields[static_cast<std::size_t>(Field::kChannel)]);
  c.pseudo_channel =
      static_cast<std::uint32_t>(fields[static_cast<std::size_t>(Field::kPseudoChannel)]);
  c.column = fields[static_cast<std::size_t>(Field::kColumn)];
  return c;
}

std::uint64_t HbmAddressMapper::encode(const HbmCoordinates& c) const {
  const std::array<std::uint64_t, kFieldCount> fields = {
      c.row, c.bank, c.bank_group, c.channel, c.pseudo_channel, c.column,
  };
  std::uint64_t address = 0;
  for (const Slice& slice : slices_) {
    address |= ((fields[static_cast<std::size_t>(slice.field)] >> slice.field_shift) & slice.mask)
               << slice.address_shift;
  }
  return address;
}

std::uint64_t HbmAddressMapper::pseudoChannelGranule() const {
  for (const Slice& slice : slices_) {  // least significant first
    if ((slice.field == Field::kChannel || slice.field == Field::kPseudoChannel) && slice.mask != 0)
      return 1ULL << slice.address_shift;
  }
  return 0;
}

std::uint64_t HbmAddressMapper::pseudoChannelPeriod() const {
  std::uint64_t period = 0;
  for (std::size_t i = 0; i < slices_.size(); ++i) {
    const Slice& slice = slices_[i];
    if ((slice.field != Field::kChannel && slice.field != Field::kPseudoChannel) || slice.mask == 0)
      continue;
    if (i + 1 == slices_.size())
      return 0;  // the top slice: decoded by division, spans the device
    const auto width = static_cast<std::uint32_t>(__builtin_popcountll(slice.mask));
    period = std::max<std::uint64_t>(period, 1ULL << (slice.address_shift + width));
  }
  return period;
}

std::uint64_t HbmAddressMapper::rowRunBytes() const {
  for (const Slice& slice : slices_) {  // least significant first
    if (slice.field != Field::kColumn && slice.mask != 0)
      return 1ULL << slice.address_shift;
  }
  return burst_bytes_;  // (a mapping always has a row slice)
}

}  // namespace spatialvp::models
