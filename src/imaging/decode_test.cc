#include "imaging/decode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

// libjpeg directly, to write a progressive file with a custom scan script.
// clang-format off
#include <cstdio>  // jpeglib.h needs FILE declared first
#include <jpeglib.h>
// clang-format on

#include "imaging/photo_hash.h"
#include "imaging/testing/test_images.h"

namespace counterfoil::imaging {
namespace {

using testing::EncodeJpeg;
using testing::EncodePng;
using testing::EncodePnm;
using testing::EncodeWebp;
using testing::GreyImage;
using testing::JpegEncodeOptions;
using testing::PngColor;
using testing::SyntheticImage;
using testing::TestAlpha;
using Color = JpegEncodeOptions::Color;

std::vector<uint8_t> Bytes(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

// Mean absolute difference per sample; lossy codecs land within a few levels.
double MeanError(const Image& a, const Image& b) {
  if (a.rgb.size() != b.rgb.size()) return 1e9;
  double sum = 0;
  for (size_t i = 0; i < a.rgb.size(); ++i) sum += std::abs(int{a.rgb[i]} - int{b.rgb[i]});
  return sum / static_cast<double>(a.rgb.size());
}

// The image composited over white with TestAlpha, as decoders must return it.
Image OverWhite(const Image& img) {
  Image out = img;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        out.row(y)[3 * x + c] = internal::OverWhite(img.row(y)[3 * x + c], TestAlpha(x, img.width));
      }
    }
  }
  return out;
}

void ExpectError(const Result<Image>& r, StatusCode code, std::string_view fragment) {
  ASSERT_FALSE(r.ok()) << "decoded an image of " << r->width << "x" << r->height;
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().message();
}

// ---- sniffing -------------------------------------------------------------

TEST(DecodeImage, SniffsEachFormatByItsMagic) {
  const Image img = SyntheticImage(20, 10);
  EXPECT_EQ(SniffImageFormat(EncodeJpeg(img)), ImageFormat::kJpeg);
  EXPECT_EQ(SniffImageFormat(EncodePng(img)), ImageFormat::kPng);
  EXPECT_EQ(SniffImageFormat(EncodeWebp(img)), ImageFormat::kWebp);
  EXPECT_EQ(SniffImageFormat(EncodePnm(img)), ImageFormat::kPnm);
  for (const auto& bytes : {EncodeJpeg(img), EncodePng(img), EncodeWebp(img), EncodePnm(img)}) {
    auto r = DecodeImage(bytes);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->width, 20);
    EXPECT_EQ(r->height, 10);
  }
}

TEST(DecodeImage, RefusesWhatIsNotAnImage) {
  ExpectError(DecodeImage({}), StatusCode::kInvalidArgument, "empty");
  ExpectError(DecodeImage(Bytes("GIF89a\x01\x00\x01\x00")), StatusCode::kInvalidArgument, "magic");
  ExpectError(DecodeImage(Bytes("%PDF-1.7")), StatusCode::kInvalidArgument, "magic");
  ExpectError(DecodeJpeg(EncodePng(SyntheticImage(8, 8))), StatusCode::kInvalidArgument,
              "JPEG: wrong magic");
  ExpectError(DecodePng(EncodeJpeg(SyntheticImage(8, 8))), StatusCode::kInvalidArgument,
              "PNG: wrong magic");
  ExpectError(DecodeWebp(EncodePnm(SyntheticImage(8, 8))), StatusCode::kInvalidArgument,
              "WebP: wrong magic");
  ExpectError(DecodePnm(EncodeWebp(SyntheticImage(8, 8))), StatusCode::kInvalidArgument,
              "PPM/PGM: wrong magic");
}

// ---- JPEG -----------------------------------------------------------------

