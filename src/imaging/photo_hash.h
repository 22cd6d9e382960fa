// Photo hashing from file bytes: decode, turn upright, PDQ — the entry point
// for listing photos and reference images.
//
//   Result<PdqDihedralHashes> h = HashPhoto(bytes);  // JPEG fast path on
//   if (h.ok() && h->quality >= kPdqMinUsefulQuality) index.Add((*h)[Dihedral::kOriginal]);
//
// The fast path decodes JPEGs in the DCT domain at M/8 of their size (M = 1..8,
// libjpeg-turbo's M x M inverse DCTs), the smallest M that keeps the shorter
// side at least kFastPathMinShortSide pixels, and only their luma: straight
// into PDQ's float luma plane (no RGB image); a progressive YCbCr file is
// first rewritten as a one-component JPEG of its luma
// (internal/jpeg_luma_frame.h), so its chroma is neither entropy-decoded nor
// given coefficient buffers, and the luma's buffer is reused from photo to
// photo. At a power-of-two scale the hashes are exactly those of
// the luma-only RGB decode (DecodeJpeg with jpeg_luma_only). On the PDQ
// test photos (../shared/testdata/pdq/files.csv) that stays within PDQ's
// conformance bound of 10 bits from the full-resolution reference hash at
// quality >= 80 (golden_test.cc asserts it; README.md has the figures).
// Other formats are always decoded at full size.
//
// Errors: those of DecodeImage (kInvalidArgument, kResourceExhausted).
// Thread safety: reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "imaging/decode.h"
#include "imaging/pdq.h"

namespace counterfoil::imaging {

// The smallest shorter side the fast path decodes to; see README.md
// ("Choosing the fast-path scale") for the measurement behind it.
inline constexpr int kFastPathMinShortSide = 256;

// DecodeOptions with the JPEG fast path on and the other defaults.
inline DecodeOptions FastPathDecodeOptions() {
  DecodeOptions options;
  options.jpeg_min_short_side = kFastPathMinShortSide;
  options.jpeg_luma_only = true;
  return options;
}

Result<PdqDihedralHashes> HashPhoto(std::span<const uint8_t> bytes,
                                    const DecodeOptions& options = FastPathDecodeOptions());

namespace internal {

// A JPEG's luma channel on PDQ's float scale (GreyLuma of each 8-bit Y
// sample), row-major in the first width * height values of `luma` (which may
// be longer: callers reuse the buffer), as stored: `orientation` is the EXIF
// tag still to be applied (kNormal unless options.apply_exif_orientation).
struct LumaPlane {
  int width = 0;
  int height = 0;
  std::vector<float> luma;
  Orientation orientation = Orientation::kNormal;
};
// The fast path's decoder (jpeg_decoder.cc): a JPEG's Y channel, DCT-scaled
// by options.jpeg_min_short_side, into `plane` (its buffer grown if needed,
// never shrunk): a sequential Huffman file through our own decoder
// (internal/jpeg_baseline_luma.h) when it takes the file, a progressive YCbCr
// file through its luma's own frame, the rest through libjpeg. The
// samples are exactly libjpeg's grey decode of the whole file at that scale.
// Per-thread buffers (the rewritten file, the coefficients) are reused and
// given back above 4 MB and 16 MB.
// false for CMYK and YCCK files, which have no luma channel to decode on its
// own. Errors as DecodeJpeg's.
Result<bool> DecodeJpegLuma(std::span<const uint8_t> bytes, const DecodeOptions& options,
                            LumaPlane& plane);
// The same through libjpeg alone (our baseline decoder left out): the
// reference DecodeJpegLuma's own decoder is tested against.
Result<bool> DecodeJpegLumaWithLibjpeg(std::span<const uint8_t> bytes,
                                       const DecodeOptions& options, LumaPlane& plane);
// Entropy decoding alone, as the fast path would have libjpeg do it: the
// whole file through jpeg_read_coefficients (no IDCT, no output), progressive
// YCbCr files as their luma's own frame, the coefficient buffers from the
// same per-thread memory. For the benchmark's floor (bench/photo_hash_benchmark.cc).
Status ReadJpegCoefficients(std::span<const uint8_t> bytes, const DecodeOptions& options);
// Turns the plane upright (in place when it already is).
void OrientLuma(LumaPlane& plane);

}  // namespace internal

}  // namespace counterfoil::imaging
