// The hashing fast path's own decoder for sequential Huffman JPEGs: the luma
// (Y) channel, DCT-scaled at M/8, decoding only what that needs. libjpeg-turbo
// spends most of the fast path's time entropy-decoding the chroma and every
// luma coefficient; this decoder parses the chroma's symbols without keeping
// them, extends and dequantises only the luma coefficients its M x M inverse
// DCT reads, and writes the samples straight onto PDQ's float scale.
//
//   internal::LumaPlane plane;
//   if (!internal::DecodeBaselineLuma(bytes, options, plane)) {
//     // not a file it handles: decode with libjpeg as before
//   }
//
// What it decodes: SOF0/SOF1 frames of 8-bit precision with one component, or
// three YCbCr components (a JFIF marker, an Adobe marker with transform 1, or
// no such marker and component ids 1, 2, 3) whose first has the largest
// sampling factors, in a single scan (interleaved for three components), with
// or without restart intervals. The scale M is the one the fast path uses:
// the smallest M in 1..8 with ceil(short_side * M / 8) >= min_short_side
// (M = 8 when min_short_side <= 0); M = 1, 2, 3, 4 and 8 are decoded, 5..7
// (shorter sides of about 293..409 pixels at the default 256) are left to
// libjpeg for now.
//
// Exactness: the samples are those of libjpeg-turbo's grey decode of the whole
// file at scale M/8 (JCS_GRAYSCALE, JDCT_ISLOW, no block smoothing): the same
// coefficients (JCOEF truncation and the 16-bit quantiser multipliers
// included), the same fixed-point M x M inverse DCTs (jidctred.c's 1x1, 2x2
// and 4x4, jidctint.c's 3x3 and islow), the same range limit.
// libjpeg-turbo runs SIMD versions of the 2x2, 4x4 and 8x8 IDCTs that work in
// 16-bit lanes; where values could leave those lanes (far outside what an
// encoder produces from 8-bit samples) the decoder gives up instead.
//
// Returns false, with `plane` unspecified (its buffer may have grown), for
// anything else and for every anomaly: progressive, arithmetic, lossless or
// 12-bit frames, multiple scans, DNL, CMYK or RGB files, a bad Huffman code or
// table, a restart marker missing or out of order, a coefficient index past
// 63, entropy-coded data ending early, anything but EOI after the scan, sizes
// libjpeg or CheckDimensions would refuse. The caller then decodes the file
// with libjpeg, which reports any damage itself. With true, `plane` holds
// the samples (GreyLuma of each), its size and, when
// options.apply_exif_orientation, the EXIF orientation of the first APP1
// segment that has one other than kNormal (as the libjpeg path reads it).
//
// Untrusted input: bounds-checked throughout; the work is linear in the input
// size and the block count, the memory in the output size; no allocation
// before the dimensions pass CheckDimensions. Reentrant.
#pragma once

#include <cstdint>
#include <span>

#include "imaging/decode.h"
#include "imaging/photo_hash.h"

namespace counterfoil::imaging::internal {

bool DecodeBaselineLuma(std::span<const uint8_t> jpeg, const DecodeOptions& options,
                        LumaPlane& plane);

// The fast path's scale numerator M (the image is decoded at M/8): the
// smallest M in 1..8 with ceil(short_side * M / 8) >= min_short_side, and 8
// when min_short_side <= 0.
int LumaScaleNumerator(uint32_t width, uint32_t height, int min_short_side);

}  // namespace counterfoil::imaging::internal
