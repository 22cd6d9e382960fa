#include "imaging/internal/jpeg_baseline_luma.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "imaging/internal/jpeg_luma_decoding.h"
#include "imaging/pdq.h"

namespace counterfoil::imaging::internal {
namespace {

using jpeg::BitReader;
using jpeg::DecodeValue;
using jpeg::FrameComponent;
using jpeg::Headers;
using jpeg::HuffmanTable;
using jpeg::LumaLayout;

// The single scan of a sequential frame: all components, in frame order
// (which libjpeg's MCU layout then follows), Ss = 0, Se = 63, Ah = Al = 0.
bool ParseSequentialScan(std::span<const uint8_t> b, Headers& h) {
  const uint8_t* p = b.data() + h.scan_header;
  const size_t n = h.scan_header_length;
  if (n < 1 || p[0] != h.components || n != 4 + 2 * static_cast<size_t>(h.components)) {
    return false;
  }
  for (int c = 0; c < h.components; ++c) {
    if (p[1 + 2 * c] != h.frame[c].id) return false;
    h.frame[c].dc_table = p[2 + 2 * c] >> 4;
    h.frame[c].ac_table = p[2 + 2 * c] & 15;
    if (h.frame[c].dc_table > 3 || h.frame[c].ac_table > 3) return false;
  }
  const uint8_t* s = p + 1 + 2 * h.components;
  return s[0] == 0 && s[1] == 63 && s[2] == 0;
}

// The scan decoder's state for the luma.
struct LumaDecoder {
  const HuffmanTable* dc = nullptr;
  const HuffmanTable* ac = nullptr;
  const LumaLayout* layout = nullptr;
  int dc_pred = 0;
  // Coefficients in natural order (+ scrap), JCOEF as libjpeg keeps them.
  // (int16_t also tells the compiler that storing one changes no int of the
  // bit reader's.)
  alignas(64) std::array<int16_t, 65> block{};

