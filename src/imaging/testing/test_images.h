// Test-only encoders: make small images in every variant the decoders must
// read, with the libraries themselves, so tests need no binary fixtures and
// can compare decoded pixels with the pixels that went in.
//
//   Image img = SyntheticImage(48, 32);
//   std::vector<uint8_t> png = EncodePng(img, {.color = PngColor::kPalette});
//   EXPECT_EQ(DecodePng(png)->rgb, img.rgb);
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "imaging/image.h"

namespace counterfoil::imaging::testing {

// A smooth colour pattern with structure in both directions (so PDQ quality
// is high and every rotation hashes differently). When `palette_colors` > 0
// it uses only that many distinct colours (for palette PNGs).
Image SyntheticImage(int width, int height, int palette_colors = 0);
// The same picture greyed (R = G = B).
Image GreyImage(const Image& image);

// An APP1 "Exif" payload: the TIFF header in either byte order and IFD0 with
// these entries (tag, type, count, value; a SHORT value sits in the first two
// bytes of the value field), starting at `ifd_offset`.
struct ExifEntry {
  uint16_t tag, type;
  uint32_t count, value;
};
std::vector<uint8_t> ExifPayload(bool big_endian, const std::vector<ExifEntry>& entries,
                                 uint32_t ifd_offset = 8);

struct JpegEncodeOptions {
  int quality = 95;
  bool progressive = false;
  bool arithmetic = false;
  // kRgb: three components stored as R, G, B (Adobe transform 0), no YCbCr.
  enum class Color { kYcbcr, kGrey, kCmyk, kYcck, kRgb } color = Color::kYcbcr;
  // YCbCr: luma at 2x2 (4:2:0, libjpeg's default) unless full-size chroma (4:4:4).
  bool chroma_444 = false;
  // When set (1..4), the luma's sampling factors instead (chroma stays 1x1).
  int luma_h = 0, luma_v = 0;
  // Progressive with spectral selection only (as some encoders write, and the
  // progressive sample photos are): the DC of all components in one scan, then
  // each component's AC in bands 1-5 and 6-63 (chroma first), no successive
  // approximation. `progressive` gives libjpeg's default script instead.
  bool spectral_selection = false;
  bool optimize_coding = false;  // Huffman tables of the image's own statistics
  int restart_interval = 0;  // in MCUs; 0: none
  // 0: no EXIF; 1..8: an APP1 Exif segment with that Orientation tag.
  int exif_orientation = 0;
  bool exif_big_endian = false;
};
std::vector<uint8_t> EncodeJpeg(const Image& image, const JpegEncodeOptions& options = {});
// The .jpg files of `dir` (file name, bytes), in name order.
std::vector<std::pair<std::string, std::vector<uint8_t>>> ReadJpegFiles(const std::string& dir);
// libjpeg's own greyscale decode of a whole JPEG (every scan, no block
// smoothing) at scale_num/8: the reference for the luma-only fast path.
// Aborts on invalid input (tests hand it valid files).
std::vector<uint8_t> DecodeJpegGrey(const std::vector<uint8_t>& jpeg, int scale_num, int* width,
                                    int* height);

enum class PngColor { kGrey, kGreyAlpha, kRgb, kRgba, kPalette, kPaletteTrns };
struct PngEncodeOptions {
  PngColor color = PngColor::kRgb;
  int bit_depth = 8;  // 8 or 16 (grey/RGB), 1/2/4/8 (palette, grey)
  bool interlaced = false;
  // Alpha for kGreyAlpha/kRgba/kPaletteTrns: alpha(x, y) = (x * 255) / (width - 1).
};
std::vector<uint8_t> EncodePng(const Image& image, const PngEncodeOptions& options = {});
// The alpha EncodePng uses at column x.
uint8_t TestAlpha(int x, int width);

struct WebpEncodeOptions {
  bool lossless = true;
  bool alpha = false;  // alpha(x) = TestAlpha(x, width)
  int quality = 90;    // lossy only
};
std::vector<uint8_t> EncodeWebp(const Image& image, const WebpEncodeOptions& options = {});

// Binary PPM (P6) or, when grey, PGM (P5) at the given maxval (samples
// scaled from 0..255).
std::vector<uint8_t> EncodePnm(const Image& image, bool grey = false, int maxval = 255);

}  // namespace counterfoil::imaging::testing
