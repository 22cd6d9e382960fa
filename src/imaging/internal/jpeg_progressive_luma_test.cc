// The fast path's own progressive decoder against libjpeg: wherever it takes
// a file, its samples are exactly libjpeg-turbo's grey decode of the whole
// file at the same M/8 scale (compared sample for sample on the progressive
// sample photos and on synthetic JPEGs with libjpeg's default progression —
// successive approximation, end-of-band runs — and with a spectral-selection
// script like the sample photos', in every sampling layout, odd sizes,
// restart intervals, qualities and table choices, at every M it decodes),
// with the same EXIF orientation; it leaves other kinds of file to libjpeg;
// and damaged files (every cut, bytes changed in the scans) are either left
// to libjpeg or decoded exactly as libjpeg decodes them.
#include "imaging/internal/jpeg_progressive_luma.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "imaging/internal/jpeg_baseline_luma.h"
#include "imaging/internal/luma_decoder_testing.h"
#include "imaging/photo_hash.h"
#include "imaging/testing/test_images.h"

namespace counterfoil::imaging::internal {
namespace {

using testing::SyntheticImage;

enum class Script {
  kSimple,    // jpeg_simple_progression: DC and AC successive approximation
  kSpectral,  // the sample photos': spectral selection only, DC interleaved
};

struct Variant {
  int h = 2, v = 2;  // luma sampling (chroma 1x1); 0: greyscale
  int quality = 95;
  int restart_interval = 0;  // MCUs
  bool optimize = false;
  Script script = Script::kSimple;
  bool rgb = false;  // Adobe transform 0: R, G, B components
  bool arithmetic = false;
  int exif_orientation = 0;
};

std::vector<uint8_t> Encode(const Image& image, const Variant& v) {
  using Color = testing::JpegEncodeOptions::Color;
  return testing::EncodeJpeg(
      image, {.quality = v.quality,
              .progressive = v.script == Script::kSimple,
              .arithmetic = v.arithmetic,
              .color = v.h == 0 ? Color::kGrey : v.rgb ? Color::kRgb : Color::kYcbcr,
              .luma_h = v.h,
              .luma_v = v.v,
              .spectral_selection = v.script == Script::kSpectral,
              .optimize_coding = v.optimize,
              .restart_interval = v.restart_interval,
              .exif_orientation = v.exif_orientation});
}

using luma_testing::ExpectSamePlane;
using luma_testing::kScales;
using luma_testing::MinShortSideFor;
using luma_testing::OptionsFor;

void ExpectExactAt(const std::vector<uint8_t>& bytes, int m, int width, int height) {
  luma_testing::ExpectExactAt(DecodeProgressiveLuma, bytes, m, width, height);
}

TEST(ProgressiveLuma, SamplePhotosDecodeExactlyAsLibjpegAtEveryScale) {
  const std::filesystem::path dir = std::string(SHARED_TESTDATA) + "/pdq/files";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int taken = 0;
  for (const auto& [name, bytes] : testing::ReadJpegFiles(dir)) {
    SCOPED_TRACE(name);
    LumaPlane plane;
    if (!DecodeProgressiveLuma(bytes, FastPathDecodeOptions(), plane)) {
      EXPECT_TRUE(DecodeBaselineLuma(bytes, FastPathDecodeOptions(), plane));  // sequential
      continue;
    }
    ++taken;
    int width = 0, height = 0;
    (void)testing::DecodeJpegGrey(bytes, 8, &width, &height);
    for (int m : kScales) ExpectExactAt(bytes, m, width, height);
  }
  EXPECT_EQ(taken, 7);  // the progressive ones
}

TEST(ProgressiveLuma, SyntheticJpegsDecodeExactlyAsLibjpeg) {
  struct Size {
    int width, height;
  };
  for (const Size size : {Size{333, 250}, Size{17, 9}, Size{1, 1}, Size{64, 48}, Size{40, 121}}) {
    const Image image = SyntheticImage(size.width, size.height);
    for (const auto& [h, v] : std::vector<std::pair<int, int>>{{2, 2}, {2, 1}, {1, 1}, {0, 0}}) {
      for (Script script : {Script::kSimple, Script::kSpectral}) {
        for (int restart : {0, 1, 7}) {
          for (int quality : {50, 95, 100}) {
            for (bool optimize : {false, true}) {
              SCOPED_TRACE(::testing::Message()
                           << size.width << "x" << size.height << " luma " << h << "x" << v
                           << (script == Script::kSimple ? " simple" : " spectral") << " restart "
                           << restart << " quality " << quality << " optimised " << optimize);
              const auto bytes = Encode(image, {.h = h,
                                                .v = v,
                                                .quality = quality,
                                                .restart_interval = restart,
                                                .optimize = optimize,
                                                .script = script});
              for (int m : kScales) ExpectExactAt(bytes, m, size.width, size.height);
              if (::testing::Test::HasFatalFailure()) return;
            }
          }
        }
      }
    }
  }
}

TEST(ProgressiveLuma, ReadsTheExifOrientationAsTheLibjpegPathDoes) {
  const Image image = SyntheticImage(96, 64);
  for (int orientation = 0; orientation <= 8; ++orientation) {
    const auto bytes = Encode(image, {.exif_orientation = orientation});
    for (bool apply : {true, false}) {
      DecodeOptions options = OptionsFor(32);
      options.apply_exif_orientation = apply;
      LumaPlane ours, theirs;
      ASSERT_TRUE(DecodeProgressiveLuma(bytes, options, ours));
      ASSERT_TRUE(*DecodeJpegLumaWithLibjpeg(bytes, options, theirs));
      const Orientation want =
          apply && orientation > 0 ? static_cast<Orientation>(orientation) : Orientation::kNormal;
      EXPECT_EQ(ours.orientation, want) << orientation;
      ExpectSamePlane(ours, theirs);
    }
  }
}

TEST(ProgressiveLuma, LeavesOtherKindsOfFileToLibjpeg) {
  const Image image = SyntheticImage(64, 48);
  LumaPlane plane;
  // Sequential, arithmetic-coded progressive, RGB.
  EXPECT_FALSE(
      DecodeProgressiveLuma(testing::EncodeJpeg(image, {}), FastPathDecodeOptions(), plane));
  EXPECT_FALSE(
      DecodeProgressiveLuma(Encode(image, {.arithmetic = true}), FastPathDecodeOptions(), plane));
  EXPECT_FALSE(DecodeProgressiveLuma(Encode(image, {.h = 1, .v = 1, .rgb = true}),
                                     FastPathDecodeOptions(), plane));
  // Over the pixel limit.
  DecodeOptions small = FastPathDecodeOptions();
  small.max_pixels = 64 * 48 - 1;
  EXPECT_FALSE(DecodeProgressiveLuma(Encode(image, {}), small, plane));
  // M = 5..7 (a 300-pixel short side decodes at 7/8 for 256).
  EXPECT_FALSE(
      DecodeProgressiveLuma(Encode(SyntheticImage(300, 300), {}), FastPathDecodeOptions(), plane));
  EXPECT_FALSE(DecodeProgressiveLuma(std::vector<uint8_t>{0xFF, 0xD8, 0xFF}, small, plane));
}

// Scan scripts libjpeg refuses or only warns about are left to it.
TEST(ProgressiveLuma, LeavesInvalidScanScriptsToLibjpeg) {
  const Image image = SyntheticImage(64, 48);
  const auto bytes = Encode(image, {.h = 1, .v = 1, .script = Script::kSpectral});
  // The SOS segments' Ss, Se, Ah/Al bytes.
  std::vector<size_t> params;
  for (size_t i = 0; i + 4 < bytes.size(); ++i) {
    if (bytes[i] == 0xFF && bytes[i + 1] == 0xDA) {
      const size_t length = (size_t{bytes[i + 2]} << 8) | bytes[i + 3];
      params.push_back(i + 2 + length - 3);
    }
  }
  ASSERT_EQ(params.size(), 7u);
  LumaPlane plane;
  ASSERT_TRUE(DecodeProgressiveLuma(bytes, FastPathDecodeOptions(), plane));
  const auto with = [&](size_t scan, int field, uint8_t value) {
    std::vector<uint8_t> bad = bytes;
    bad[params[scan] + field] = value;
    return bad;
  };
  // The luma's AC 1-5 scan (the fourth): Ss > Se, Se = 64, a refinement
  // without its first scan, Al > 13; the DC scan with Se != 0; the luma's
  // AC 6-63 scan made 1-63 (a first scan repeated over 1..5).
  for (const std::vector<uint8_t>& bad : {with(3, 0, 6), with(3, 1, 64), with(3, 2, 0x10),
                                          with(3, 2, 0x0E), with(0, 1, 1), with(6, 0, 1)}) {
    EXPECT_FALSE(DecodeProgressiveLuma(bad, FastPathDecodeOptions(), plane));
  }
}

// A damaged file is either left to libjpeg or decoded exactly as libjpeg
// decodes it (and then libjpeg finds nothing wrong with it either). Counts
// the files decoded.
void ExpectFallbackOrSame(const std::vector<uint8_t>& bytes, const DecodeOptions& options,
                          int& decoded_count) {
  LumaPlane ours;
  if (!DecodeProgressiveLuma(bytes, options, ours)) return;
  ++decoded_count;
  LumaPlane theirs;
  auto decoded = DecodeJpegLumaWithLibjpeg(bytes, options, theirs);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_TRUE(*decoded);
  ExpectSamePlane(ours, theirs);
}

TEST(ProgressiveLuma, DamagedFilesAreLeftToLibjpegOrDecodedAsLibjpegDoes) {
  const Image image = SyntheticImage(40, 24);
  for (Script script : {Script::kSimple, Script::kSpectral}) {
    for (int restart : {0, 2}) {
      const auto bytes =
          Encode(image, {.quality = 90, .restart_interval = restart, .script = script});
      for (int m : {3, 8}) {
        const DecodeOptions options = OptionsFor(MinShortSideFor(m, 40, 24));
        SCOPED_TRACE(::testing::Message() << (script == Script::kSimple ? "simple" : "spectral")
                                          << " restart " << restart << " M = " << m);
        for (size_t keep = 0; keep < bytes.size(); ++keep) {
          const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(keep));
          LumaPlane plane;
          EXPECT_FALSE(DecodeProgressiveLuma(cut, options, plane)) << "cut at " << keep;
        }
        int decoded =
            0;  // flipped files our decoder still takes (most bytes are entropy-coded data)
        for (size_t at = 2; at < bytes.size(); ++at) {
          for (uint8_t flip : {0x01, 0x10, 0x80, 0xFF}) {
            std::vector<uint8_t> bad = bytes;
            bad[at] ^= flip;
            SCOPED_TRACE(::testing::Message() << "byte " << at << " ^ " << int{flip});
            ExpectFallbackOrSame(bad, options, decoded);
            if (::testing::Test::HasFatalFailure()) return;
          }
        }
        EXPECT_GT(decoded, static_cast<int>(bytes.size()));
        std::printf("%s restart %d M = %d: %d of %zu flipped files decoded\n",
                    script == Script::kSimple ? "simple" : "spectral", restart, m, decoded,
                    4 * (bytes.size() - 2));
      }
    }
  }
}

}  // namespace
}  // namespace counterfoil::imaging::internal
