// The luma frame (jpeg_luma_frame.h): libjpeg decodes the rewritten file to
// exactly the luma samples of the whole file, at full size and at the fast
// path's scales, in the progressive layouts libjpeg writes (4:2:0 with dummy
// blocks in the interleaved MCUs, 4:4:4, DC successive approximation,
// restart intervals) and on the progressive sample photos; files it must not
// rewrite are refused, and damaged DC scans are refused, never a crash.
#include "imaging/internal/jpeg_luma_frame.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "imaging/decode.h"
#include "imaging/photo_hash.h"
#include "imaging/testing/test_images.h"

namespace counterfoil::imaging::internal {
namespace {

using testing::DecodeJpegGrey;
using testing::EncodeJpeg;
using testing::JpegEncodeOptions;
using testing::SyntheticImage;

// Both files decode to the same grey samples at scale_num/8.
void ExpectSameLuma(const std::vector<uint8_t>& whole, const std::vector<uint8_t>& frame,
                    int scale_num) {
  SCOPED_TRACE(::testing::Message() << "scale " << scale_num << "/8");
  int w1 = 0, h1 = 0, w2 = 0, h2 = 0;
  const std::vector<uint8_t> a = DecodeJpegGrey(whole, scale_num, &w1, &h1);
  const std::vector<uint8_t> b = DecodeJpegGrey(frame, scale_num, &w2, &h2);
  ASSERT_EQ(w1, w2);
  ASSERT_EQ(h1, h2);
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i], b[i]) << "sample " << i % w1 << "," << i / w1;
  }
}

// The number of components of the frame header (SOF0..2), found by walking
// the marker segments (an EXIF thumbnail holds a JPEG of its own).
int FrameComponents(const std::vector<uint8_t>& b) {
  size_t i = 2;
  while (i + 10 <= b.size() && b[i] == 0xFF) {
    if (b[i + 1] >= 0xC0 && b[i + 1] <= 0xC2) return b[i + 9];
    i += 2 + ((size_t{b[i + 2]} << 8) | b[i + 3]);
  }
  return 0;
}

TEST(JpegLumaFrame, LumaSamplesEqualThoseOfTheWholeFile) {
  struct Size {
    int width, height;
  };
  // 333x251: partial MCUs on both edges (4:2:0: 21x16 MCUs of 2x2 luma blocks
  // for 42x32 luma blocks, so the last column and row are dummies).
  for (Size size : {Size{640, 480}, Size{333, 251}, Size{17, 9}, Size{700, 8}}) {
    const Image image = SyntheticImage(size.width, size.height);
    for (bool chroma_444 : {false, true}) {
      for (int restart_interval : {0, 1, 7}) {
        for (int quality : {50, 95}) {
          SCOPED_TRACE(::testing::Message()
                       << size.width << "x" << size.height << " 4:4:4 " << chroma_444
                       << " restarts " << restart_interval << " quality " << quality);
          const auto bytes = EncodeJpeg(image, {.quality = quality,
                                                .progressive = true,
                                                .chroma_444 = chroma_444,
                                                .restart_interval = restart_interval});
          std::vector<uint8_t> frame;
          ASSERT_TRUE(TranscodeToLumaFrame(bytes, kDefaultMaxPixels, frame));
          EXPECT_EQ(FrameComponents(bytes), 3);
          EXPECT_EQ(FrameComponents(frame), 1);
          EXPECT_LT(frame.size(), bytes.size());
          for (int scale : {8, 5, 3, 1}) ExpectSameLuma(bytes, frame, scale);
        }
      }
    }
  }
}

TEST(JpegLumaFrame, ProgressiveSamplePhotosKeepTheirLuma) {
  const std::filesystem::path dir = std::string(SHARED_TESTDATA) + "/pdq/files";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int progressive = 0;
  for (const auto& [name, bytes] : testing::ReadJpegFiles(dir)) {
    SCOPED_TRACE(name);
    std::vector<uint8_t> frame;
    if (!TranscodeToLumaFrame(bytes, kDefaultMaxPixels, frame)) continue;  // the baseline ones
    ++progressive;
    EXPECT_EQ(FrameComponents(frame), 1);
    for (int scale : {8, 3}) ExpectSameLuma(bytes, frame, scale);
  }
  EXPECT_EQ(progressive, 7);
}

