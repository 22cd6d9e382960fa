#include "imaging/frame.h"

#include <gtest/gtest.h>

#include "imaging/pdq.h"
#include "imaging/photo_fingerprint.h"
#include "imaging/testing/test_images.h"

namespace counterfoil::imaging {
namespace {

// `picture` centred on a canvas of one colour, `margin` pixels on each side.
Image Framed(const Image& picture, int margin_x, int margin_y, uint8_t r, uint8_t g, uint8_t b) {
  Image out;
  out.width = picture.width + 2 * margin_x;
  out.height = picture.height + 2 * margin_y;
  out.rgb.resize(out.pixel_count() * 3);
  for (size_t i = 0; i < out.pixel_count(); ++i) {
    out.rgb[3 * i] = r;
    out.rgb[3 * i + 1] = g;
    out.rgb[3 * i + 2] = b;
  }
  for (int y = 0; y < picture.height; ++y)
    std::copy(picture.row(y), picture.row(y) + picture.width * 3,
              out.row(y + margin_y) + margin_x * 3);
  return out;
}

TEST(Frame, FindsAUniformBorder) {
  Image picture = testing::SyntheticImage(200, 150);
  Image framed = Framed(picture, 12, 9, 20, 120, 40);
  ContentBox box = FindContent(framed);
  EXPECT_EQ(box, (ContentBox{12, 9, 200, 150}));
  EXPECT_TRUE(box.Trimmed(framed));
  EXPECT_EQ(Crop(framed, box).rgb, picture.rgb);
}

TEST(Frame, LeavesAnUnframedPictureWhole) {
  Image picture = testing::SyntheticImage(200, 150);
  ContentBox box = FindContent(picture);
  EXPECT_EQ(box, (ContentBox{0, 0, 200, 150}));
  EXPECT_FALSE(box.Trimmed(picture));
  EXPECT_TRUE(FindContentBoxes(picture).empty());
}

TEST(Frame, PeelsABorderAroundAWhitePageInTwoRounds) {
  Image picture = testing::SyntheticImage(160, 160);
  Image page = Framed(picture, 20, 20, 255, 255, 255);
  Image framed = Framed(page, 15, 15, 0, 0, 0);
  std::vector<ContentBox> boxes = FindContentBoxes(framed);
  ASSERT_EQ(boxes.size(), 2u);
  EXPECT_EQ(boxes[0], (ContentBox{15, 15, 200, 200}));
  EXPECT_EQ(boxes[1], (ContentBox{35, 35, 160, 160}));
}

TEST(Frame, ABlankImageHasNoContent) {
  Image blank = Framed(testing::SyntheticImage(1, 1), 100, 80, 90, 90, 90);
  EXPECT_FALSE(FindContent(blank).Trimmed(blank));
  Image tiny = testing::SyntheticImage(8, 8);
  EXPECT_FALSE(FindContent(tiny).Trimmed(tiny));
}

TEST(Frame, AThinLineIsNotAFrame) {
  Image picture = testing::SyntheticImage(400, 300);
  Image framed = Framed(picture, 1, 1, 0, 0, 0);  // 1 px: under 1% of each side
  EXPECT_FALSE(FindContent(framed).Trimmed(framed));
}

TEST(PhotoFingerprint, AFramedCopyHashesLikeTheOriginalInsideTheFrame) {
  Image picture = testing::SyntheticImage(256, 256);
  PhotoFingerprint original = FingerprintImage(picture);
  Image framed = Framed(picture, 24, 24, 200, 30, 30);
  PhotoFingerprint copy = FingerprintImage(framed);
  ASSERT_EQ(copy.framed.size(), 1u);
  int whole = copy.whole[Dihedral::kOriginal].Distance(original.whole[Dihedral::kOriginal]);
  int inside = copy.framed[0][Dihedral::kOriginal].Distance(original.whole[Dihedral::kOriginal]);
  EXPECT_EQ(inside, 0);
  EXPECT_GT(whole, inside);
  EXPECT_EQ(copy.Useful().size(), 2u);
}

TEST(PhotoFingerprint, DecodesAndFingerprintsAJpeg) {
  Image picture = testing::SyntheticImage(300, 200);
  std::vector<uint8_t> jpeg = testing::EncodeJpeg(Framed(picture, 20, 20, 0, 0, 0));
  auto fp = FingerprintPhoto(jpeg);
  ASSERT_TRUE(fp.ok()) << fp.status().ToString();
  EXPECT_GE(fp->quality(), kPdqMinUsefulQuality);
  EXPECT_FALSE(fp->framed.empty());
  std::vector<uint8_t> junk = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  EXPECT_EQ(FingerprintPhoto(junk).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace counterfoil::imaging
