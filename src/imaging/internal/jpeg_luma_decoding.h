// What the fast path's own JPEG luma decoders share (jpeg_baseline_luma.h for
// sequential files, jpeg_progressive_luma.h for progressive ones): libjpeg-
// turbo's M x M inverse DCTs, Huffman tables with 10-bit lookups, the bit
// reader of entropy-coded data, and the marker segments before the first
// scan (frame, tables, restart interval, JFIF/Adobe/EXIF).
//
//   jpeg::Headers h;
//   if (!jpeg::ParseHeaders(bytes, /*want_exif=*/true, jpeg::FrameKind::kProgressive, h)) ...
//   jpeg::HuffmanTable t;
//   if (!jpeg::BuildTable(h.huffman[4 + slot], /*dc=*/false, t)) ...
//   jpeg::BitReader r{.p = bytes.data() + h.scan_start, .end = bytes.data() + bytes.size()};
//   int32_t value;
//   const int symbol = jpeg::DecodeValue(r, t, value);  // -1: a bad code
//
// Everything here is exactly what libjpeg-turbo 2.1 computes or accepts (see
// each piece); the decoders are tested sample for sample against it. The hot
// pieces are inline (the decoders' block loops keep the bit buffer in
// registers). Untrusted input: every parser is bounds-checked; BitReader
// never reads outside [p, end).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "imaging/decode.h"
#include "imaging/image.h"

