// Photo hashing from file bytes: decode, turn upright, PDQ — the entry point
// for listing photos and reference images.
//
//   Result<PdqDihedralHashes> h = HashPhoto(bytes);  // JPEG fast path on
//   if (h.ok() && h->quality >= kPdqMinUsefulQuality) index.Add((*h)[Dihedral::kOriginal]);
//
// The fast path decodes JPEGs in the DCT domain at 1/2, 1/4 or 1/8 scale,
// keeping the shorter side at least kFastPathMinShortSide pixels. On the PDQ
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

}  // namespace counterfoil::imaging
