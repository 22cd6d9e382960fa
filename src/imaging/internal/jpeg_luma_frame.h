// Rewrites a progressive YCbCr JPEG as a one-component (greyscale) JPEG of
// its luma, for the hashing fast path (photo_hash.h): libjpeg then allocates,
// zeroes and entropy-decodes nothing but the luma, and the luma samples it
// decodes are exactly those of the whole file.
//
//   std::vector<uint8_t> luma;
//   if (internal::TranscodeToLumaFrame(bytes, kDefaultMaxPixels, luma)) bytes = luma;
//
// What changes (ITU-T T.81, Annex G for the progressive scans):
//  - the SOF2 frame header keeps only its first component (JFIF's Y), with
//    sampling factors 1x1: the luma has the largest sampling factors (checked),
//    so its size in blocks, its IDCT scale and its lack of upsampling are what
//    they were in the whole frame;
//  - scans that do not name the luma are left out, with their data;
//  - non-interleaved luma scans (all AC scans, and DC scans written per
//    component) are copied byte for byte;
//  - interleaved DC scans are decoded and written again for the luma alone,
//    in the order of a non-interleaved scan (the luma blocks in raster order,
//    without the dummy blocks that pad interleaved MCUs): a first scan (Ah = 0)
//    as the same DC values, as differences along the new order, coded with a
//    Huffman table of our own that has a code for every DC category 0..15
//    (defined just before the scan, in the luma's DC table slot, which no later
//    scan of a valid file uses); a refinement scan (Ah > 0) as the same
//    correction bits in the new order. These scans carry no restart markers; a
//    DRI segment turns restarts off before them and back on after, so that the
//    copied scans keep theirs.
// Tables, quantisation tables, APPn and the other segments are copied.
//
// Returns false, with `out` unspecified, for anything it does not transcode:
// not a progressive Huffman JPEG, fewer than two components, a luma
// component without the largest sampling factors, more than `max_pixels`
// pixels, or entropy-coded data of an interleaved DC scan that does not
// decode cleanly (a bad Huffman code, a missing table or restart marker, data
// ending early, a DC difference outside category 15). The caller then hands
// libjpeg the original bytes, which reports any damage itself. It does not
// check the colour space: only the caller knows whether libjpeg will take the
// three components as YCbCr (and the first as luma) rather than RGB.
//
// Untrusted input: bounds-checked throughout; the work and memory are linear
// in the input size and the block count (<= max_pixels / 64 values).
// A truncated file stays truncated (no EOI is added). Reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace counterfoil::imaging::internal {

bool TranscodeToLumaFrame(std::span<const uint8_t> jpeg, uint64_t max_pixels,
                          std::vector<uint8_t>& out);

}  // namespace counterfoil::imaging::internal