namespace counterfoil::imaging::internal::jpeg {

// ITU-T T.81 figure A.6: the natural (row-major) index of each zigzag position.
inline constexpr std::array<uint8_t, 64> kNaturalOrder = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

// ---------------------------------------------------------------------------
// The inverse DCTs, as libjpeg-turbo computes them for an M x M output
// (jddctmgr.c picks them by M). Fixed point with 13 fraction bits
// (CONST_BITS); the first pass keeps 2 extra bits (PASS1_BITS); each result is
// descaled with rounding, 128 added and the sum range-limited through a
// 1024-entry table indexed by its low 10 bits (so values far outside 0..255
// wrap, as libjpeg's do). `coef` is a block of coefficients in natural order,
// rows of vertical frequency, `quant` its quantiser multipliers (dequantised
// as libjpeg does, JCOEF times a short); `out` gets M rows of M samples.
//
// The 1x1, 2x2 and 4x4 versions are the IJG 6b "reduced" IDCTs (jidctred.c):
// the 8-point LL&M IDCT with adjacent outputs averaged, so they read
// frequencies 0..7 (all but 4, or only 0, 1, 3, 5, 7). The 3x3 version is
// the IJG 7 scaled IDCT (jidctint.c): a true 3-point IDCT of the low 3 x 3
// frequencies, with the rounding constant added before the first
// multiplications (5x5, 6x6 and 7x7 work the same way; not here yet: those
// scales go to libjpeg). 8x8 is the LL&M "islow" IDCT.
//
// libjpeg-turbo runs SSE2/AVX2 versions of 2x2, 4x4 and 8x8 that dequantise
// with 16-bit multiplies, add some pairs in 16-bit lanes, and saturate the
// results instead of wrapping them. They agree with the C versions whenever
// the dequantised inputs and the first pass's outputs fit those lanes with a
// bit to spare and the results stay within -512..511 of 128; those versions
// here check exactly that (valid 8-bit data stays far inside: dequantised
// coefficients within about 4,100, first-pass values within 13 bits) and
// return false otherwise, so the caller can leave the file to libjpeg.
// ---------------------------------------------------------------------------

inline constexpr int kConstBits = 13;
inline constexpr int kPass1Bits = 2;

// x in CONST_BITS fixed point, rounded as libjpeg's FIX().
constexpr int64_t Fix(double x) { return static_cast<int64_t>(x * (1 << kConstBits) + 0.5); }

// Rounding right shift (libjpeg's DESCALE).
constexpr int64_t Descale(int64_t x, int n) { return (x + (int64_t{1} << (n - 1))) >> n; }

// libjpeg's post-IDCT range limit (jdmaster.c prepare_range_limit_table),
// indexed by the low 10 bits of the descaled value.
inline constexpr std::array<uint8_t, 1024> kRangeLimit = [] {
  std::array<uint8_t, 1024> t{};
  for (int i = 0; i < 1024; ++i) {
    const int v = (i < 512 ? i : i - 1024) + 128;
    t[i] = static_cast<uint8_t>(std::clamp(v, 0, 255));
  }
  return t;
}();
inline uint8_t RangeLimit(int64_t v) { return kRangeLimit[static_cast<uint32_t>(v) & 1023]; }

// The checks that keep the SIMD IDCTs' 16-bit lanes exact (see above).
inline bool FitsInput(int32_t v) { return v >= -8191 && v <= 8191; }
inline bool FitsPass1(int32_t v) { return v >= -16383 && v <= 16383; }
inline bool FitsOutput(int64_t v) { return v >= -512 && v <= 511; }

// A block's coefficients, dequantised: in[i] is coefficient i (natural
// order) times its multiplier. The IDCTs take either of two: Dequantised
// reads coefficients kept in natural order, ZigzagDequantised those kept in
// zigzag order (as the progressive decoder keeps them; the IDCTs' indices
// are constants, so the reordering costs nothing).
struct Dequantised {
  const int16_t* coef;
  const int32_t* quant;
  int32_t operator[](int i) const { return int32_t{coef[i]} * quant[i]; }
};

// The zigzag position of each natural index (the inverse of kNaturalOrder).
inline constexpr std::array<uint8_t, 64> kZigzagOf = [] {
  std::array<uint8_t, 64> t{};
  for (int k = 0; k < 64; ++k) t[kNaturalOrder[k]] = static_cast<uint8_t>(k);
  return t;
}();

struct ZigzagDequantised {
  const int16_t* coef;  // zigzag order
  const int32_t* quant;  // natural order
  int32_t operator[](int i) const { return int32_t{coef[kZigzagOf[i]]} * quant[i]; }
};

template <class In>
inline void Idct1x1(In in, uint8_t* out, ptrdiff_t /*stride*/) {
  out[0] = RangeLimit(Descale(in[0], 3));
}

// 2x2: each output the average of four adjacent outputs of the 8-point IDCT;
// only the odd frequencies 1, 3, 5, 7 and the DC contribute.
template <class In>
inline bool Idct2x2(In in, uint8_t* out, ptrdiff_t stride) {
  constexpr int kOdd[4] = {1, 3, 5, 7};
  constexpr int64_t kWeight[4] = {29692, -10426, 6967, -5906};  // sqrt(2) (+-c1 +-c3 +-c5 +-c7)
  int32_t ws[2][8];
  for (int col : {0, 1, 3, 5, 7}) {
    if (!FitsInput(in[col])) return false;
    const int64_t even = int64_t{in[col]} * (1 << (kConstBits + 2));
    int64_t odd = 0;
    for (int i = 0; i < 4; ++i) {
      const int32_t c = in[8 * kOdd[i] + col];
      if (!FitsInput(c)) return false;
      odd += c * kWeight[i];
    }
    ws[0][col] = static_cast<int32_t>(Descale(even + odd, kConstBits - kPass1Bits + 2));
    ws[1][col] = static_cast<int32_t>(Descale(even - odd, kConstBits - kPass1Bits + 2));
    if (!FitsPass1(ws[0][col]) || !FitsPass1(ws[1][col])) return false;
  }
  for (int row = 0; row < 2; ++row, out += stride) {
    const int32_t* w = ws[row];
    const int64_t even = int64_t{w[0]} * (1 << (kConstBits + 2));
    int64_t odd = 0;
    for (int i = 0; i < 4; ++i) odd += w[kOdd[i]] * kWeight[i];
    const int64_t a = Descale(even + odd, kConstBits + kPass1Bits + 3 + 2);
    const int64_t b = Descale(even - odd, kConstBits + kPass1Bits + 3 + 2);
    if (!FitsOutput(a) || !FitsOutput(b)) return false;
    out[0] = RangeLimit(a);
    out[1] = RangeLimit(b);
  }
  return true;
}

// 4x4: each output the average of two adjacent outputs of the 8-point IDCT;
// frequency 4 contributes nothing.
template <class In>
inline bool Idct4x4(In in, uint8_t* out, ptrdiff_t stride) {
  // One 8-to-4 step on x[0..7] (x[4] unused), results before descaling.
  struct Four {
    int64_t v[4];
  };
  const auto step = [](int64_t x0, int64_t x1, int64_t x2, int64_t x3, int64_t x5, int64_t x6,
                       int64_t x7) {
    const int64_t e0 = x0 * (1 << (kConstBits + 1));
    const int64_t e2 = x2 * Fix(1.847759065) - x6 * Fix(0.765366865);
    const int64_t t10 = e0 + e2;
    const int64_t t12 = e0 - e2;
    // sqrt(2) times (c3-c1, c3+c7, -c1-c5, c5+c7) and (c7-c5, c5-c1, c3-c7, c1+c3).
    const int64_t o0 = -x7 * Fix(0.211164243) + x5 * Fix(1.451774981) - x3 * Fix(2.172734803) +
                       x1 * Fix(1.061594337);
    const int64_t o2 = -x7 * Fix(0.509795579) - x5 * Fix(0.601344887) + x3 * Fix(0.899976223) +
                       x1 * Fix(2.562915447);
    return Four{{t10 + o2, t12 + o0, t12 - o0, t10 - o2}};
  };
  int32_t ws[4][8];
  for (int col : {0, 1, 2, 3, 5, 6, 7}) {
    for (int row : {0, 1, 2, 3, 5, 6, 7}) {
      if (!FitsInput(in[8 * row + col])) return false;
    }
    const Four f = step(in[col], in[8 + col], in[16 + col], in[24 + col], in[40 + col],
                        in[48 + col], in[56 + col]);
    for (int i = 0; i < 4; ++i) {
      ws[i][col] = static_cast<int32_t>(Descale(f.v[i], kConstBits - kPass1Bits + 1));
      if (!FitsPass1(ws[i][col])) return false;
    }
  }
  for (int row = 0; row < 4; ++row, out += stride) {
    const int32_t* w = ws[row];
    const Four f = step(w[0], w[1], w[2], w[3], w[5], w[6], w[7]);
    for (int i = 0; i < 4; ++i) {
      const int64_t v = Descale(f.v[i], kConstBits + kPass1Bits + 3 + 1);
      if (!FitsOutput(v)) return false;
      out[i] = RangeLimit(v);
    }
  }
  return true;
}

// 3x3 (cK = sqrt(2) cos(K pi / 6)); the rounding constant rides on the DC term.
template <class In>
inline void Idct3x3(In in, uint8_t* out, ptrdiff_t stride) {
  const auto step = [](int64_t dc, int64_t x1, int64_t x2, int64_t* y) {
    const int64_t t12 = x2 * Fix(0.707106781);  // c2
    const int64_t t10 = dc + t12;
    const int64_t t0 = x1 * Fix(1.224744871);  // c1
    y[0] = t10 + t0;
    y[1] = dc - t12 - t12;
    y[2] = t10 - t0;
  };
  int32_t ws[3][3];
  for (int col = 0; col < 3; ++col) {
    int64_t y[3];
    const int64_t dc = int64_t{in[col]} * (1 << kConstBits) + (1 << (kConstBits - kPass1Bits - 1));
    step(dc, in[8 + col], in[16 + col], y);
    for (int i = 0; i < 3; ++i)
      ws[i][col] = static_cast<int32_t>(y[i] >> (kConstBits - kPass1Bits));
  }
  for (int row = 0; row < 3; ++row, out += stride) {
    int64_t y[3];
    const int64_t dc = (int64_t{ws[row][0]} + (1 << (kPass1Bits + 2))) * (1 << kConstBits);
    step(dc, ws[row][1], ws[row][2], y);
    for (int i = 0; i < 3; ++i) out[i] = RangeLimit(y[i] >> (kConstBits + kPass1Bits + 3));
  }
}

// 8x8: the LL&M islow IDCT (Loeffler, Ligtenberg and Moschytz, ICASSP 1989),
// as jidctint.c's jpeg_idct_islow.
template <class In>
inline bool Idct8x8(In in, uint8_t* out, ptrdiff_t stride) {
  // One 8-point step; y gets the results before descaling.
  const auto step = [](int64_t x0, int64_t x1, int64_t x2, int64_t x3, int64_t x4, int64_t x5,
                       int64_t x6, int64_t x7, int64_t* y) {
    // Even part: the rotator is sqrt(2) c6.
    const int64_t z1 = (x2 + x6) * Fix(0.541196100);
    const int64_t e2 = z1 - x6 * Fix(1.847759065);
    const int64_t e3 = z1 + x2 * Fix(0.765366865);
    const int64_t e0 = (x0 + x4) * (1 << kConstBits);
    const int64_t e1 = (x0 - x4) * (1 << kConstBits);
    const int64_t t10 = e0 + e3, t13 = e0 - e3, t11 = e1 + e2, t12 = e1 - e2;
    // Odd part (figure 8 of the paper); inputs x7, x5, x3, x1.
    const int64_t z5 = (x7 + x3 + x5 + x1) * Fix(1.175875602);  // sqrt(2) c3
    const int64_t za = -(x7 + x1) * Fix(0.899976223);
    const int64_t zb = -(x5 + x3) * Fix(2.562915447);
    const int64_t zc = -(x7 + x3) * Fix(1.961570560) + z5;
    const int64_t zd = -(x5 + x1) * Fix(0.390180644) + z5;
    const int64_t o0 = x7 * Fix(0.298631336) + za + zc;
    const int64_t o1 = x5 * Fix(2.053119869) + zb + zd;
    const int64_t o2 = x3 * Fix(3.072711026) + zb + zc;
    const int64_t o3 = x1 * Fix(1.501321110) + za + zd;
    y[0] = t10 + o3;
    y[7] = t10 - o3;
    y[1] = t11 + o2;
    y[6] = t11 - o2;
    y[2] = t12 + o1;
    y[5] = t12 - o1;
    y[3] = t13 + o0;
    y[4] = t13 - o0;
  };
  int32_t ws[8][8];
  for (int col = 0; col < 8; ++col) {
    int32_t c[8];
    for (int row = 0; row < 8; ++row) {
      c[row] = in[8 * row + col];
      if (!FitsInput(c[row])) return false;
    }
    int64_t y[8];
    step(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], y);
    for (int i = 0; i < 8; ++i) {
      ws[i][col] = static_cast<int32_t>(Descale(y[i], kConstBits - kPass1Bits));
      if (!FitsPass1(ws[i][col])) return false;
    }
  }
  for (int row = 0; row < 8; ++row, out += stride) {
    const int32_t* w = ws[row];
    int64_t y[8];
    step(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], y);
    for (int i = 0; i < 8; ++i) {
      const int64_t v = Descale(y[i], kConstBits + kPass1Bits + 3);
      if (!FitsOutput(v)) return false;
      out[i] = RangeLimit(v);
    }
  }
  return true;
}