TEST(DecodeJpeg, ReadsBaselineProgressiveArithmeticGreyCmykAndYcck) {
  const Image img = SyntheticImage(64, 48);
  const Image grey = GreyImage(img);
  const struct {
    const char* name;
    JpegEncodeOptions options;
    const Image* expected;
  } kCases[] = {
      {"baseline", {}, &img},
      {"progressive", {.progressive = true}, &img},
      {"arithmetic", {.arithmetic = true}, &img},
      {"grey", {.color = Color::kGrey}, &grey},
      {"cmyk", {.color = Color::kCmyk}, &img},
      {"ycck", {.color = Color::kYcck}, &img},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    auto r = DecodeJpeg(EncodeJpeg(*c.expected, c.options));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->width, 64);
    EXPECT_EQ(r->height, 48);
    EXPECT_LT(MeanError(*r, *c.expected), 4.0);
  }
}

TEST(DecodeJpeg, GreyDecodesToEqualChannels) {
  auto r = DecodeJpeg(EncodeJpeg(GreyImage(SyntheticImage(32, 32)), {.color = Color::kGrey}));
  ASSERT_TRUE(r.ok());
  for (size_t i = 0; i < r->pixel_count(); ++i) {
    ASSERT_EQ(r->rgb[3 * i], r->rgb[3 * i + 1]);
    ASSERT_EQ(r->rgb[3 * i], r->rgb[3 * i + 2]);
  }
}

TEST(DecodeJpeg, AppliesEveryExifOrientation) {
  const Image img = SyntheticImage(40, 24);
  DecodeOptions raw;
  raw.apply_exif_orientation = false;
  for (bool be : {false, true}) {
    for (int o = 1; o <= 8; ++o) {
      SCOPED_TRACE("orientation " + std::to_string(o) + (be ? " big-endian" : ""));
      const auto bytes = EncodeJpeg(img, {.exif_orientation = o, .exif_big_endian = be});
      auto stored = DecodeJpeg(bytes, raw);
      auto upright = DecodeJpeg(bytes);
      ASSERT_TRUE(stored.ok() && upright.ok());
      EXPECT_EQ(stored->width, 40);
      EXPECT_EQ(upright->width, o >= 5 ? 24 : 40);
      const Image expected = ApplyOrientation(*stored, static_cast<Orientation>(o));
      EXPECT_EQ(upright->rgb, expected.rgb);
      if (o != 1) {
        EXPECT_NE(upright->rgb, stored->rgb);
      }
    }
  }
}

TEST(DecodeJpeg, Rotate90ClockwisePutsTheTopRowOnTheRight) {
  Image img;
  img.width = 3;
  img.height = 2;
  img.rgb = {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6};
  const Image r = ApplyOrientation(img, Orientation::kRotate90Cw);
  ASSERT_EQ(r.width, 2);
  ASSERT_EQ(r.height, 3);
  // Stored rows (1 2 3) / (4 5 6) shown turned clockwise: (4 1) (5 2) (6 3).
  const std::vector<uint8_t> firsts = {r.rgb[0], r.rgb[3],  r.rgb[6],
                                       r.rgb[9], r.rgb[12], r.rgb[15]};
  EXPECT_EQ(firsts, (std::vector<uint8_t>{4, 1, 5, 2, 6, 3}));
}

TEST(DecodeJpeg, FastPathScalesInTheDctDomain) {
  EXPECT_EQ(JpegScaleDenominator(1600, 1004, 0), 1);
  EXPECT_EQ(JpegScaleDenominator(1600, 1004, 125), 8);  // ceil(1004 / 8) = 126
  EXPECT_EQ(JpegScaleDenominator(1600, 1004, 127), 4);
  EXPECT_EQ(JpegScaleDenominator(1004, 1600, 251), 4);
  EXPECT_EQ(JpegScaleDenominator(1004, 1600, 252), 2);
  EXPECT_EQ(JpegScaleDenominator(160, 100, 64), 1);
  EXPECT_EQ(JpegScaleDenominator(160, 100, 50), 2);

  const Image img = SyntheticImage(400, 250);
  DecodeOptions fast;
  fast.jpeg_min_short_side = 60;
  auto r = DecodeJpeg(EncodeJpeg(img), fast);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->width, 100);  // 1/4
  EXPECT_EQ(r->height, 63);  // ceil(250 / 4)
  auto full = DecodeJpeg(EncodeJpeg(img));
  EXPECT_LE(ComputePdq(*r).hash.Distance(ComputePdq(*full).hash), 31);  // still a match
}

