// The fast path's own baseline decoder against libjpeg: wherever it takes a
// file, its samples are exactly libjpeg-turbo's grey decode of the whole file
// at the same M/8 scale (compared sample for sample on the sequential sample
// photos and on synthetic JPEGs in every sampling layout, size, restart
// interval, quality and table choice, at every M it decodes), with the same
// EXIF orientation; it leaves every other kind of file to libjpeg; and
// damaged files (every cut, bytes changed in the scan) are either left to
// libjpeg or decoded exactly as libjpeg decodes them.
#include "imaging/internal/jpeg_baseline_luma.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "imaging/internal/luma_decoder_testing.h"
#include "imaging/photo_hash.h"
#include "imaging/testing/test_images.h"

namespace counterfoil::imaging::internal {
namespace {

using testing::SyntheticImage;

// A sequential JPEG written by libjpeg with the sampling factors, restart
// interval, quality and Huffman tables given.
struct Variant {
  int h = 2, v = 2;  // luma sampling (chroma 1x1); 0: greyscale
  int quality = 95;
  int restart_interval = 0;  // MCUs
  bool optimize = false;     // Huffman tables of the image's own statistics
  bool rgb = false;          // Adobe transform 0: R, G, B components
  bool arithmetic = false;
  bool progressive = false;
  int exif_orientation = 0;
};

std::vector<uint8_t> Encode(const Image& image, const Variant& v) {
  using Color = testing::JpegEncodeOptions::Color;
  return testing::EncodeJpeg(
      image, {.quality = v.quality,
              .progressive = v.progressive,
              .arithmetic = v.arithmetic,
              .color = v.h == 0 ? Color::kGrey : v.rgb ? Color::kRgb : Color::kYcbcr,
              .luma_h = v.h,
              .luma_v = v.v,
              .optimize_coding = v.optimize,
              .restart_interval = v.restart_interval,
              .exif_orientation = v.exif_orientation});
}

using luma_testing::ExpectSamePlane;
using luma_testing::kScales;
using luma_testing::MinShortSideFor;
using luma_testing::OptionsFor;

void ExpectExactAt(const std::vector<uint8_t>& bytes, int m, int width, int height) {
  luma_testing::ExpectExactAt(DecodeBaselineLuma, bytes, m, width, height);
}

TEST(BaselineLuma, SamplePhotosDecodeExactlyAsLibjpegAtEveryScale) {
  const std::filesystem::path dir = std::string(SHARED_TESTDATA) + "/pdq/files";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int taken = 0;
  for (const auto& [name, bytes] : testing::ReadJpegFiles(dir)) {
    SCOPED_TRACE(name);
    LumaPlane plane;
    if (!DecodeBaselineLuma(bytes, FastPathDecodeOptions(), plane)) continue;  // progressive
    ++taken;
    int width = 0, height = 0;
    (void)testing::DecodeJpegGrey(bytes, 8, &width, &height);
    for (int m : kScales) ExpectExactAt(bytes, m, width, height);
  }
  EXPECT_EQ(taken, 13);  // the sequential ones
}

TEST(BaselineLuma, SyntheticJpegsDecodeExactlyAsLibjpeg) {
  struct Size {
    int width, height;
  };
  for (const Size size : {Size{333, 250}, Size{17, 9}, Size{1, 1}, Size{64, 48}, Size{40, 121}}) {
    const Image image = SyntheticImage(size.width, size.height);
    for (const auto& [h, v] : std::vector<std::pair<int, int>>{{2, 2}, {2, 1}, {1, 1}, {0, 0}}) {
      for (int restart : {0, 1, 7}) {
        for (int quality : {50, 95, 100}) {
          for (bool optimize : {false, true}) {
            SCOPED_TRACE(::testing::Message() << size.width << "x" << size.height << " luma " << h
                                              << "x" << v << " restart " << restart << " quality "
                                              << quality << " optimised " << optimize);
            const auto bytes = Encode(image, {.h = h,
                                              .v = v,
                                              .quality = quality,
                                              .restart_interval = restart,
                                              .optimize = optimize});
            for (int m : kScales) ExpectExactAt(bytes, m, size.width, size.height);
          }
        }
      }
    }
  }
}

TEST(BaselineLuma, ReadsTheExifOrientationAsTheLibjpegPathDoes) {
  const Image image = SyntheticImage(96, 64);
  for (int orientation = 0; orientation <= 8; ++orientation) {
    const auto bytes = Encode(image, {.exif_orientation = orientation});
    for (bool apply : {true, false}) {
      DecodeOptions options = OptionsFor(32);
      options.apply_exif_orientation = apply;
      LumaPlane ours, theirs;
      ASSERT_TRUE(DecodeBaselineLuma(bytes, options, ours));
      ASSERT_TRUE(*DecodeJpegLumaWithLibjpeg(bytes, options, theirs));
      const Orientation want =
          apply && orientation > 0 ? static_cast<Orientation>(orientation) : Orientation::kNormal;
      EXPECT_EQ(ours.orientation, want) << orientation;
      ExpectSamePlane(ours, theirs);
    }
  }
}

TEST(BaselineLuma, LeavesOtherKindsOfFileToLibjpeg) {
  const Image image = SyntheticImage(64, 48);
  LumaPlane plane;
  for (const Variant& v : {Variant{.progressive = true}, Variant{.arithmetic = true},
                           Variant{.h = 1, .v = 1, .rgb = true}}) {
    EXPECT_FALSE(DecodeBaselineLuma(Encode(image, v), FastPathDecodeOptions(), plane));
  }
  // Luma without the largest sampling factors (chroma would be upsampled).
  auto bytes = Encode(image, {.h = 1, .v = 1});
  // SOF0: find it and give the second component 2x2 sampling.
  for (size_t i = 0; i + 1 < bytes.size(); ++i) {
    if (bytes[i] == 0xFF && bytes[i + 1] == 0xC0) {
      bytes[i + 2 + 2 + 6 + 3 + 1] = 0x22;
      break;
    }
  }
  EXPECT_FALSE(DecodeBaselineLuma(bytes, FastPathDecodeOptions(), plane));
  // Over the pixel limit.
  DecodeOptions small = FastPathDecodeOptions();
  small.max_pixels = 64 * 48 - 1;
  EXPECT_FALSE(DecodeBaselineLuma(Encode(image, {}), small, plane));
  EXPECT_FALSE(DecodeBaselineLuma(std::vector<uint8_t>{0xFF, 0xD8, 0xFF}, small, plane));
}

// A damaged file is either left to libjpeg or decoded exactly as libjpeg
// decodes it (and then libjpeg finds nothing wrong with it either).
void ExpectFallbackOrSame(const std::vector<uint8_t>& bytes, const DecodeOptions& options) {
  LumaPlane ours;
  if (!DecodeBaselineLuma(bytes, options, ours)) return;
  LumaPlane theirs;
  auto decoded = DecodeJpegLumaWithLibjpeg(bytes, options, theirs);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_TRUE(*decoded);
  ExpectSamePlane(ours, theirs);
}

TEST(BaselineLuma, DamagedFilesAreLeftToLibjpegOrDecodedAsLibjpegDoes) {
  const Image image = SyntheticImage(48, 40);
  for (int restart : {0, 2}) {
    const auto bytes = Encode(image, {.quality = 90, .restart_interval = restart});
    for (int m : {3, 8}) {
      const DecodeOptions options = OptionsFor(MinShortSideFor(m, 48, 40));
      SCOPED_TRACE(::testing::Message() << "restart " << restart << " M = " << m);
      for (size_t keep = 0; keep < bytes.size(); ++keep) {
        const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(keep));
        LumaPlane plane;
        EXPECT_FALSE(DecodeBaselineLuma(cut, options, plane)) << "cut at " << keep;
      }
      for (size_t at = 2; at < bytes.size(); ++at) {
        for (uint8_t flip : {0x01, 0x10, 0x80, 0xFF}) {
          std::vector<uint8_t> bad = bytes;
          bad[at] ^= flip;
          SCOPED_TRACE(::testing::Message() << "byte " << at << " ^ " << int{flip});
          ExpectFallbackOrSame(bad, options);
          if (::testing::Test::HasFatalFailure()) return;
        }
      }
    }
  }
}

TEST(BaselineLuma, ScaleNumeratorIsTheSmallestThatKeepsTheShortSide) {
  EXPECT_EQ(LumaScaleNumerator(1600, 1004, 256), 3);  // 377
  EXPECT_EQ(LumaScaleNumerator(1004, 1600, 252), 3);
  EXPECT_EQ(LumaScaleNumerator(1600, 1004, 251), 2);
  EXPECT_EQ(LumaScaleNumerator(723, 1000, 256), 3);  // 272
  EXPECT_EQ(LumaScaleNumerator(512, 512, 256), 4);
  EXPECT_EQ(LumaScaleNumerator(256, 256, 256), 8);
  EXPECT_EQ(LumaScaleNumerator(100, 100, 256), 8);
  EXPECT_EQ(LumaScaleNumerator(100, 100, 0), 8);
}

}  // namespace
}  // namespace counterfoil::imaging::internal