// Which coefficients (natural index) the M x M IDCT reads.
bool IdctReads(int m, int index);

// Whether Idct() has an M x M version (M = 1, 2, 3, 4, 8).
bool SupportedScale(int m);

// Runs the M x M IDCT; false when a SIMD-exactness check fails.
template <class In>
inline bool Idct(int m, In in, uint8_t* out, ptrdiff_t stride) {
  switch (m) {
    case 1:
      Idct1x1(in, out, stride);
      return true;
    case 2:
      return Idct2x2(in, out, stride);
    case 3:
      Idct3x3(in, out, stride);
      return true;
    case 4:
      return Idct4x4(in, out, stride);
    default:
      return Idct8x8(in, out, stride);
  }
}

// ---------------------------------------------------------------------------
// Huffman decoding (T.81 annex C and F.2.2).
// ---------------------------------------------------------------------------

// A table as a DHT segment defines it.
struct HuffmanSpec {
  bool defined = false;
  std::array<uint8_t, 16> counts{};  // codes of each length 1..16
  std::array<uint8_t, 256> symbols{};
};

// Codes of up to kLookupBits bits are decoded by one lookup of the next
// kLookupBits bits, in one of two tables: one that also gives the value of
// the coefficient when the code and its extra bits fit in them (for the
// coefficients kept), one that gives what parsing needs (for those dropped):
// how many bits to skip, code and extra bits together, and how far the
// zigzag index moves.
inline constexpr int kLookupBits = 10;