TEST(DecodeJpeg, TruncatedFileIsAnErrorNotAGreyImage) {
  const auto bytes = EncodeJpeg(SyntheticImage(64, 64));
  for (size_t keep : {bytes.size() / 2, bytes.size() - 2, size_t{200}, size_t{20}, size_t{3}}) {
    SCOPED_TRACE(keep);
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(keep));
    auto r = DecodeJpeg(cut);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("JPEG: "), std::string::npos);
  }
  std::vector<uint8_t> half(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2));
  ExpectError(DecodeJpeg(half), StatusCode::kInvalidArgument, "truncated");
}

// Offset of the SOF0/SOF2 height field in a JPEG from EncodeJpeg.
size_t SofDimensionsAt(const std::vector<uint8_t>& j) {
  for (size_t i = 2; i + 9 < j.size(); ++i) {
    if (j[i] == 0xFF && (j[i + 1] == 0xC0 || j[i + 1] == 0xC2)) return i + 5;
  }
  return 0;
}

TEST(DecodeJpeg, ChecksDimensionsBeforeDecoding) {
  auto bytes = EncodeJpeg(SyntheticImage(16, 16));
  const size_t at = SofDimensionsAt(bytes);
  ASSERT_GT(at, 0u);
  auto with = [&](int w, int h) {
    std::vector<uint8_t> b = bytes;
    b[at] = static_cast<uint8_t>(h >> 8);
    b[at + 1] = static_cast<uint8_t>(h);
    b[at + 2] = static_cast<uint8_t>(w >> 8);
    b[at + 3] = static_cast<uint8_t>(w);
    return b;
  };
  // 65000 x 65000 is 4.2 gigapixels: refused from the header alone.
  ExpectError(DecodeJpeg(with(65000, 65000)), StatusCode::kResourceExhausted, "over the limit");
  ExpectError(DecodeJpeg(with(0, 16)), StatusCode::kInvalidArgument, "JPEG: ");
  DecodeOptions small;
  small.max_pixels = 255;
  ExpectError(DecodeJpeg(bytes, small), StatusCode::kResourceExhausted, "16x16 is 256 pixels");
}

TEST(DecodeJpeg, RefusesProgressiveFilesWithTooManyScans) {
  // A valid progressive JPEG of 1 + 3 * 63 * 4 = 757 scans: every AC
  // coefficient of every component on its own, in four successive
  // approximation steps.
  const Image img = SyntheticImage(16, 16);
  std::vector<uint8_t> bytes;
  {
    jpeg_compress_struct cinfo;
    jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&cinfo, &buf, &size);
    cinfo.image_width = 16;
    cinfo.image_height = 16;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    std::vector<jpeg_scan_info> scans;
    scans.push_back({3, {0, 1, 2, 0}, 0, 0, 0, 0});
    for (int c = 0; c < 3; ++c) {
      for (int k = 1; k < 64; ++k) {
        scans.push_back({1, {c, 0, 0, 0}, k, k, 0, 3});
        for (int al = 2; al >= 0; --al) scans.push_back({1, {c, 0, 0, 0}, k, k, al + 1, al});
      }
    }
    cinfo.scan_info = scans.data();
    cinfo.num_scans = static_cast<int>(scans.size());
    jpeg_start_compress(&cinfo, TRUE);
    for (int y = 0; y < 16; ++y) {
      JSAMPROW row = const_cast<uint8_t*>(img.row(y));
      jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    bytes.assign(buf, buf + size);
    std::free(buf);
  }
  ExpectError(DecodeJpeg(bytes), StatusCode::kInvalidArgument, "progressive scans");
}

TEST(DecodeJpeg, CorruptHeadersAreErrors) {
  ExpectError(DecodeJpeg(Bytes("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00")), StatusCode::kInvalidArgument,
              "JPEG: ");
  ExpectError(DecodeJpeg(Bytes("\xFF\xD8\xFF\xD9")), StatusCode::kInvalidArgument, "JPEG: ");
  auto bytes = EncodeJpeg(SyntheticImage(16, 16));
  const size_t at = SofDimensionsAt(bytes);
  bytes[at + 4] = 7;  // 7 components
  ExpectError(DecodeJpeg(bytes), StatusCode::kInvalidArgument, "JPEG: ");
}

