#pragma once
// Maps a device-local byte address to (channel, pseudo-channel, bank group, bank, row, column).
//
// The mapping string lists address fields from the most to the least significant, above the
// byte offset within one burst (which is always the lowest bits): "RoBaCoBgPcChCo1" reads
// row | bank | column (high part) | bank group | pseudo-channel | channel | column bit 0 | offset.
// Fields: Ro row, Ba bank within its group, Bg bank group, Ch channel (all stacks, stack-major),
// Pc pseudo-channel within its channel, Co column (burst index within a row). A field may be
// split into several slices by giving explicit widths in bits ("Co1"); one slice of a field may
// omit its width and then takes the remaining bits. The lowest slice carries the field's lowest
// bits. Every field whose count is not a power of two must be a single slice at the top, where
// it is decoded by division, e.g. a row count of 46080 for a 180 GiB device.
#include <cstdint>
#include <string>
#include <vector>

#include "models/memory/hbm_config.h"

namespace spatialvp::models {

struct HbmCoordinates {
  std::uint32_t channel = 0;  // 0 .. stacks * channels_per_stack - 1
  std::uint32_t pseudo_channel = 0;
  std::uint32_t bank_group = 0;
  std::uint32_t bank = 0;  // within its bank group
  std::uint64_t row = 0;
  std::uint64_t column = 0;  // burst index within the row
};

class HbmAddressMapper {
 public:
  // Problems of `config.address_mapping` against the organisation; empty when it fits.
  static std::vector<std::string> check(const HbmConfig& config);

  // Throws std::invalid_argument with the problems of check() when the mapping does not fit.
  explicit HbmAddressMapper(const HbmConfig& config);

  HbmCoordinates decode(std::uint64_t address) const;
  // decode(address) given `c` = decode(address - burstBytes()), updated in place: when the
  // lowest slice does not wrap, only its field moves by one (the common step of a request's
  // consecutive bursts); otherwise a full decode.
  void decodeNext(std::uint64_t address, HbmCoordinates& c) const {
    if (!slices_.empty()) {
      const Slice& low = slices_.front();
      if (((address >> low.address_shift) & low.mask) != 0) {
        const std::uint64_t step = 1ULL << low.field_shift;
        switch (low.field) {
          case Field::kRow:
            c.row += step;
            return;
          case Field::kBank:
            c.bank += static_cast<std::uint32_t>(step);
            return;
          case Field::kBankGroup:
            c.bank_group += static_cast<std::uint32_t>(step);
            return;
          case Field::kChannel:
            c.channel += static_cast<std::uint32_t>(step);
            return;
          case Field::kPseudoChannel:
            c.pseudo_channel += static_cast<std::uint32_t>(step);
            return;
          case Field::kColumn:
            c.column += step;
            return;
        }
      }
    }
    c = decode(address);
  }
  std::uint64_t encode(const HbmCoordinates& coordinates) const;  // burst-aligned address

  std::uint32_t pseudoChannelIndex(const HbmCoordinates& c) const {
    return c.channel * pseudo_channels_per_channel_ + c.pseudo_channel;
  }
  std::uint64_t burstBytes() const { return burst_bytes_; }
  // Spread of the pseudo-channel index over addresses (the fast timing mode's validity check):
  // the granule is the aligned block within which it stays constant (the lowest channel or
  // pseudo-channel slice), the period the aligned block that holds every pseudo-channel
  // equally (above the highest such slice; 0 = such a slice is the top one, i.e. the device).
  // Both are 0 for a device of one pseudo-channel.
  std::uint64_t pseudoChannelGranule() const;
  std::uint64_t pseudoChannelPeriod() const;
  // The aligned block within which the row of one bank stays the same (below the lowest slice
  // that is not a column slice): how many bytes a request moves per row it opens, at most.
  std::uint64_t rowRunBytes() const;

 private:
  enum class Field : std::uint8_t { kRow, kBank, kBankGroup, kChannel, kPseudoChannel, kColumn };
  struct Slice {
    Field field;
    std::uint32_t address_shift;  // position of the slice in the address
    std::uint32_t field_shift;    // position of the slice within its field
    std::uint64_t mask;           // all ones for the top slice, decoded by division
  };
  struct Token {
    Field field;
    std::uint32_t width;  // 0: take the remaining bits of the field
    bool explicit_width;
  };
  static bool parse(const std::string& text, std::vector<Token>& tokens, std::string& error);
  static bool layout(const HbmConfig& config, std::vector<Slice>& slices,
                     std::vector<std::string>& errors);

  std::vector<Slice> slices_;  // least significant first
  std::uint64_t burst_bytes_ = 0;
  std::uint32_t pseudo_channels_per_channel_ = 1;
};

}  // namespace spatialvp::models