// Value lookup entries: bits 0..5 the bits to consume, bit 6 set when the
// entry is complete (the value included: the code and its extra bits fit in
// kLookupBits; the code's length only otherwise), bits 8..15 the symbol,
// bits 16..31 the value. 0: a longer code, or none.
inline constexpr uint32_t kComplete = 1u << 6;
// Skip lookup entries: bits 0..5 the bits to consume (code and extra bits),
// bits 8..12 the zigzag step (run + 1, or 16 for ZRL), bit 14 ZRL, bit 15
// end of block. 0: a longer code, or none.
inline constexpr uint16_t kZrl = 1u << 14;
inline constexpr uint16_t kEndOfBlock = 1u << 15;
// Run lookup entries (AC tables): what parsing the whole symbols (codes and
// extra bits) that fit in the next kRunBits bits takes, up to and including an
// end of block: bits 0..3 the bits to consume, bits 4..11 the zigzag step,
// bit 15 set when they end the block. 0: not even one symbol fits. Most
// dropped coefficients are short (a 2..5-bit code and 1..2 extra bits), so
// one lookup parses two or three of them.
inline constexpr int kRunBits = 11;
inline constexpr uint16_t kRunEnds = 1u << 15;
// Step lookup entries (AC tables of sequential scans), for the coefficients
// kept: bits 0..5 the bits to consume, bit 6 (kComplete) set when the code
// and its extra bits fit in kLookupBits; then bits 8..15 the zigzag step
// (run + 1; 16 for ZRL; kEndStep for an end of block) and bits 16..31 the
// value (0 for ZRL and end of block). Otherwise bits 0..5 are the code's
// length and bits 16..23 its symbol. 0: a longer code, or none. One add
// moves the zigzag index past a coefficient, a run of zeros or the end of
// the block alike, so the decoding loop has one exit test per symbol.
inline constexpr int kEndStep = 128;