// ---- PNG ------------------------------------------------------------------

// What a decoder must return for EncodePng(img, options): grey from the R
// channel (reduced to the bit depth and expanded back), alpha composited.
Image ExpectedPng(const Image& img, const testing::PngEncodeOptions& o) {
  Image out = img;
  const bool grey = o.color == PngColor::kGrey || o.color == PngColor::kGreyAlpha;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      uint8_t* p = out.row(y) + 3 * x;
      if (grey) {
        uint8_t g = p[0];
        if (o.bit_depth < 8) {
          const int max = (1 << o.bit_depth) - 1;
          g = static_cast<uint8_t>((g >> (8 - o.bit_depth)) * (255 / max));
        }
        p[0] = p[1] = p[2] = g;
      }
    }
  }
  if (o.color == PngColor::kGreyAlpha || o.color == PngColor::kRgba) return OverWhite(out);
  return out;
}

TEST(DecodePng, ReadsEveryColourTypeAndDepth) {
  const Image img = SyntheticImage(37, 23);  // odd sizes exercise Adam7's edges
  const Image grey = GreyImage(img);
  const Image few = SyntheticImage(37, 23, 8);
  const struct {
    const Image* in;
    testing::PngEncodeOptions o;
  } kCases[] = {
      {&grey, {PngColor::kGrey, 1}},       {&grey, {PngColor::kGrey, 2}},
      {&grey, {PngColor::kGrey, 4}},       {&grey, {PngColor::kGrey, 8}},
      {&grey, {PngColor::kGrey, 16}},      {&grey, {PngColor::kGreyAlpha, 8}},
      {&grey, {PngColor::kGreyAlpha, 16}}, {&img, {PngColor::kRgb, 8}},
      {&img, {PngColor::kRgb, 16}},        {&img, {PngColor::kRgba, 8}},
      {&img, {PngColor::kRgba, 16}},       {&few, {PngColor::kPalette, 4}},
      {&few, {PngColor::kPalette, 8}},
  };
  for (bool interlaced : {false, true}) {
    for (auto c : kCases) {
      c.o.interlaced = interlaced;
      SCOPED_TRACE("colour " + std::to_string(static_cast<int>(c.o.color)) + " depth " +
                   std::to_string(c.o.bit_depth) + (interlaced ? " interlaced" : ""));
      auto r = DecodePng(EncodePng(*c.in, c.o));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->width, 37);
      EXPECT_EQ(r->height, 23);
      EXPECT_EQ(r->rgb, ExpectedPng(*c.in, c.o).rgb);
    }
  }
}

