#include <gtest/gtest.h>

#include <vector>

#include "imaging/decode.h"

namespace counterfoil::imaging {
namespace {

// An APP1 payload with IFD0 entries (tag, type, count, value).
struct Entry {
  uint16_t tag, type;
  uint32_t count, value;
};
std::vector<uint8_t> Payload(bool big_endian, const std::vector<Entry>& entries,
                             uint32_t ifd_offset = 8) {
  std::vector<uint8_t> s = {'E', 'x', 'i', 'f', 0, 0};
  auto u16 = [&](uint32_t v) {
    uint8_t a = static_cast<uint8_t>(v), b = static_cast<uint8_t>(v >> 8);
    if (big_endian) std::swap(a, b);
    s.push_back(a);
    s.push_back(b);
  };
  auto u32 = [&](uint32_t v) {
    if (big_endian) {
      u16(v >> 16);
      u16(v & 0xFFFF);
    } else {
      u16(v & 0xFFFF);
      u16(v >> 16);
    }
  };
  s.push_back(big_endian ? 'M' : 'I');
  s.push_back(big_endian ? 'M' : 'I');
  u16(42);
  u32(ifd_offset);
  u16(static_cast<uint32_t>(entries.size()));
  for (const Entry& e : entries) {
    u16(e.tag);
    u16(e.type);
    u32(e.count);
    if (e.type == 3) {  // a SHORT sits in the first two bytes of the value field
      u16(e.value);
      u16(0);
    } else {
      u32(e.value);
    }
  }
  u32(0);
  return s;
}

TEST(ExifOrientation, ReadsTheTagInBothByteOrders) {
  for (bool be : {false, true}) {
    for (uint32_t v = 1; v <= 8; ++v) {
      EXPECT_EQ(ExifOrientation(Payload(be, {{0x010F, 2, 4, 0}, {0x0112, 3, 1, v}})),
                static_cast<Orientation>(v))
          << "big endian " << be << " value " << v;
    }
  }
}

TEST(ExifOrientation, IgnoresWhatIsNotAValidOrientation) {
  EXPECT_EQ(ExifOrientation(Payload(false, {{0x0112, 3, 1, 9}})), Orientation::kNormal);
  EXPECT_EQ(ExifOrientation(Payload(false, {{0x0112, 3, 1, 0}})), Orientation::kNormal);
  EXPECT_EQ(ExifOrientation(Payload(false, {{0x0112, 4, 1, 6}})), Orientation::kNormal);  // LONG
  EXPECT_EQ(ExifOrientation(Payload(false, {{0x0110, 3, 1, 6}})), Orientation::kNormal);
  EXPECT_EQ(ExifOrientation(Payload(false, {})), Orientation::kNormal);
}

TEST(ExifOrientation, SurvivesTruncationAndBadOffsets) {
  const std::vector<uint8_t> good = Payload(true, {{0x010F, 2, 4, 0}, {0x0112, 3, 1, 6}});
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(n));
    Orientation o = ExifOrientation(cut);
    // Either the tag was still whole, or nothing is read.
    EXPECT_TRUE(o == Orientation::kNormal || o == Orientation::kRotate90Cw) << n;
  }
  EXPECT_EQ(ExifOrientation(Payload(false, {{0x0112, 3, 1, 6}}, 0xFFFFFFF0u)),
            Orientation::kNormal);
  std::vector<uint8_t> not_exif = good;
  not_exif[0] = 'X';
  EXPECT_EQ(ExifOrientation(not_exif), Orientation::kNormal);
  std::vector<uint8_t> bad_order = good;
  bad_order[6] = 'X';
  EXPECT_EQ(ExifOrientation(bad_order), Orientation::kNormal);
}

}  // namespace
}  // namespace counterfoil::imaging
