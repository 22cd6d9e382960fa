#include "imaging/pdq.h"

#include <gtest/gtest.h>

#include <vector>

#include "imaging/testing/test_images.h"

namespace counterfoil::imaging {
namespace {

Image Filled(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.resize(img.pixel_count() * 3);
  for (size_t i = 0; i < img.pixel_count(); ++i) {
    img.rgb[3 * i] = r;
    img.rgb[3 * i + 1] = g;
    img.rgb[3 * i + 2] = b;
  }
  return img;
}

TEST(Pdq, JaroszWindowIsOneHundredTwentyEighthOfTheSideRoundedUp) {
  EXPECT_EQ(internal::JaroszWindowSize(5), 1);
  EXPECT_EQ(internal::JaroszWindowSize(128), 1);
  EXPECT_EQ(internal::JaroszWindowSize(129), 2);
  EXPECT_EQ(internal::JaroszWindowSize(1004), 8);
  EXPECT_EQ(internal::JaroszWindowSize(1600), 13);
}

TEST(Pdq, FlatImageHasQualityZeroAndNoBitsAboveTheMedian) {
  PdqHash h = ComputePdq(Filled(100, 80, 40, 90, 200));
  EXPECT_EQ(h.quality, 0);
  EXPECT_LE(h.hash.PopCount(), 128);
}

TEST(Pdq, TooSmallImagesGetTheZeroHash) {
  PdqDihedralHashes h = ComputePdqDihedral(testing::SyntheticImage(4, 300));
  EXPECT_EQ(h.quality, 0);
  for (const Hash256& x : h.hashes) EXPECT_EQ(x, Hash256());
  EXPECT_EQ(ComputePdq(Image{}).quality, 0);
  EXPECT_NE(ComputePdq(testing::SyntheticImage(5, 5)).hash, Hash256());
}

TEST(Pdq, QualityIsTheScaledGradientSum) {
  // A 64x64 grey ramp rising 4 levels a column: every horizontal step is
  // 4 * 100 / 255 = 1.57 -> 1, vertical steps are 0, so the sum is 63 * 64
  // and the quality 4032 / 90 = 44.
  Image ramp = Filled(64, 64, 0, 0, 0);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      for (int c = 0; c < 3; ++c) ramp.row(y)[3 * x + c] = static_cast<uint8_t>(4 * x);
    }
  }
  EXPECT_EQ(ComputePdq(ramp).quality, 44);
  EXPECT_GT(ComputePdq(testing::SyntheticImage(300, 200)).quality, kPdqMinUsefulQuality);
}

TEST(Pdq, HashSplitsTheCoefficientsAtTheMedian) {
  PdqDihedralHashes h = ComputePdqDihedral(testing::SyntheticImage(320, 240));
  for (const Hash256& x : h.hashes) EXPECT_EQ(x.PopCount(), 128);
}

TEST(Pdq, DihedralHashesStandForTheTurnedImages) {
  // Each variant computed from the DCT matches (PDQ's threshold, 31 bits)
  // hashing the turned image; the transposition is exact because the
  // pipeline treats x and y alike. (exact.csv pins the variants bit for bit.)
  const Image img = testing::SyntheticImage(300, 200);
  const PdqDihedralHashes d = ComputePdqDihedral(img);
  const struct {
    Orientation turn;
    Dihedral variant;
  } kCases[] = {
      {Orientation::kRotate270Cw, Dihedral::kRotate90},
      {Orientation::kRotate180, Dihedral::kRotate180},
      {Orientation::kRotate90Cw, Dihedral::kRotate270},
      {Orientation::kMirrorRotate180, Dihedral::kFlipX},
      {Orientation::kMirror, Dihedral::kFlipY},
      {Orientation::kMirrorRotate270Cw, Dihedral::kFlipPlus1},
      {Orientation::kMirrorRotate90Cw, Dihedral::kFlipMinus1},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(kDihedralNames[static_cast<int>(c.variant)]);
    const Hash256 turned = ComputePdq(ApplyOrientation(img, c.turn)).hash;
    EXPECT_LE(turned.Distance(d[c.variant]), 31);
    // ...and far from the unturned hash, so the check can fail.
    EXPECT_GT(turned.Distance(d[Dihedral::kOriginal]), 64);
  }
  EXPECT_EQ(ComputePdq(ApplyOrientation(img, Orientation::kMirrorRotate270Cw)).hash,
            d[Dihedral::kFlipPlus1]);
}

TEST(Pdq, LumaUsesRec601WeightsInFloat) {
  Image px = Filled(1, 1, 255, 0, 0);
  std::vector<float> luma(1);
  internal::ComputeLuma(px, luma);
  EXPECT_FLOAT_EQ(luma[0], 0.299f * 255);
  px = Filled(1, 1, 10, 20, 30);
  internal::ComputeLuma(px, luma);
  EXPECT_EQ(luma[0], 0.299f * 10.0f + 0.587f * 20.0f + 0.114f * 30.0f);
}

TEST(Pdq, GreyToLumaGivesTheGreyPixelsLumaBitForBit) {
  // Every value, at every offset of the 16-sample blocks and in the tail
  // after them: what ComputeLuma gives the pixel (v, v, v).
  std::vector<uint8_t> src(256 + 37);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>((i * 7 + 3) % 256);
  for (size_t n : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, src.size()}) {
    std::vector<float> dst(n + 1, -1.0f);
    internal::GreyToLuma(src.data(), dst.data(), n);
    for (size_t i = 0; i < n; ++i) {
      std::vector<float> luma(1);
      internal::ComputeLuma(Filled(1, 1, src[i], src[i], src[i]), luma);
      ASSERT_EQ(dst[i], luma[0]) << "value " << int{src[i]} << " at " << i << " of " << n;
      ASSERT_EQ(dst[i], internal::GreyLuma()[src[i]]);
    }
    EXPECT_EQ(dst[n], -1.0f) << "wrote past " << n;
  }
}

TEST(Pdq, SimilarImagesHashClose) {
  // A slightly brightened copy stays well inside the match threshold.
  Image img = testing::SyntheticImage(256, 256);
  Image brighter = img;
  for (auto& v : brighter.rgb) v = static_cast<uint8_t>(std::min(255, v + 6));
  EXPECT_LE(ComputePdq(img).hash.Distance(ComputePdq(brighter).hash), 20);
}

}  // namespace
}  // namespace counterfoil::imaging
