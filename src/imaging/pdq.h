// PDQ: Meta's 256-bit perceptual image hash, implemented from its published
// description ("The TMK+PDQF Video-Hashing Algorithm and the PDQ Image
// Similarity Algorithm", hashing/hashing.pdf in facebook/ThreatExchange, and
// that repository's hashing documentation). Bit-exact with the reference
// hasher on the same RGB pixels (golden test: pdq_test.cc on
// ../shared/testdata/pdq/exact.csv).
//
//   PdqHash h = ComputePdq(image);                 // hash + quality 0..100
//   PdqDihedralHashes d = ComputePdqDihedral(image);
//   d[Dihedral::kRotate90]  // the hash the image would have rotated 90 degrees
//
// The pipeline, as the paper describes it:
//  1. luma  Y = 0.299 R + 0.587 G + 0.114 B, as float (Rec. 601 weights);
//  2. a tent filter made of two passes of box filters along rows, then along
//     columns (Jarosz, "Fast Image Convolutions", SIGGRAPH 2001); each box is
//     ceil(dimension / 128) wide, half of one 64th of the image, so the two
//     passes together span one output cell;
//  3. 64x64 samples at the cell centres;
//  4. quality: the sum of absolute neighbour differences of the 64x64 samples
//     (scaled to 0..100 per pixel step), divided by 90 and capped at 100;
//  5. a 16x16 DCT: the 16 lowest non-DC rows of the 64-point DCT-II matrix
//     applied on both sides (B = D A D^T);
//  6. bit k is set when coefficient k exceeds the median of the 256.
// The other seven dihedral hashes come from the same 16x16 DCT, as the paper
// proposes: a mirror negates the odd-frequency coefficients along its axis, a
// diagonal flip transposes. They match hashing the turned image to within a
// few bits (exactly for the diagonal flips), so one hash computation serves
// queries for rotated and mirrored copies.
//
// Images smaller than 5 pixels on a side are not hashable: the result is the
// all-zero hash with quality 0, as the reference tools report them.
//
// Thread safety: all functions are pure and may run concurrently.
// Cost: O(width * height); memory: 4 bytes per pixel of float scratch.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "imaging/hash256.h"
#include "imaging/image.h"

namespace counterfoil::imaging {

// The eight symmetries of the square, in the order the reference tool and
// `counterfoil pdq --dihedral` print them.
// The names are the reference's; the comments say which picture each hash
// stands for (checked against exact.csv and by turning images in pdq_test.cc).
enum class Dihedral {
  kOriginal = 0,
  kRotate90 = 1,  // turned 90 degrees counter-clockwise
  kRotate180 = 2,
  kRotate270 = 3,   // turned 90 degrees clockwise
  kFlipX = 4,       // mirrored top-bottom (about the horizontal axis)
  kFlipY = 5,       // mirrored left-right (about the vertical axis)
  kFlipPlus1 = 6,   // flipped about the main diagonal (transposed)
  kFlipMinus1 = 7,  // flipped about the anti-diagonal
};
inline constexpr std::array<std::string_view, 8> kDihedralNames = {
    "original", "rotate90", "rotate180",  "rotate270",
    "flipx",    "flipy",    "flip_plus1", "flip_minus1"};

// Below this quality a hash says little about the picture (featureless or
// flat images); the reference documentation suggests discarding < 50.
inline constexpr int kPdqMinUsefulQuality = 50;
// Images with a side shorter than this are not hashed (zero hash, quality 0).
inline constexpr int kPdqMinDimension = 5;

struct PdqHash {
  Hash256 hash;
  int quality = 0;  // 0..100
};

struct PdqDihedralHashes {
  std::array<Hash256, 8> hashes;  // indexed by Dihedral
  int quality = 0;                // 0..100, the same for all eight
  const Hash256& operator[](Dihedral d) const { return hashes[static_cast<int>(d)]; }
};

PdqHash ComputePdq(const Image& image);
PdqDihedralHashes ComputePdqDihedral(const Image& image);

// The same from a luma plane (row-major, width * height floats, values on the
// 0..255 scale). The plane is used as scratch space and left filtered.
PdqDihedralHashes ComputePdqDihedralFromLuma(std::span<float> luma, int width, int height);

namespace internal {

// Steps 1-5 above, exposed for tests and for hashing from other pixel sources.
struct PdqDct {
  std::array<float, 256> coefficients{};  // 16x16, row-major
  int quality = 0;
};
void ComputeLuma(const Image& image, std::span<float> luma);
// The luma ComputeLuma gives the grey pixel (v, v, v), for each v: what a
// decoder that produces only the luma channel feeds ComputeDct.
const std::array<float, 256>& GreyLuma();
// GreyLuma of each of n 8-bit samples, into dst (16 at a time with SSE2: the
// same float products and sums, in the same order, as the table's).
void GreyToLuma(const uint8_t* src, float* dst, size_t n);
// Steps 2-5 on a luma plane (overwritten).
PdqDct ComputeDct(std::span<float> luma, int width, int height);
// Step 6 for one symmetry of the DCT.
Hash256 HashFromDct(const PdqDct& dct, Dihedral d);
// ceil(dimension / 128): the box width that makes two passes span one of the 64 cells.
int JaroszWindowSize(int dimension);

}  // namespace internal
}  // namespace counterfoil::imaging