struct HuffmanTable {
  std::array<uint32_t, 1 << kLookupBits> value_lookup{};
  std::array<uint16_t, 1 << kLookupBits> skip_lookup{};
  std::array<uint16_t, 1 << kRunBits> run_lookup{};
  std::array<uint32_t, 1 << kLookupBits> step_lookup{};
  std::array<int32_t, 17> max_code{};  // by length; -1 when there is none
  std::array<int32_t, 17> offset{};    // symbol index = code + offset[length]
  std::array<uint8_t, 256> symbols{};
};

// T.81 F.2.2.1: a size-bit value v stands for v when its top bit is set and
// for v - (2^size - 1) otherwise.
inline int32_t Extend(uint32_t v, int size) {
  return v < (1u << (size - 1)) ? static_cast<int32_t>(v) - (1 << size) + 1
                                : static_cast<int32_t>(v);
}

// The skip entry of an AC symbol whose code and extra bits take `bits` bits
// (libjpeg ends the block at any size-0 symbol but ZRL).
inline uint16_t SkipEntry(uint8_t symbol, int bits) {
  const int run = symbol >> 4, size = symbol & 15;
  if (size == 0) return static_cast<uint16_t>(bits | (run == 15 ? kZrl | (16 << 8) : kEndOfBlock));
  return static_cast<uint16_t>(bits | ((run + 1) << 8));
}

// The zigzag step of an AC symbol in a sequential scan (see kEndStep).
inline uint32_t ZigzagStep(uint8_t symbol) {
  if ((symbol & 15) != 0) return (symbol >> 4) + 1u;
  return symbol == 0xF0 ? 16u : static_cast<uint32_t>(kEndStep);
}

// The canonical codes of T.81 C.2, as lookup tables (value_lookup,
// skip_lookup; AddSequentialLookups adds run_lookup and step_lookup). False for a table libjpeg
// refuses (jdhuff.c jpeg_make_d_derived_tbl): more codes of a length than
// fit, the all-ones code, or a DC symbol above 15.
bool BuildTable(const HuffmanSpec& spec, bool dc, HuffmanTable& t);

// Fills t.run_lookup and t.step_lookup of an AC table built by BuildTable,
// for sequential scans (a size-0 symbol other than ZRL ends the block).
void AddSequentialLookups(HuffmanTable& t);

// A code longer than kLookupBits at the top of `bits`: (length << 8) | symbol,
// or -1 when the table has no such code.
int DecodeLong(uint64_t bits, const HuffmanTable& t);

// The bits of one scan's entropy-coded data, with the 0xFF00 stuffing
// removed, in a 64-bit buffer (most significant bit first). At a marker (a
// restart marker, the end of the scan) or the end of the input it supplies
// zero bits and counts them; Overrun() says whether any were consumed.
//
// The block decoders copy it into a local, so that the compiler keeps the
// buffer and the count in registers, and copy it back at the end.
struct BitReader {
  uint64_t bits = 0;
  int count = 0;
  int phantom = 0;
  const uint8_t* p = nullptr;
  const uint8_t* end = nullptr;