TEST(JpegLumaFrame, RefusesFilesItDoesNotRewrite) {
  const Image image = SyntheticImage(64, 48);
  using Color = JpegEncodeOptions::Color;
  std::vector<uint8_t> frame;
  EXPECT_FALSE(TranscodeToLumaFrame(EncodeJpeg(image), kDefaultMaxPixels, frame));  // baseline
  EXPECT_FALSE(TranscodeToLumaFrame(EncodeJpeg(image, {.progressive = true, .arithmetic = true}),
                                    kDefaultMaxPixels, frame));
  EXPECT_FALSE(TranscodeToLumaFrame(
      EncodeJpeg(testing::GreyImage(image), {.progressive = true, .color = Color::kGrey}),
      kDefaultMaxPixels, frame));  // one component already
  const auto progressive = EncodeJpeg(image, {.progressive = true, .chroma_444 = true});
  EXPECT_TRUE(TranscodeToLumaFrame(progressive, kDefaultMaxPixels, frame));
  EXPECT_FALSE(TranscodeToLumaFrame(progressive, 64 * 48 - 1, frame));  // over the pixel limit
  // The luma without the largest sampling factors (Cb at 2x2): its samples
  // would be upsampled in the whole frame, not in a frame of its own.
  std::vector<uint8_t> odd = progressive;
  for (size_t i = 2; i + 14 < odd.size(); ++i) {
    if (odd[i] == 0xFF && odd[i + 1] == 0xC2) {
      odd[i + 14] = 0x22;  // the second component's H/V
      break;
    }
  }
  EXPECT_FALSE(TranscodeToLumaFrame(odd, kDefaultMaxPixels, frame));
  EXPECT_FALSE(TranscodeToLumaFrame(std::vector<uint8_t>{0xFF, 0xD8}, kDefaultMaxPixels, frame));
  EXPECT_FALSE(TranscodeToLumaFrame(std::vector<uint8_t>{}, kDefaultMaxPixels, frame));
}

// The start and end of the first scan's entropy-coded data.
std::pair<size_t, size_t> FirstScanData(const std::vector<uint8_t>& b) {
  size_t i = 2;
  while (i + 4 <= b.size()) {
    const size_t length = (size_t{b[i + 2]} << 8) | b[i + 3];
    if (b[i + 1] == 0xDA) {
      size_t end = i + 2 + length;
      while (end + 1 < b.size() &&
             !(b[end] == 0xFF && b[end + 1] != 0x00 && (b[end + 1] < 0xD0 || b[end + 1] > 0xD7))) {
        ++end;
      }
      return {i + 2 + length, end};
    }
    i += 2 + length;
  }
  return {0, 0};
}

TEST(JpegLumaFrame, DamagedDcScansAreRefusedOrErrorsNeverACrash) {
  const Image image = SyntheticImage(120, 90);
  for (int restart_interval : {0, 3}) {
    const auto bytes =
        EncodeJpeg(image, {.progressive = true, .restart_interval = restart_interval});
    const auto [begin, end] = FirstScanData(bytes);
    ASSERT_LT(begin, end);
    std::vector<uint8_t> frame;
    // Cut inside the interleaved DC scan: refused (the data runs out) unless
    // only padding was cut, and either way the fast path reports an error.
    for (size_t keep = begin; keep < end; keep += 3) {
      const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(keep));
      if (keep + 1 < end) {
        EXPECT_FALSE(TranscodeToLumaFrame(cut, kDefaultMaxPixels, frame)) << keep;
      }
      EXPECT_FALSE(HashPhoto(cut).ok()) << keep;
    }
    // Every byte of the scan changed in turn: no crash, a hash or a Status.
    for (size_t at = begin; at < end; ++at) {
      std::vector<uint8_t> bad = bytes;
      bad[at] ^= 0x21;
      (void)TranscodeToLumaFrame(bad, kDefaultMaxPixels, frame);
      (void)HashPhoto(bad);
    }
  }
}

}  // namespace
}  // namespace counterfoil::imaging::internal