  // Zeroes the 64 coefficients (the scrap slot is never read), with eight
  // 16-byte stores where there is SSE2: fill() and memset() compile to
  // `rep stos`, whose start-up cost was 5% of the fast path.
  void ClearBlock() {
#if defined(__SSE2__)
    for (int i = 0; i < 64; i += 8) {
      _mm_store_si128(reinterpret_cast<__m128i*>(block.data() + i), _mm_setzero_si128());
    }
#else
    std::fill_n(block.begin(), 64, int16_t{0});
#endif
  }
};

// One luma block: its DC and, up to zigzag index `last`, the coefficients
// the IDCT reads, into d.block; the rest parsed. False for a bad code, an
// index past 63, or a DC predictor outside JCOEF's range.
// (Not inlined: on its own the block loop keeps the bit buffer, its count
// and the tables in registers.)
[[gnu::noinline]] bool DecodeLumaBlock(BitReader& reader, LumaDecoder& d, int last) {
  BitReader r = reader;
  int32_t value;
  if (DecodeValue(r, *d.dc, value) < 0) return false;
  d.dc_pred += value;
  if (d.dc_pred < -32768 || d.dc_pred > 32767) return false;
  d.block[0] = static_cast<int16_t>(d.dc_pred);
  const HuffmanTable& ac = *d.ac;
  const uint8_t* slot = d.layout->slot.data();
  int k = 1;
  uint32_t e = 0;
  while (k <= last) {
    r.Ensure();
    e = ac.step_lookup[r.bits >> (64 - jpeg::kLookupBits)];
    if (!(e & jpeg::kComplete)) {
      uint8_t symbol;
      if (e != 0) {
        r.Skip(static_cast<int>(e & 63));
        symbol = static_cast<uint8_t>(e >> 16);
      } else {
        const int code = jpeg::DecodeLong(r.bits, ac);
        if (code < 0) return false;
        r.Skip(code >> 8);
        symbol = static_cast<uint8_t>(code);
      }
      const int size = symbol & 15;
      const int32_t value = size == 0 ? 0 : jpeg::Extend(r.Take(size), size);
      e = (static_cast<uint32_t>(value) << 16) | (jpeg::ZigzagStep(symbol) << 8);
    } else {
      r.Skip(static_cast<int>(e & 63));
    }
    k += static_cast<int>((e >> 8) & 255);
    // Past 63 (an end of block, or a run past the block) the slot is scrap.
    d.block[slot[k - 1]] = static_cast<int16_t>(e >> 16);
  }
  if (k > 64) {
    // An end of block, a ZRL that runs past the end (libjpeg ends the block
    // there too: step 16, value 0; a run of 15 before a coefficient has a
    // nonzero value), or a coefficient past index 63.
    if (k >= jpeg::kEndStep || (e & 0xFFFFFF00u) == (16u << 8)) {
      reader = r;
      return true;
    }
    return false;
  }
  if (!jpeg::SkipAc(r, ac, k)) return false;
  reader = r;
  return true;
}

// Parses one block of a component that is not output.
[[gnu::noinline]] bool SkipBlock(BitReader& reader, const HuffmanTable& dc,
                                 const HuffmanTable& ac) {
  BitReader r = reader;
  if (!jpeg::SkipDc(r, dc) || !jpeg::SkipAc(r, ac, 1)) return false;
  reader = r;
  return true;
}

}  // namespace

int LumaScaleNumerator(uint32_t width, uint32_t height, int min_short_side) {
  if (min_short_side <= 0) return 8;
  const uint64_t short_side = std::min(width, height);
  int m = 1;
  while (m < 8 && (short_side * m + 7) / 8 < static_cast<uint64_t>(min_short_side)) ++m;
  return m;
}

bool DecodeBaselineLuma(std::span<const uint8_t> jpeg, const DecodeOptions& options,
                        LumaPlane& plane) {
  Headers h;
  if (!jpeg::ParseHeaders(jpeg, options.apply_exif_orientation, jpeg::FrameKind::kSequential, h) ||
      !ParseSequentialScan(jpeg, h)) {
    return false;
  }
  const int m = jpeg::DecodableScale(h, options);
  if (m == 0) return false;

  // The MCU layout (T.81 A.2): one block per MCU in a one-component scan,
  // h x v blocks of each component in an interleaved one.
  const FrameComponent& y = h.frame[0];
  int max_h = 1, max_v = 1, blocks_in_mcu = 0;
  for (int c = 0; c < h.components; ++c) {
    max_h = std::max(max_h, h.frame[c].h);
    max_v = std::max(max_v, h.frame[c].v);
    blocks_in_mcu += h.frame[c].h * h.frame[c].v;
  }
  const bool interleaved = h.components > 1;
  if (interleaved && (y.h != max_h || y.v != max_v || blocks_in_mcu > 10)) return false;
  const int y_h = interleaved ? y.h : 1;
  const int y_v = interleaved ? y.v : 1;
  const int mcu_w = 8 * (interleaved ? max_h : 1);
  const int mcu_h = 8 * (interleaved ? max_v : 1);
  const int mcus_per_row = (h.width + mcu_w - 1) / mcu_w;
  const int mcu_rows = (h.height + mcu_h - 1) / mcu_h;

  // Tables: every component's must be defined and valid (libjpeg would fail
  // or substitute the standard tables otherwise).
  std::array<HuffmanTable, 8> tables;  // built on first use
  std::array<bool, 8> built{};
  std::array<const HuffmanTable*, 3> dc{}, ac{};
  for (int c = 0; c < h.components; ++c) {
    if (!h.quant_defined[h.frame[c].quant]) return false;
    for (bool is_dc : {true, false}) {
      const int t = is_dc ? h.frame[c].dc_table : 4 + h.frame[c].ac_table;
      if (!h.huffman[t].defined) return false;
      if (!built[t]) {
        if (!jpeg::BuildTable(h.huffman[t], is_dc, tables[t])) return false;
        if (!is_dc) jpeg::AddSequentialLookups(tables[t]);
      }
      built[t] = true;
      (is_dc ? dc : ac)[c] = &tables[t];
    }
  }

  const int out_w = static_cast<int>((int64_t{h.width} * m + 7) / 8);
  const int out_h = static_cast<int>((int64_t{h.height} * m + 7) / 8);
  const int blocks_w = (out_w + m - 1) / m;  // luma blocks with output
  const int blocks_h = (out_h + m - 1) / m;
  const size_t samples = static_cast<size_t>(out_w) * out_h;
  if (plane.luma.size() < samples) plane.luma.resize(samples);
  const size_t strip_w = static_cast<size_t>(mcus_per_row) * y_h * m;
  std::vector<uint8_t> strip(strip_w * y_v * m);

  const LumaLayout layout = jpeg::MakeLayout(m);
  const std::array<int32_t, 64> quant = h.quant[y.quant];
  LumaDecoder d;
  d.dc = dc[0];
  d.ac = ac[0];
  d.layout = &layout;

  BitReader reader;
  reader.p = jpeg.data() + h.scan_start;
  reader.end = jpeg.data() + jpeg.size();
  int mcus_to_restart = h.restart_interval;
  int next_restart = 0;
  for (int mcu_y = 0; mcu_y < mcu_rows; ++mcu_y) {
    for (int mcu_x = 0; mcu_x < mcus_per_row; ++mcu_x) {
      if (h.restart_interval != 0) {
        if (mcus_to_restart == 0) {
          if (!reader.Restart(next_restart)) return false;
          next_restart = (next_restart + 1) & 7;
          mcus_to_restart = h.restart_interval;
          d.dc_pred = 0;
        }
        --mcus_to_restart;
      }
      for (int by = 0; by < y_v; ++by) {
        const int block_y = mcu_y * y_v + by;
        for (int bx = 0; bx < y_h; ++bx) {
          const int block_x = mcu_x * y_h + bx;
          const bool shown = block_x < blocks_w && block_y < blocks_h;
          if (!DecodeLumaBlock(reader, d, shown ? layout.last : 0)) return false;
          if (!shown) continue;
          uint8_t* out = strip.data() + static_cast<size_t>(by) * m * strip_w +
                         static_cast<size_t>(block_x) * m;
          if (!jpeg::Idct(m, jpeg::Dequantised{d.block.data(), quant.data()}, out,
                          static_cast<ptrdiff_t>(strip_w))) {
            return false;
          }
          d.ClearBlock();
        }
      }
      for (int c = 1; c < h.components; ++c) {
        for (int n = h.frame[c].h * h.frame[c].v; n > 0; --n) {
          if (!SkipBlock(reader, *dc[c], *ac[c])) return false;
        }
      }
    }
    if (reader.Overrun()) return false;
    // The strip's rows onto PDQ's scale.
    const int first_row = mcu_y * y_v * m;
    const int rows = std::min(y_v * m, out_h - first_row);
    for (int r = 0; r < rows; ++r) {
      GreyToLuma(strip.data() + static_cast<size_t>(r) * strip_w,
                 plane.luma.data() + static_cast<size_t>(first_row + r) * out_w,
                 static_cast<size_t>(out_w));
    }
  }

  // Only EOI may follow (libjpeg's jpeg_finish_decompress reads up to it;
  // bytes between are skipped with a warning, as here).
  const uint8_t* p = reader.p;
  const uint8_t* end = jpeg.data() + jpeg.size();
  for (;;) {
    while (p < end && *p != 0xFF) ++p;
    while (end - p >= 2 && p[1] == 0xFF) ++p;
    if (end - p < 2) return false;
    if (p[1] != 0x00) break;
    p += 2;
  }
  if (p[1] != 0xD9) return false;

  plane.width = out_w;
  plane.height = out_h;
  plane.orientation = h.orientation;
  return true;
}

}  // namespace counterfoil::imaging::internal