  // At least 32 bits in the buffer: a code and its extra bits (16 + 15).
  [[gnu::always_inline]] void Ensure() {
    if (count < 32) Fill();
  }
  void Skip(int n) {
    bits <<= n;
    count -= n;
  }
  // The next n bits (0..16).
  uint32_t Take(int n) {
    const uint32_t v = static_cast<uint32_t>((bits >> 1) >> (63 - n));  // n = 0: 0
    Skip(n);
    return v;
  }
  bool Overrun() const { return count < phantom; }
  // At a restart boundary: drops the rest of the byte and reads RSTn, which
  // must come next. False if the data ran out before it or it is not there.
  bool Restart(int n) {
    if (Overrun() || end - p < 2 || p[0] != 0xFF || p[1] != 0xD0 + n) return false;
    p += 2;
    bits = 0;
    count = 0;
    phantom = 0;
    return true;
  }

  // To at least 57 bits.
  [[gnu::always_inline]] void Fill() {
    if (end - p >= 8) {  // whole bytes at once when the next 8 hold no 0xFF
      uint64_t v;
      std::memcpy(&v, p, 8);
      v = __builtin_bswap64(v);
      const uint64_t inverted = ~v;  // a 0xFF byte of v is a zero byte here
      if (((inverted - 0x0101010101010101u) & v & 0x8080808080808080u) == 0) {
        const int bytes = (64 - count) >> 3;  // 5..8: count < 32
        const uint64_t keep = bytes == 8 ? ~uint64_t{0} : ~(~uint64_t{0} >> (8 * bytes));
        bits |= (v & keep) >> count;
        count += 8 * bytes;
        p += bytes;
        return;
      }
    }
    while (count <= 56) {
      uint64_t byte = 0;
      if (p < end && *p != 0xFF) {
        byte = *p++;
      } else if (end - p >= 2 && p[1] == 0x00) {
        byte = 0xFF;
        p += 2;
      } else {
        phantom += 8;
      }
      bits |= byte << (56 - count);
      count += 8;
    }
  }
};

// The next symbol and its extended value (0 for size 0), consumed; -1 for a
// bad code. A DC table's symbols are sizes, and its values differences.
[[gnu::always_inline]] inline int DecodeValue(BitReader& r, const HuffmanTable& t, int32_t& value) {
  r.Ensure();
  const uint32_t e = t.value_lookup[r.bits >> (64 - kLookupBits)];
  if (e & kComplete) {
    r.Skip(static_cast<int>(e & 63));
    value = static_cast<int32_t>(e) >> 16;
    return static_cast<int>(e >> 8) & 255;
  }
  int symbol;
  if (e != 0) {
    r.Skip(static_cast<int>(e & 63));
    symbol = static_cast<int>(e >> 8) & 255;
  } else {
    const int code = DecodeLong(r.bits, t);
    if (code < 0) return -1;
    r.Skip(code >> 8);
    symbol = code & 255;
  }
  const int size = symbol & 15;
  value = size == 0 ? 0 : Extend(r.Take(size), size);
  return symbol;
}

// Parses a DC difference without its value. False for a bad code.
[[gnu::always_inline]] inline bool SkipDc(BitReader& r, const HuffmanTable& t) {
  r.Ensure();
  const uint16_t e = t.skip_lookup[r.bits >> (64 - kLookupBits)];
  if (e != 0) {
    r.Skip(e & 63);
    return true;
  }
  const int code = DecodeLong(r.bits, t);
  if (code < 0) return false;
  r.Skip((code >> 8) + (code & 15));
  return true;
}

