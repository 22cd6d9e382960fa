// HashPhoto's JPEG fast path (luma straight into PDQ's plane, progressive
// YCbCr files through their luma's own frame, M/8 scaling) gives exactly the
// hashes of the plain luma-only RGB decode wherever the two decode at the
// same scale: on the sample photos at full size, and on synthetic JPEGs in
// every variant the decoders read (baseline, progressive, arithmetic, grey,
// CMYK, every EXIF orientation) at full size and 1/2; its plane is libjpeg's
// grey decode of the whole file; damaged files are still errors. (The 10-bit
// bound at the fast path's own scales is golden_test.cc's.)
#include "imaging/photo_hash.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "imaging/testing/test_images.h"

namespace counterfoil::imaging {
namespace {

using testing::EncodeJpeg;
using testing::JpegEncodeOptions;
using testing::SyntheticImage;

// The reference: decode to RGB (luma only when the options say so), then PDQ.
PdqDihedralHashes ViaRgb(const std::vector<uint8_t>& bytes, const DecodeOptions& options) {
  auto image = DecodeImage(bytes, options);
  EXPECT_TRUE(image.ok()) << image.status().ToString();
  return image.ok() ? ComputePdqDihedral(*image) : PdqDihedralHashes{};
}

void ExpectSame(const PdqDihedralHashes& a, const PdqDihedralHashes& b) {
  EXPECT_EQ(a.quality, b.quality);
  for (int d = 0; d < 8; ++d) EXPECT_EQ(a.hashes[d], b.hashes[d]) << kDihedralNames[d];
}

TEST(HashPhoto, LumaPathEqualsTheLumaOnlyRgbDecodeOnTheSamplePhotos) {
  const std::filesystem::path dir = std::string(SHARED_TESTDATA) + "/pdq/files";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int files = 0;
  for (const auto& [name, bytes] : testing::ReadJpegFiles(dir)) {
    SCOPED_TRACE(name);
    DecodeOptions options = FastPathDecodeOptions();
    options.jpeg_min_short_side = 0;  // full size: the same scale on both paths
    auto fast = HashPhoto(bytes, options);
    ASSERT_TRUE(fast.ok()) << fast.status().ToString();
    ExpectSame(*fast, ViaRgb(bytes, options));
    ++files;
  }
  EXPECT_EQ(files, 20);
}

TEST(HashPhoto, FastPathEqualsTheLumaOnlyRgbDecodeInEveryJpegVariant) {
  const Image image = SyntheticImage(320, 240);
  using Color = JpegEncodeOptions::Color;
  for (Color color : {Color::kYcbcr, Color::kGrey, Color::kCmyk, Color::kYcck}) {
    for (bool progressive : {false, true}) {
      for (bool arithmetic : {false, true}) {
        for (int orientation = 0; orientation <= 8; ++orientation) {
          JpegEncodeOptions o;
          o.color = color;
          o.progressive = progressive;
          o.arithmetic = arithmetic;
          o.exif_orientation = orientation;
          SCOPED_TRACE(::testing::Message()
                       << "color " << static_cast<int>(color) << " progressive " << progressive
                       << " arithmetic " << arithmetic << " orientation " << orientation);
          const auto bytes = EncodeJpeg(image, o);
          for (int min_side : {0, 100}) {  // full size, and 4/8 = 1/2 on both paths
            DecodeOptions options = FastPathDecodeOptions();
            options.jpeg_min_short_side = min_side;
            auto fast = HashPhoto(bytes, options);
            ASSERT_TRUE(fast.ok()) << fast.status().ToString();
            ExpectSame(*fast, ViaRgb(bytes, options));
          }
        }
      }
    }
  }
}

// The fast path's plane against libjpeg's own grey decode of the whole file
// (every scan, three components) at the same scale: progressive files go
// through their luma's own frame, sequential ones are decoded as they are.
// min_side decodes at scale_num/8.
void ExpectPlaneIsTheWholeFilesLuma(const std::vector<uint8_t>& bytes, int min_side,
                                    int scale_num) {
  DecodeOptions options = FastPathDecodeOptions();
  options.jpeg_min_short_side = min_side;
  internal::LumaPlane plane;
  auto decoded = internal::DecodeJpegLuma(bytes, options, plane);
  ASSERT_TRUE(decoded.ok() && *decoded);
  int width = 0, height = 0;
  const std::vector<uint8_t> grey = testing::DecodeJpegGrey(bytes, scale_num, &width, &height);
  ASSERT_EQ(plane.width, width);
  ASSERT_EQ(plane.height, height);
  const auto& table = internal::GreyLuma();
  for (size_t i = 0; i < grey.size(); ++i) ASSERT_EQ(plane.luma[i], table[grey[i]]) << i;
}

TEST(HashPhoto, LumaPlaneIsTheWholeFilesLuma) {
  const Image image = SyntheticImage(640, 480);
  using Color = JpegEncodeOptions::Color;
  for (bool progressive : {false, true}) {
    for (bool chroma_444 : {false, true}) {
      // RGB files: their grey needs all three components, none is left out.
      for (Color color : {Color::kYcbcr, Color::kRgb}) {
        SCOPED_TRACE(::testing::Message() << "progressive " << progressive << " 4:4:4 "
                                          << chroma_444 << " rgb " << (color == Color::kRgb));
        const auto bytes = EncodeJpeg(
            image, {.progressive = progressive, .color = color, .chroma_444 = chroma_444});
        ExpectPlaneIsTheWholeFilesLuma(bytes, 0, 8);
        ExpectPlaneIsTheWholeFilesLuma(bytes, 256, 5);  // 480 * 5/8 = 300
      }
    }
  }
}

TEST(HashPhoto, DamagedJpegsAreErrorsOnTheFastPath) {
  const Image image = SyntheticImage(400, 300);
  for (bool progressive : {false, true}) {
    const auto bytes = EncodeJpeg(image, {.progressive = progressive});
    // Truncated anywhere past the header (also inside a chroma scan that the
    // fast path leaves out): an error, never a picture padded with grey.
    for (size_t keep = bytes.size() / 3; keep < bytes.size() - 2; keep += bytes.size() / 7) {
      const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(keep));
      EXPECT_FALSE(HashPhoto(cut).ok()) << "progressive " << progressive << ", " << keep;
    }
    // Every byte of the marker structure damaged in turn: a Status, no crash.
    for (size_t at = 0; at < std::min<size_t>(bytes.size(), 900); at += 3) {
      std::vector<uint8_t> bad = bytes;
      bad[at] ^= 0x5A;
      (void)HashPhoto(bad);
    }
  }
  EXPECT_FALSE(HashPhoto(std::vector<uint8_t>{0xFF, 0xD8, 0xFF}).ok());
}

}  // namespace
}  // namespace counterfoil::imaging

namespace counterfoil::imaging {
namespace {

TEST(HashPhoto, FastPathScalesByEighthsToTheSmallestAllowedSize) {
  const Image image = testing::SyntheticImage(803, 1000);  // shorter side 803
  const auto bytes = testing::EncodeJpeg(image, {.progressive = true});
  internal::LumaPlane plane;
  for (const auto& [min_side, width, height] :
       std::vector<std::tuple<int, int, int>>{{0, 803, 1000},
                                              {256, 302, 375},     // 3/8: ceil(803 * 3 / 8) = 302
                                              {100, 101, 125},     // 1/8
                                              {700, 703, 875}}) {  // 7/8
    DecodeOptions options = FastPathDecodeOptions();
    options.jpeg_min_short_side = min_side;
    auto decoded = internal::DecodeJpegLuma(bytes, options, plane);
    ASSERT_TRUE(decoded.ok() && *decoded) << min_side;
    EXPECT_EQ(plane.width, width) << min_side;
    EXPECT_EQ(plane.height, height) << min_side;
  }
}

}  // namespace
}  // namespace counterfoil::imaging
