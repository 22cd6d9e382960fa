// The IDCTs read a block kept in zigzag order (the progressive decoder's)
// exactly as the same block in natural order.
#include "imaging/internal/jpeg_luma_decoding.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>

namespace counterfoil::imaging::internal::jpeg {
namespace {

TEST(Idct, ZigzagOrderReadsAsNaturalOrder) {
  // The progressive decoder's blocks (zigzag order) through every IDCT give
  // the samples of the same block in natural order.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> c(-60, 60), q(1, 40);
  for (int n = 0; n < 2000; ++n) {
    std::array<int16_t, 64> natural{}, zigzag{};
    std::array<int32_t, 64> quant{};
    for (int i = 0; i < 64; ++i) {
      natural[i] = static_cast<int16_t>(i == 0 ? c(rng) * 8 : c(rng) / (1 + i / 8));
      quant[i] = q(rng);
    }
    for (int k = 0; k < 64; ++k) zigzag[k] = natural[kNaturalOrder[k]];
    for (int m : {1, 2, 3, 4, 8}) {
      std::array<uint8_t, 64> a{}, b{};
      const bool ok_a = Idct(m, Dequantised{natural.data(), quant.data()}, a.data(), 8);
      const bool ok_b = Idct(m, ZigzagDequantised{zigzag.data(), quant.data()}, b.data(), 8);
      ASSERT_EQ(ok_a, ok_b) << m;
      ASSERT_EQ(a, b) << "M = " << m << ", block " << n;
    }
  }
}

}  // namespace
}  // namespace counterfoil::imaging::internal::jpeg