TEST(DecodePng, PaletteTransparencyIsCompositedOverWhite) {
  const Image few = SyntheticImage(16, 8, 8);
  auto r = DecodePng(EncodePng(few, {.color = PngColor::kPaletteTrns}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Palette entries in order of first appearance; entry k has alpha 255 - 60 k.
  std::vector<std::array<uint8_t, 3>> palette;
  for (size_t i = 0; i < few.pixel_count(); ++i) {
    std::array<uint8_t, 3> c = {few.rgb[3 * i], few.rgb[3 * i + 1], few.rgb[3 * i + 2]};
    size_t k = std::find(palette.begin(), palette.end(), c) - palette.begin();
    if (k == palette.size()) palette.push_back(c);
    const uint8_t a = static_cast<uint8_t>(255 - (60 * k) % 256);
    for (int ch = 0; ch < 3; ++ch) {
      ASSERT_EQ(r->rgb[3 * i + ch], internal::OverWhite(c[ch], a)) << i;
    }
  }
  EXPECT_GT(palette.size(), 2u);
}

TEST(DecodePng, FullyTransparentPixelsBecomeWhite) {
  // Column 0 has alpha 0 under TestAlpha.
  auto r = DecodePng(EncodePng(SyntheticImage(10, 4), {.color = PngColor::kRgba}));
  ASSERT_TRUE(r.ok());
  for (int y = 0; y < 4; ++y) {
    EXPECT_EQ(r->row(y)[0], 255);
    EXPECT_EQ(r->row(y)[1], 255);
    EXPECT_EQ(r->row(y)[2], 255);
  }
}

uint32_t Crc32(const uint8_t* p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

// The PNG with its IHDR width and height replaced (CRC fixed up).
std::vector<uint8_t> WithPngSize(std::vector<uint8_t> png, uint32_t w, uint32_t h) {
  // Signature (8), IHDR length (4), "IHDR" (4), then width and height.
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = static_cast<uint8_t>(w >> (24 - 8 * i));
    png[20 + i] = static_cast<uint8_t>(h >> (24 - 8 * i));
  }
  const uint32_t crc = Crc32(&png[12], 17);
  for (int i = 0; i < 4; ++i) png[29 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
  return png;
}

TEST(DecodePng, ChecksDimensionsBeforeDecoding) {
  const auto png = EncodePng(SyntheticImage(16, 16));
  ASSERT_TRUE(DecodePng(WithPngSize(png, 16, 16)).ok());  // the CRC fix-up is right
  ExpectError(DecodePng(WithPngSize(png, 60000, 60000)), StatusCode::kResourceExhausted,
              "over the limit");
  ExpectError(DecodePng(WithPngSize(png, 100000, 10)), StatusCode::kInvalidArgument, "PNG: ");
  ExpectError(DecodePng(WithPngSize(png, 0, 10)), StatusCode::kInvalidArgument, "PNG: ");
  DecodeOptions small;
  small.max_pixels = 100;
  ExpectError(DecodePng(png, small), StatusCode::kResourceExhausted, "PNG: 16x16");
}

TEST(DecodePng, TruncatedAndCorruptFilesAreErrors) {
  const auto png = EncodePng(SyntheticImage(32, 32), {.interlaced = true});
  for (size_t keep : {png.size() - 13, png.size() / 2, size_t{40}, size_t{12}}) {
    SCOPED_TRACE(keep);
    std::vector<uint8_t> cut(png.begin(), png.begin() + static_cast<long>(keep));
    ExpectError(DecodePng(cut), StatusCode::kInvalidArgument, "PNG: ");
  }
  std::vector<uint8_t> cut(png.begin(), png.begin() + static_cast<long>(png.size() / 2));
  ExpectError(DecodePng(cut), StatusCode::kInvalidArgument, "truncated");
  auto bad_crc = png;
  bad_crc[29] ^= 0xFF;  // IHDR CRC
  ExpectError(DecodePng(bad_crc), StatusCode::kInvalidArgument, "PNG: ");
}

// ---- WebP -----------------------------------------------------------------

TEST(DecodeWebp, ReadsLosslessExactlyAndLossyClosely) {
  const Image img = SyntheticImage(41, 29);
  auto lossless = DecodeWebp(EncodeWebp(img));
  ASSERT_TRUE(lossless.ok()) << lossless.status().ToString();
  EXPECT_EQ(lossless->rgb, img.rgb);
  auto alpha = DecodeWebp(EncodeWebp(img, {.alpha = true}));
  ASSERT_TRUE(alpha.ok());
  EXPECT_EQ(alpha->rgb, OverWhite(img).rgb);
  auto lossy = DecodeWebp(EncodeWebp(img, {.lossless = false, .quality = 95}));
  ASSERT_TRUE(lossy.ok());
  EXPECT_EQ(lossy->width, 41);
  EXPECT_LT(MeanError(*lossy, img), 6.0);
  auto lossy_alpha = DecodeWebp(EncodeWebp(img, {.lossless = false, .alpha = true}));
  ASSERT_TRUE(lossy_alpha.ok());
  EXPECT_LT(MeanError(*lossy_alpha, OverWhite(img)), 6.0);
}

TEST(DecodeWebp, BadInputIsAnError) {
  const auto webp = EncodeWebp(SyntheticImage(64, 64), {.lossless = false});
  for (size_t keep : {webp.size() - 10, webp.size() / 2, size_t{30}, size_t{12}}) {
    SCOPED_TRACE(keep);
    std::vector<uint8_t> cut(webp.begin(), webp.begin() + static_cast<long>(keep));
    ExpectError(DecodeWebp(cut), StatusCode::kInvalidArgument, "WebP: ");
  }
  auto garbage = webp;
  for (size_t i = 20; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 7);
  ExpectError(DecodeWebp(garbage), StatusCode::kInvalidArgument, "WebP: ");
  DecodeOptions small;
  small.max_pixels = 1000;
  ExpectError(DecodeWebp(webp, small), StatusCode::kResourceExhausted, "WebP: 64x64");
}

// ---- PPM/PGM --------------------------------------------------------------

TEST(DecodePnm, ReadsP6AndP5AtAnyMaxval) {
  const Image img = SyntheticImage(19, 7);
  const Image grey = GreyImage(img);
  EXPECT_EQ(DecodePnm(EncodePnm(img))->rgb, img.rgb);
  EXPECT_EQ(DecodePnm(EncodePnm(grey, true))->rgb, grey.rgb);
  EXPECT_EQ(DecodePnm(EncodePnm(img, false, 65535))->rgb, img.rgb);
  EXPECT_EQ(DecodePnm(EncodePnm(grey, true, 1000))->rgb, grey.rgb);
  auto r = DecodePnm(EncodePnm(img, false, 100));
  ASSERT_TRUE(r.ok());
  for (size_t i = 0; i < img.rgb.size(); ++i) {
    const uint32_t v100 = (img.rgb[i] * 100u + 127) / 255;
    ASSERT_EQ(r->rgb[i], (v100 * 255 + 50) / 100) << i;
  }
  auto commented = DecodePnm(Bytes("P6 # comment\n2 # w\n1\n255\n\x01\x02\x03\x04\x05\x06"));
  ASSERT_TRUE(commented.ok()) << commented.status().ToString();
  EXPECT_EQ(commented->rgb, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6}));
}

TEST(DecodePnm, BadHeadersAndShortRastersAreErrors) {
  ExpectError(DecodePnm(Bytes("P3\n1 1\n255\n0 0 0\n")), StatusCode::kInvalidArgument,
              "wrong magic");
  ExpectError(DecodePnm(Bytes("P6\n2 2\n255\n\x01\x02")), StatusCode::kInvalidArgument,
              "truncated");
  ExpectError(DecodePnm(Bytes("P6\n2\n")), StatusCode::kInvalidArgument, "malformed header");
  ExpectError(DecodePnm(Bytes("P6\n2 x 255\n")), StatusCode::kInvalidArgument, "malformed");
  ExpectError(DecodePnm(Bytes("P6 2 2 0\n")), StatusCode::kInvalidArgument, "maxval 0");
  ExpectError(DecodePnm(Bytes("P6 2 2 65536\n")), StatusCode::kInvalidArgument, "maxval");
  ExpectError(DecodePnm(Bytes("P6 0 2 255\n")), StatusCode::kInvalidArgument, "no pixels");
  ExpectError(DecodePnm(Bytes("P6 99999999999999999999 2 255\n")), StatusCode::kInvalidArgument,
              "malformed");
  ExpectError(DecodePnm(Bytes("P6 70000 2 255\n")), StatusCode::kInvalidArgument, "absurd");
  // 8000 x 8000 = 64 MP: refused from the header, before reading or allocating.
  ExpectError(DecodePnm(Bytes("P5 8000 8000 255\n")), StatusCode::kResourceExhausted,
              "over the limit");
  ExpectError(DecodePnm(Bytes("P6 2 2 255")), StatusCode::kInvalidArgument, "maxval");
}

// ---- hashing from bytes ---------------------------------------------------

TEST(HashPhoto, HashesEveryFormatAlike) {
  const Image img = SyntheticImage(200, 150);
  const Hash256 reference = ComputePdq(img).hash;
  for (const auto& bytes :
       {EncodePng(img), EncodeWebp(img), EncodePnm(img), EncodeJpeg(img, {.quality = 90})}) {
    auto h = HashPhoto(bytes);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    EXPECT_LE((*h)[Dihedral::kOriginal].Distance(reference), 10);
  }
  ExpectError(DecodeImage(Bytes("nope")), StatusCode::kInvalidArgument, "magic");
  EXPECT_FALSE(HashPhoto(Bytes("nope")).ok());
}

}  // namespace
}  // namespace counterfoil::imaging