// Parses the AC coefficients of a block from zigzag index k on without
// keeping them. False for a bad code or a coefficient past index 63 (which
// libjpeg would write over coefficient 63).
[[gnu::always_inline]] inline bool SkipAc(BitReader& r, const HuffmanTable& t, int k) {
  uint16_t e = kZrl;  // k > 64 on entry only after a ZRL
  while (k < 64) {
    r.Ensure();
    // Several symbols at once when they stay before index 64 (so that each
    // would have been read one by one too).
    const uint16_t run = t.run_lookup[r.bits >> (64 - kRunBits)];
    if (run != 0 && k + ((run >> 4) & 255) < 64) {
      r.Skip(run & 15);
      if (run & kRunEnds) return true;
      k += (run >> 4) & 255;
      continue;
    }
    e = t.skip_lookup[r.bits >> (64 - kLookupBits)];
    if (e == 0) {
      const int code = DecodeLong(r.bits, t);
      if (code < 0) return false;
      e = SkipEntry(static_cast<uint8_t>(code), (code >> 8) + (code & 15));
    }
    r.Skip(e & 63);
    if (e & kEndOfBlock) return true;
    k += (e >> 8) & 31;
  }
  return k <= 64 || (e & kZrl) != 0;
}

// ---------------------------------------------------------------------------
// Marker segments (T.81 B.2, B.2.4).
// ---------------------------------------------------------------------------

struct FrameComponent {
  int id = 0, h = 0, v = 0, quant = 0;
  int dc_table = 0, ac_table = 0;  // from the (first) scan header
};

// The frame and the tables as defined so far.
struct Headers {
  int width = 0, height = 0;
  int components = 0;
  std::array<FrameComponent, 3> frame{};
  std::array<std::array<int32_t, 64>, 4> quant{};  // natural order, as libjpeg's int16 multipliers
  std::array<bool, 4> quant_defined{};
  std::array<HuffmanSpec, 8> huffman{};  // DC tables 0..3, then AC tables 0..3
  int restart_interval = 0;
  size_t scan_header = 0;  // where the first SOS segment's payload starts
  size_t scan_header_length = 0;
  size_t scan_start = 0;  // where its entropy-coded data starts
  bool jfif = false;
  bool adobe = false;
  int adobe_transform = 0;
  Orientation orientation = Orientation::kNormal;
};

inline uint32_t Be16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }

// The frame types the decoders take: SOF0/SOF1 (sequential Huffman) or SOF2
// (progressive Huffman), 8-bit, one or three components.
enum class FrameKind { kSequential, kProgressive };

// Reads the markers up to the first scan header (SOS), whose place it
// records. False for anything the decoders do not take: another frame type,
// a frame of another precision or component count, duplicate component ids,
// a malformed segment, DAC, DNL, reserved or stray markers. The EXIF
// orientation is that of the first APP1 segment with one other than kNormal,
// when want_exif.
bool ParseHeaders(std::span<const uint8_t> b, bool want_exif, FrameKind kind, Headers& h);

// One marker segment that may come between scans (and before the first):
// DHT, DQT, DRI, APPn or COM, applied to h (APP0/APP14 set jfif/adobe,
// APP1 the orientation when want_exif). False for any other marker and for
// a malformed segment.
bool ParseTableSegment(uint8_t marker, const uint8_t* p, size_t n, bool want_exif, Headers& h);

// libjpeg's colour space guess for three components (jdapimin.c
// default_decompress_parms), where it says YCbCr for certain: a JFIF marker,
// an Adobe marker with transform 1, or ids 1, 2, 3 without either.
bool IsYcbcr(const Headers& h);

// The end of the entropy-coded data that starts at `from`: the next marker
// other than a stuffed 0xFF00 or a restart marker (fill bytes before a
// marker skipped), or the end of the input.
size_t EntropyDataEnd(std::span<const uint8_t> b, size_t from);

// The scale M at which the own decoders decode the frame `h` for `options`,
// or 0 when they leave it to libjpeg: three components that are not
// certainly YCbCr, sizes libjpeg (JPEG_MAX_DIMENSION; a zero height needs
// DNL) or CheckDimensions refuses, an M without an IDCT here.
int DecodableScale(const Headers& h, const DecodeOptions& options);

// The zigzag positions of a block, remapped for the decoder: the natural
// index when the M x M IDCT reads the coefficient, 64 (scrap) when it does
// not. Past 63 every slot is scrap, up to the largest index a step can
// reach (63 + kEndStep), so that a decoder may store before it tests.
struct LumaLayout {
  std::array<uint8_t, 64 + kEndStep> slot{};
  int last = 0;  // the last zigzag index the IDCT reads
};
LumaLayout MakeLayout(int m);

}  // namespace counterfoil::imaging::internal::jpeg
