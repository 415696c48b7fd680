#pragma once
// Loading one beat into the verilated dlzs_lane (models/rtl/dlzs_lane.v): the lane's in_q and
// in_k are WIDTH x 16 bits, element c of the beat in bits [16c, 16c + 16), i.e. two int16 per
// 32-bit word, low half first. Elements past `d` (a partial last beat) are zero, which the
// lane's zero eliminator drops.
#include <cstddef>
#include <cstdint>

namespace spatialvp::rtl {

constexpr std::size_t kDlzsLaneWidth = 32;  // dlzs_lane WIDTH as verilated

// Sets in_q/in_k of `lane` to elements [beat * 32, beat * 32 + 32) of the d-wide rows q and k.
template <class Lane>
void loadDlzsBeat(Lane& lane, const std::int16_t* q, const std::int16_t* k, std::size_t d,
                  std::size_t beat) {
  for (std::size_t word = 0; word < kDlzsLaneWidth / 2; ++word) {
    std::uint32_t qw = 0;
    std::uint32_t kw = 0;
    for (std::size_t half = 0; half < 2; ++half) {
      const std::size_t c = beat * kDlzsLaneWidth + 2 * word + half;
      const auto qv = c < d ? static_cast<std::uint16_t>(q[c]) : std::uint16_t{0};
      const auto kv = c < d ? static_cast<std::uint16_t>(k[c]) : std::uint16_t{0};
      qw |= static_cast<std::uint32_t>(qv) << (16 * half);
      kw |= static_cast<std::uint32_t>(kv) << (16 * half);
    }
    lane.in_q[word] = qw;
    lane.in_k[word] = kw;
  }
}

}  // namespace spatialvp::rtl
