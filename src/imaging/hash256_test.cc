#include "imaging/hash256.h"

#include <gtest/gtest.h>

namespace counterfoil::imaging {
namespace {

constexpr char kBridge[] = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

TEST(Hash256, HexRoundTrips) {
  auto h = Hash256::FromHex(kBridge);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->ToHex(), kBridge);
  EXPECT_EQ(
      Hash256::FromHex("F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22")->ToHex(),
      kBridge);
}

TEST(Hash256, FirstHexDigitHoldsTheHighestBits) {
  // The reference prints the 16-bit word holding bits 255..240 first.
  Hash256 h;
  h.SetBit(255);
  EXPECT_EQ(h.ToHex(), "8" + std::string(63, '0'));
  Hash256 low;
  low.SetBit(0);
  EXPECT_EQ(low.ToHex(), std::string(63, '0') + "1");
  Hash256 mid;
  mid.SetBit(64);
  EXPECT_EQ(mid.ToHex().substr(47), "10000000000000000");
  EXPECT_TRUE(mid.Bit(64));
  EXPECT_FALSE(mid.Bit(63));
}

TEST(Hash256, RejectsWrongLengthAndNonHex) {
  EXPECT_EQ(Hash256::FromHex("abc").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Hash256::FromHex(std::string(65, 'a')).status().code(), StatusCode::kInvalidArgument);
  std::string bad(kBridge);
  bad[10] = 'g';
  auto r = Hash256::FromHex(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("position 11"), std::string::npos) << r.status().message();
}

TEST(Hash256, DistanceCountsDifferingBits) {
  Hash256 a = *Hash256::FromHex(kBridge);
  Hash256 b = a;
  EXPECT_EQ(a.Distance(b), 0);
  for (int k : {0, 63, 64, 200, 255}) {
    if (b.Bit(k)) {
      b.ClearBit(k);
    } else {
      b.SetBit(k);
    }
  }
  EXPECT_EQ(a.Distance(b), 5);
  EXPECT_EQ(b.Distance(a), 5);
  Hash256 zero, ones(std::array<uint64_t, 4>{~0ull, ~0ull, ~0ull, ~0ull});
  EXPECT_EQ(zero.Distance(ones), 256);
  EXPECT_EQ(ones.PopCount(), 256);
  EXPECT_EQ(a.PopCount(), 128);  // a PDQ hash splits at the median
}

TEST(Hash256, OrdersLikeItsHexText) {
  Hash256 a = *Hash256::FromHex("0" + std::string(63, 'f'));
  Hash256 b = *Hash256::FromHex("1" + std::string(63, '0'));
  EXPECT_TRUE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_FALSE(a < a);
}

}  // namespace
}  // namespace counterfoil::imaging
