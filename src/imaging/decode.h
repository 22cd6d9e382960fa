// Image decoders: pure functions from the bytes of a file to upright 8-bit RGB.
//
//   DecodeOptions opts;                      // 50 MP limit, EXIF orientation applied
//   opts.jpeg_min_short_side = kFastPathMinShortSide;   // DCT-domain downscaling
//   Result<Image> img = DecodeImage(bytes, opts);
//   if (!img.ok()) return img.status();      // kInvalidArgument / kResourceExhausted
//
// Formats (DecodeImage sniffs the magic bytes; the named functions insist on
// their format):
//  - JPEG (libjpeg-turbo): baseline, progressive and arithmetic-coded;
//    greyscale, YCbCr/RGB, CMYK and YCCK (inverted Adobe CMYK is recognised by
//    its Adobe APP14 marker). The EXIF Orientation tag of the APP1 segment is
//    applied. With jpeg_min_short_side > 0 the image is decoded at the largest
//    libjpeg scale 1/2, 1/4 or 1/8 that keeps the shorter side at least that
//    long (the "fast path": far less IDCT, upsampling and colour conversion).
//  - PNG (libpng): greyscale, RGB, palette, with or without alpha or tRNS
//    transparency, 1..16 bits per sample, interlaced. 16-bit samples are
//    reduced to 8 bits by rounding (v * 255 / 65535).
//  - WebP (libwebp): lossy and lossless, with or without alpha. Animated WebP
//    is refused (kInvalidArgument).
//  - PPM/PGM: binary P6 and P5, maxval 1..65535, samples scaled to 0..255 by
//    rounding; '#' comments in the header.
// Transparency: every decoder composites the image over opaque white, so a
// product photo on a transparent background hashes like the same photo on
// the white page a marketplace shows it on: out = (c a + 255 (255 - a)) / 255,
// rounded, per channel with the 8-bit alpha a.
//
// Untrusted input: the dimensions are checked against the limits below before
// any pixel buffer is allocated; truncated or corrupt data, a wrong magic
// number or a library error comes back as a Status, never a crash, an abort
// or a hang. Progressive JPEGs with more than kMaxJpegScans scans are refused
// (a crafted file can otherwise take minutes to decode).
//
// Errors: kInvalidArgument (not an image, unsupported variant, corrupt or
// truncated data, zero or too large a dimension), kResourceExhausted (more
// pixels than max_pixels). Messages name the format, e.g. "JPEG: premature
// end of data (truncated file?)".
//
// Thread safety: every function is reentrant; no global state.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/status.h"
#include "imaging/image.h"

namespace counterfoil::imaging {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kPnm };
std::string_view ImageFormatName(ImageFormat format);
// The format its magic bytes announce; kUnknown when none matches.
ImageFormat SniffImageFormat(std::span<const uint8_t> bytes);

// The default decompression-bomb limit: 50 megapixels (a 8660x5773 photo;
// cameras top out near 100 MP, marketplace photos at a few MP). The decoder
// holds the RGB image (3 bytes per pixel) and PDQ 4 bytes per pixel more.
inline constexpr uint64_t kDefaultMaxPixels = 50'000'000;
// No side may exceed this (JPEG's own limit is 65500; WebP's 16383).
inline constexpr int kMaxDimension = 65535;
// A limit on progressive JPEG scans; libjpeg-turbo's tools use 500 for the
// same reason (a few hundred scans is already pathological).
inline constexpr int kMaxJpegScans = 500;

struct DecodeOptions {
  // Reject images with more pixels than this (width * height, before any
  // downscaling), kResourceExhausted.
  uint64_t max_pixels = kDefaultMaxPixels;
  // Turn JPEGs upright by their EXIF Orientation tag.
  bool apply_exif_orientation = true;
  // JPEG fast path: 0 decodes at full size; otherwise the largest DCT-domain
  // reduction (1/2, 1/4, 1/8) that leaves the shorter side >= this value.
  int jpeg_min_short_side = 0;
  // JPEG fast path for hashing: decode only the luma (Y) channel of YCbCr and
  // RGB JPEGs and return it as grey (R = G = B = Y). Y is JFIF's
  // 0.299 R + 0.587 G + 0.114 B, the weights PDQ uses, so the hash barely
  // moves while chroma IDCT, upsampling and colour conversion are skipped.
  // Not for pictures meant to be shown. CMYK/YCCK files decode as usual.
  // Progressive YCbCr files are decoded through a rewrite as a one-component
  // JPEG of their luma (internal/jpeg_luma_frame.h): the same samples, no
  // chroma entropy decoding.
  bool jpeg_luma_only = false;
};

Result<Image> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options = {});

Result<Image> DecodeJpeg(std::span<const uint8_t> bytes, const DecodeOptions& options = {});
Result<Image> DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options = {});
Result<Image> DecodeWebp(std::span<const uint8_t> bytes, const DecodeOptions& options = {});
Result<Image> DecodePnm(std::span<const uint8_t> bytes, const DecodeOptions& options = {});

// The scale denominator (1, 2, 4 or 8) the JPEG fast path uses for an image of
// the given size: the largest that keeps ceil(short_side / d) >= min_short_side.
int JpegScaleDenominator(int width, int height, int min_short_side);

// The EXIF Orientation tag (1..8) of a JPEG APP1 payload ("Exif\0\0" followed
// by a TIFF header, either byte order), or kNormal when the payload is not
// EXIF, has no Orientation tag in IFD0, or holds a value outside 1..8.
// Bounds-checked; never reads outside `app1`.
Orientation ExifOrientation(std::span<const uint8_t> app1);

namespace internal {
// Shared by the decoders: the dimension and pixel-limit checks, run before
// any allocation. `format` prefixes the message.
Status CheckDimensions(std::string_view format, uint64_t width, uint64_t height,
                       const DecodeOptions& options);
// Alpha compositing over white, as documented above.
inline uint8_t OverWhite(uint32_t c, uint32_t a) {
  return static_cast<uint8_t>((c * a + 255u * (255u - a) + 127u) / 255u);
}
}  // namespace internal

}  // namespace counterfoil::imaging
