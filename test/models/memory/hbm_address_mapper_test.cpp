#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <set>
#include <tuple>

#include "hbm_test_configs.h"
#include "models/memory/hbm_address_mapper.h"

using namespace spatialvp::models;
using namespace spatialvp::models::test;

TEST_CASE("Default HBM2 mapping keeps 64 B in one pseudo-channel and spreads 64 B blocks",
          "[hbm][mapping]") {
  const HbmConfig config = hbm2Config();
  const HbmAddressMapper mapper(config);
  // Bursts 0 and 1 (one 64 B block) share pseudo-channel, bank and row; columns 0 and 1.
  const HbmCoordinates a = mapper.decode(0);
  const HbmCoordinates b = mapper.decode(32);
  CHECK(mapper.pseudoChannelIndex(a) == mapper.pseudoChannelIndex(b));
  CHECK(std::tie(a.bank_group, a.bank, a.row) == std::tie(b.bank_group, b.bank, b.row));
  CHECK(b.column == a.column + 1);
  // Consecutive 64 B blocks visit all 32 pseudo-channels before reusing one.
  std::set<std::uint32_t> channels;
  for (std::uint64_t block = 0; block < 32; ++block) {
    channels.insert(mapper.pseudoChannelIndex(mapper.decode(block * 64)));
  }
  CHECK(channels.size() == 32);
  // The next visit of pseudo-channel 0 moves to the next bank group.
  const HbmCoordinates next = mapper.decode(32 * 64);
  CHECK(mapper.pseudoChannelIndex(next) == mapper.pseudoChannelIndex(a));
  CHECK(next.bank_group == a.bank_group + 1);
}

TEST_CASE("HBM mapping is a bijection between addresses and coordinates", "[hbm][mapping]") {
  for (const HbmConfig& config : {hbm2Config(), hbm3Config(), hbmWaferDieConfig()}) {
    const HbmAddressMapper mapper(config);
    std::mt19937_64 random(7);
    for (int i = 0; i < 20000; ++i) {
      const std::uint64_t address = random() % config.capacity / 32 * 32;
      const HbmCoordinates c = mapper.decode(address);
      REQUIRE(c.channel < config.channelCount());
      REQUIRE(c.pseudo_channel < config.pseudo_channels_per_channel);
      REQUIRE(c.bank_group < config.bank_groups);
      REQUIRE(c.bank < config.banks_per_group);
      REQUIRE(c.row < config.rowsPerBank());
      REQUIRE(c.column < config.columnsPerRow());
      REQUIRE(mapper.encode(c) == address);
    }
    // The last burst of the device decodes to the last row (non-power-of-two rows included).
    const HbmCoordinates top = mapper.decode(config.capacity - 32);
    CHECK(top.row == config.rowsPerBank() - 1);
  }
}

TEST_CASE("HBM mapping order is configurable", "[hbm][mapping]") {
  HbmConfig config = hbm2Config();
  config.address_mapping = "RoBaBgPcChCo";  // a whole row of 1 KiB per pseudo-channel first
  const HbmAddressMapper mapper(config);
  for (std::uint64_t column = 0; column < 32; ++column) {
    const HbmCoordinates c = mapper.decode(column * 32);
    CHECK(c.column == column);
    CHECK(c.channel == 0);
    CHECK(c.row == 0);
  }
  CHECK(mapper.decode(1024).channel == 1);
  CHECK(mapper.decode(1024ULL * 32).bank_group == 1);
  // Separators are accepted.
  config.address_mapping = "Ro-Ba-Bg-Pc-Ch-Co";
  CHECK(HbmAddressMapper(config).decode(1024).channel == 1);
}
