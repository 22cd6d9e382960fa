#include <gtest/gtest.h>

#include <vector>

#include "imaging/decode.h"
#include "imaging/testing/test_images.h"

namespace counterfoil::imaging {
namespace {

std::vector<uint8_t> Payload(bool big_endian, const std::vector<testing::ExifEntry>& entries,
                             uint32_t ifd_offset = 8) {
  return testing::ExifPayload(big_endian, entries, ifd_offset);
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
