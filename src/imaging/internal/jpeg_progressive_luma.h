// The hashing fast path's own decoder for progressive Huffman JPEGs: the luma
// (Y) channel, DCT-scaled at M/8, straight from the original bytes. libjpeg
// decodes every scan of every component into whole-image coefficient
// buffers; this decoder jumps over the scans that carry no luma, keeps per
// luma block only the coefficients its M x M inverse DCT reads (plus which of
// all 64 are nonzero, for successive-approximation refinement), and runs the
// IDCT once after the last scan.
//
//   internal::LumaPlane plane;
//   if (!internal::DecodeProgressiveLuma(bytes, options, plane)) {
//     // not a file it handles: decode with libjpeg as before
//   }
//
// What it decodes: SOF2 frames of 8-bit precision with one component, or
// three YCbCr components (the colour rules of jpeg_baseline_luma.h) whose
// first has the largest sampling factors; any valid scan script (T.81 G.1.1):
// spectral selection, DC and AC successive approximation (first scans with
// Al > 0, refinement scans), end-of-band runs, restart intervals (which may
// change between scans), tables redefined between scans. Interleaved DC scans
// are decoded whole (every component's DC symbols, dummy blocks of partial
// MCUs included) and the luma's values kept; scans without the luma are not
// decoded (their entropy-coded data is skipped up to the next marker), except
// DC first scans, whose predictors libjpeg checks for overflow. M = 1, 2, 3,
// 4 and 8, as the baseline decoder.
//
// Exactness: the samples are those of libjpeg-turbo's grey decode of the whole
// file at scale M/8 (JCS_GRAYSCALE, JDCT_ISLOW, no block smoothing), which is
// what DecodeJpegLumaWithLibjpeg gives: the same coefficients (libjpeg's
// jdphuff.c decoding, its JCOEF values, the quantisation table latched at the
// luma's first scan), the same IDCTs and range limit (jpeg_luma_decoding.h).
//
// Returns false, with `plane` unspecified, for anything else and for every
// anomaly, so that libjpeg decodes the file as before and reports any damage
// itself: arithmetic coding, lossless, 12-bit, DNL, RGB/CMYK/unknown colour,
// M = 5..7; a scan script libjpeg refuses or warns about (an AC scan of more
// than one component, Ss > Se, Se > 63, Al > 13, a refinement with Al other
// than Ah - 1 or without the first scan, a first scan repeated, an AC scan
// before the component's DC scan); an undefined or bad table; a bad Huffman
// code, an AC refinement symbol of size other than 1, a coefficient past the
// band's end, a value beyond JCOEF; a restart marker missing or out of order;
// entropy-coded data ending early; a marker other than DHT, DQT, DRI, APPn,
// COM, SOS or EOI between scans; no EOI; no luma DC scan; more than
// kMaxJpegScans scans; sizes libjpeg or CheckDimensions refuses (checked
// before any allocation). With true, `plane` holds the samples (GreyLuma of
// each), its size and, when options.apply_exif_orientation, the EXIF
// orientation of the first APP1 segment before the first scan that has one
// other than kNormal (as the libjpeg path reads it).
//
// Memory: 2 (last kept zigzag index + 2) + 8 bytes per luma block (40 at
// M = 3, 138 at M = 8) in a per-thread buffer reused from photo to photo and
// given back above 16 MB. Untrusted input: bounds-checked throughout; the work
// is linear in the input size and in the block count times the scan count.
// Reentrant.
#pragma once

#include <cstdint>
#include <span>

#include "imaging/decode.h"
#include "imaging/photo_hash.h"

namespace counterfoil::imaging::internal {

bool DecodeProgressiveLuma(std::span<const uint8_t> jpeg, const DecodeOptions& options,
                           LumaPlane& plane);

}  // namespace counterfoil::imaging::internal
