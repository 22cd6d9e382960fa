#include "imaging/internal/jpeg_progressive_luma.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "imaging/internal/jpeg_baseline_luma.h"
#include "imaging/internal/jpeg_luma_decoding.h"
#include "imaging/pdq.h"

namespace counterfoil::imaging::internal {
namespace {

using jpeg::BitReader;
using jpeg::DecodeValue;
using jpeg::Headers;
using jpeg::HuffmanTable;

// The luma's coefficients as the scans leave them, per block (the luma's
// blocks in raster order, cols x rows): zigzag positions 0..last as JCOEF
// values (what the M x M IDCT reads; slot last + 1 takes the stores past
// it), and a mask of which of all 64 positions are nonzero (a refinement scan
// reads a correction bit for each). Memory from the thread's buffers.
struct LumaCoefficients {
  int16_t* values = nullptr;
  uint64_t* nonzero = nullptr;
  int stride = 0;  // last + 2
  int last = 0;
  uint32_t cols = 0, rows = 0;
  int16_t* Block(size_t index) const { return values + index * stride; }
};

// The per-thread buffers, reused from photo to photo (their pages stay
// mapped), given back above 16 MB as the libjpeg path's coefficient arena is.
struct CoefficientMemory {
  std::vector<int16_t> values;
  std::vector<uint64_t> nonzero;
  void Trim() {
    if (values.capacity() * sizeof(int16_t) + nonzero.capacity() * sizeof(uint64_t) >
        (size_t{16} << 20)) {
      std::vector<int16_t>().swap(values);
      std::vector<uint64_t>().swap(nonzero);
    }
  }
};
CoefficientMemory& ThreadCoefficientMemory() {
  thread_local CoefficientMemory memory;
  return memory;
}

// A scan header (T.81 B.2.3) checked against the frame.
struct Scan {
  int count = 0;              // components in the scan
  std::array<int, 4> comp{};  // their frame indices, in scan order
  std::array<int, 4> dc_table{};
  std::array<int, 4> ac_table{};
  int ss = 0, se = 0, ah = 0, al = 0;
  bool has_luma = false;
};

bool ParseScan(const uint8_t* p, size_t n, const Headers& h, Scan& s) {
  if (n < 1) return false;
  s.count = p[0];
  if (s.count < 1 || s.count > 4 || n != 4 + 2 * static_cast<size_t>(s.count)) return false;
  for (int i = 0; i < s.count; ++i) {
    int found = -1;
    for (int c = 0; c < h.components; ++c) {
      if (h.frame[c].id == p[1 + 2 * i]) found = c;
    }
    for (int j = 0; j < i; ++j) {
      if (s.comp[j] == found) found = -1;  // a component twice
    }
    if (found < 0) return false;
    s.comp[i] = found;
    s.dc_table[i] = p[2 + 2 * i] >> 4;
    s.ac_table[i] = p[2 + 2 * i] & 15;
    s.has_luma |= found == 0;
  }
  const uint8_t* q = p + 1 + 2 * s.count;
  s.ss = q[0];
  s.se = q[1];
  s.ah = q[2] >> 4;
  s.al = q[2] & 15;
  return true;
}

// Which point transform each coefficient of each component has reached
// (libjpeg's coef_bits): -1 before its first scan.
using Progression = std::array<std::array<int8_t, 64>, 3>;

// libjpeg's checks of a scan (jdphuff.c start_pass_phuff_decoder), with
// what it only warns about refused too, and a first scan of coefficients
// that already had one (libjpeg would merge them) as well. Updates `bits`.
bool CheckProgression(const Scan& s, Progression& bits) {
  const bool dc = s.ss == 0;
  if (dc ? s.se != 0 : (s.ss > s.se || s.se > 63 || s.count != 1)) return false;
  if ((s.ah != 0 && s.al != s.ah - 1) || s.al > 13) return false;
  for (int i = 0; i < s.count; ++i) {
    std::array<int8_t, 64>& b = bits[s.comp[i]];
    if (!dc && b[0] < 0) return false;  // AC before the DC scan
    for (int k = s.ss; k <= s.se; ++k) {
      if (s.ah == 0 ? b[k] >= 0 : b[k] != s.ah) return false;
      b[k] = static_cast<int8_t>(s.al);
    }
  }
  return true;
}

// Where the next marker starts after a decoded scan whose reader stopped at
// `p`: libjpeg skips (with a warning) any bytes left before it, stuffed
// 0xFF00 pairs included. The end of the input if there is none.
const uint8_t* NextMarker(const uint8_t* p, const uint8_t* end) {
  for (;;) {
    while (p < end && *p != 0xFF) ++p;
    while (end - p >= 2 && p[1] == 0xFF) ++p;
    if (end - p < 2) return end;
    if (p[1] != 0x00) return p;
    p += 2;
  }
}

// Counts restart intervals in MCUs; at each interval's end it reads RSTn
// and has the caller reset its predictors.
struct Restarts {
  int interval = 0;
  int to_go = 0;
  int next = 0;
  // Before each MCU; false if the marker is missing or out of order.
  // `reset` is set when the predictors (and the end-of-band run) restart.
  [[gnu::always_inline]] bool Before(BitReader& r, bool& reset) {
    if (interval == 0) return true;
    if (to_go == 0) {
      if (!r.Restart(next)) return false;
      next = (next + 1) & 7;
      to_go = interval;
      reset = true;
    }
    --to_go;
    return true;
  }
};

// The frame's geometry.
struct Geometry {
  int width = 0, height = 0;
  int max_h = 1, max_v = 1;
};

// A DC scan (first or refinement) of one component or interleaved ones
// (T.81 A.2: one component's own blocks in raster order; or MCUs, each
// component's H x V blocks in turn, dummy blocks of partial MCUs included),
// keeping the luma's values: the DC value (the predictor sum, times 2^Al)
// of a first scan, a correction bit at 2^Al of a refinement.
bool DecodeDcScan(const Scan& s, const Headers& h, const Geometry& g,
                  const std::array<const HuffmanTable*, 4>& tables, int restart_interval,
                  BitReader& reader, const LumaCoefficients& luma) {
  struct Block {
    int slot;
    bool luma;
    int dx, dy;
  };
  std::array<Block, 10> blocks{};
  int blocks_in_mcu = 0;
  uint32_t mcus_per_row, mcu_rows;
  int luma_h = 1, luma_v = 1;
  if (s.count == 1) {
    const jpeg::FrameComponent& c = h.frame[s.comp[0]];
    // libjpeg's width_in_blocks, height_in_blocks.
    mcus_per_row =
        static_cast<uint32_t>((int64_t{g.width} * c.h + 8 * g.max_h - 1) / (8 * g.max_h));
    mcu_rows = static_cast<uint32_t>((int64_t{g.height} * c.v + 8 * g.max_v - 1) / (8 * g.max_v));
    blocks[blocks_in_mcu++] = {0, s.comp[0] == 0, 0, 0};
  } else {
    mcus_per_row = static_cast<uint32_t>((g.width + 8 * g.max_h - 1) / (8 * g.max_h));
    mcu_rows = static_cast<uint32_t>((g.height + 8 * g.max_v - 1) / (8 * g.max_v));
    luma_h = h.frame[0].h;
    luma_v = h.frame[0].v;
    for (int i = 0; i < s.count; ++i) {
      const jpeg::FrameComponent& c = h.frame[s.comp[i]];
      if (blocks_in_mcu + c.h * c.v > 10) return false;  // libjpeg's D_MAX_BLOCKS_IN_MCU
      for (int dy = 0; dy < c.v; ++dy) {
        for (int dx = 0; dx < c.h; ++dx) blocks[blocks_in_mcu++] = {i, s.comp[i] == 0, dx, dy};
      }
    }
  }
  const bool first = s.ah == 0;
  const int32_t scale = int32_t{1} << s.al;
  BitReader r = reader;
  Restarts restarts{restart_interval, restart_interval, 0};
  std::array<int32_t, 4> pred{};
  for (uint32_t my = 0; my < mcu_rows; ++my) {
    for (uint32_t mx = 0; mx < mcus_per_row; ++mx) {
      bool reset = false;
      if (!restarts.Before(r, reset)) return false;
      if (reset) pred.fill(0);
      for (int b = 0; b < blocks_in_mcu; ++b) {
        const Block& block = blocks[b];
        int32_t value;
        if (first) {
          int32_t diff;
          if (DecodeValue(r, *tables[block.slot], diff) < 0) return false;
          // libjpeg keeps the predictor in an int and stores it times 2^Al
          // as JCOEF; beyond JCOEF (never in valid data) is left to it.
          int32_t& p = pred[block.slot];
          p += diff;
          value = p * scale;
          if (p < -32768 || p > 32767 || value < -32768 || value > 32767) return false;
        } else {
          r.Ensure();
          value = static_cast<int32_t>(r.Take(1));
        }
        if (!block.luma) continue;
        const uint32_t x = mx * luma_h + block.dx, y = my * luma_v + block.dy;
        if (x >= luma.cols || y >= luma.rows) continue;  // a dummy block
        int16_t* coef = luma.Block(size_t{y} * luma.cols + x);
        if (first) {
          coef[0] = static_cast<int16_t>(value);
        } else if (value != 0) {
          coef[0] = static_cast<int16_t>(coef[0] | scale);
        }
      }
    }
    if (r.Overrun()) return false;
  }
  reader = r;
  return true;
}

// Parsing the coefficients of an AC first scan that the IDCT does not read:
// what the whole symbols (codes and extra bits) that fit in the next
// jpeg::kRunBits bits take, looked up at once (most of these coefficients
// are short symbols, two or three to a lookup), up to and including a plain
// end of block (EOB0). Entry bits 0..3: the bits to consume; 4..8: how far
// the zigzag index moves (an EOB0 counts 1, so that libjpeg would have read
// it inside the band too); bit 9: an EOB0 ends them; 16..31: which of the
// next 16 positions get a nonzero coefficient. 0: not even one symbol fits.
// Left to the symbol-by-symbol loop: EOBn with n > 0 (extra bits), codes or
// values longer than the lookup, and values that times 2^Al leave JCOEF.
constexpr uint32_t kRunEndsBlock = 1u << 9;
using FirstScanRuns = std::array<uint32_t, 1 << jpeg::kRunBits>;

void BuildFirstScanRuns(const HuffmanTable& t, int al, FirstScanRuns& runs) {
  constexpr uint32_t kWindow = (1u << jpeg::kRunBits) - 1;
  for (uint32_t w = 0; w <= kWindow; ++w) {
    int used = 0, step = 0;
    uint32_t nonzero = 0;
    bool ends = false;
    while (!ends) {
      // The symbol at bit `used` of w (zeros past its end), if it fits.
      const uint32_t e =
          t.value_lookup[((w << used) & kWindow) >> (jpeg::kRunBits - jpeg::kLookupBits)];
      const int bits = static_cast<int>(e & 63);
      if ((e & jpeg::kComplete) == 0 || used + bits > jpeg::kRunBits) break;
      const int run = static_cast<int>(e >> 12) & 15, size = static_cast<int>(e >> 8) & 15;
      int moves;
      if (size != 0) {
        if (size + al > 15 || step + run > 15) break;
        nonzero |= 1u << (step + run);
        moves = run + 1;
      } else if (run == 15) {  // ZRL
        if (step != 0) break;
        moves = 16;
      } else if (run == 0) {  // EOB0
        ends = true;
        moves = 1;
      } else {
        break;
      }
      used += bits;
      step += moves;
    }
    runs[w] = used == 0 ? 0
                        : static_cast<uint32_t>(used) | static_cast<uint32_t>(step) << 4 |
                              (ends ? kRunEndsBlock : 0) | nonzero << 16;
  }
}

// One block of an AC first scan (jdphuff.c decode_mcu_AC_first): the band
// ss..se, values times 2^al; those past `last` parsed through `runs` when
// given (and their nonzero bits kept). False for a bad code, a coefficient
// past the band or a value beyond JCOEF.
[[gnu::always_inline]] inline bool DecodeAcFirstBlock(BitReader& r, const HuffmanTable& t,
                                                      const FirstScanRuns* runs, int ss, int se,
                                                      int al, int last, int16_t* coef,
                                                      uint64_t& nonzero, uint32_t& eobrun) {
  uint64_t mask = nonzero;
  for (int k = ss; k <= se; ++k) {
    if (runs != nullptr && k > last) {
      r.Ensure();
      const uint32_t e = (*runs)[r.bits >> (64 - jpeg::kRunBits)];
      const int moves = static_cast<int>(e >> 4) & 31;
      if (e != 0 && k + moves <= se + 1) {
        r.Skip(static_cast<int>(e & 15));
        mask |= uint64_t{e >> 16} << k;
        if (e & kRunEndsBlock) break;
        k += moves - 1;
        continue;
      }
    }
    int32_t value;
    const int symbol = DecodeValue(r, t, value);
    if (symbol < 0) return false;
    const int run = symbol >> 4, size = symbol & 15;
    if (size != 0) {
      k += run;
      // |value| < 2^size: times 2^al it fits JCOEF when size + al <= 15.
      if (k > se || size + al > 15) return false;
      coef[k <= last ? k : last + 1] = static_cast<int16_t>(value * (1 << al));
      mask |= uint64_t{1} << k;
    } else if (run == 15) {
      k += 15;  // ZRL
    } else {
      // EOBn: this block and 2^n - 1 + (n extra bits) more end here
      // (DecodeValue left at least 32 - 16 bits in the buffer).
      eobrun = (1u << run) - 1 + r.Take(run);
      break;
    }
  }
  nonzero = mask;
  return true;
}

// Reads one correction bit for each nonzero coefficient in `positions`
// (zigzag bits, in ascending order) and applies it to those kept (as
// jdphuff.c: a 1 moves the value 2^al further from zero unless that bit is
// set already).
[[gnu::always_inline]] inline void Correct(BitReader& r, int16_t* coef, uint64_t positions,
                                           int last, int p1) {
  const uint64_t kept_mask = last >= 63 ? ~uint64_t{0} : (uint64_t{2} << last) - 1;
  uint64_t kept = positions & kept_mask;
  while (kept != 0) {
    const int k = __builtin_ctzll(kept);
    kept &= kept - 1;
    r.Ensure();
    if (r.Take(1) != 0) {
      const int c = coef[k];
      if ((c & p1) == 0) coef[k] = static_cast<int16_t>(c >= 0 ? c + p1 : c - p1);
    }
  }
  for (int dropped = __builtin_popcountll(positions & ~kept_mask); dropped > 0;) {
    r.Ensure();
    const int n = std::min(dropped, 16);
    r.Skip(n);
    dropped -= n;
  }
}

// The zigzag positions lo..hi as bits (lo <= 64, hi <= 63; empty if lo > hi).
inline uint64_t Band(int lo, int hi) {
  if (lo > hi) return 0;
  const uint64_t upto = hi == 63 ? ~uint64_t{0} : (uint64_t{2} << hi) - 1;
  return upto & (~uint64_t{0} << lo);
}

// One block of an AC refinement scan (jdphuff.c decode_mcu_AC_refine).
// False for a bad code, a symbol of size other than 1 (libjpeg warns), or a
// newly nonzero coefficient past the band.
[[gnu::always_inline]] inline bool DecodeAcRefineBlock(BitReader& r, const HuffmanTable& t, int ss,
                                                       int se, int al, int last, int16_t* coef,
                                                       uint64_t& nonzero, uint32_t& eobrun) {
  const int p1 = 1 << al;
  uint64_t mask = nonzero;
  int k = ss;
  if (eobrun == 0) {
    for (; k <= se; ++k) {
      int32_t value;
      const int symbol = DecodeValue(r, t, value);
      if (symbol < 0) return false;
      const int run = symbol >> 4, size = symbol & 15;
      int fresh = 0;  // the newly nonzero coefficient, if any
      if (size != 0) {
        if (size != 1) return false;
        fresh = value * p1;  // value is +1 or -1
      } else if (run != 15) {
        eobrun = (1u << run) + r.Take(run);
        break;
      }
      // Past the nonzero coefficients (a correction bit each) and `run`
      // zero ones, to the next zero one (which a ZRL leaves zero).
      const uint64_t band = Band(k, se);
      uint64_t zeros = ~mask & band;
      for (int i = 0; i < run && zeros != 0; ++i) zeros &= zeros - 1;
      const int target = zeros == 0 ? se + 1 : __builtin_ctzll(zeros);
      Correct(r, coef, mask & Band(k, target - 1), last, p1);
      k = target;
      if (fresh != 0) {
        if (k > se) return false;  // libjpeg would write past the band
        coef[k <= last ? k : last + 1] = static_cast<int16_t>(fresh);
        mask |= uint64_t{1} << k;
      }
    }
  }
  if (eobrun > 0) {
    // The rest of the band: correction bits only.
    Correct(r, coef, mask & Band(k, se), last, p1);
    --eobrun;
  }
  nonzero = mask;
  return true;
}

// An AC scan of the luma alone: its blocks in raster order (no dummy blocks).
bool DecodeAcScan(const Scan& s, const HuffmanTable& table, const FirstScanRuns* runs,
                  int restart_interval, BitReader& reader, const LumaCoefficients& luma) {
  BitReader r = reader;
  Restarts restarts{restart_interval, restart_interval, 0};
  uint32_t eobrun = 0;
  const int ss = s.ss, se = s.se, al = s.al, last = luma.last;
  const bool first = s.ah == 0;
  size_t index = 0;
  for (uint32_t y = 0; y < luma.rows; ++y) {
    for (uint32_t x = 0; x < luma.cols; ++x, ++index) {
      bool reset = false;
      if (!restarts.Before(r, reset)) return false;
      if (reset) eobrun = 0;
      int16_t* coef = luma.Block(index);
      uint64_t& nonzero = luma.nonzero[index];
      if (first) {
        if (eobrun > 0) {
          --eobrun;
        } else if (!DecodeAcFirstBlock(r, table, runs, ss, se, al, last, coef, nonzero, eobrun)) {
          return false;
        }
      } else if (!DecodeAcRefineBlock(r, table, ss, se, al, last, coef, nonzero, eobrun)) {
        return false;
      }
    }
    if (r.Overrun()) return false;
  }
  reader = r;
  return true;
}

// The decode proper, with the thread's buffers.
bool Decode(std::span<const uint8_t> b, const DecodeOptions& options, CoefficientMemory& memory,
            LumaPlane& plane) {
  Headers h;
  if (!jpeg::ParseHeaders(b, options.apply_exif_orientation, jpeg::FrameKind::kProgressive, h)) {
    return false;
  }
  const int m = jpeg::DecodableScale(h, options);
  if (m == 0) return false;
  Geometry g{h.width, h.height, 1, 1};
  for (int c = 0; c < h.components; ++c) {
    g.max_h = std::max(g.max_h, h.frame[c].h);
    g.max_v = std::max(g.max_v, h.frame[c].v);
  }
  // The luma must not be upsampled (its blocks are then the frame's).
  if (h.frame[0].h != g.max_h || h.frame[0].v != g.max_v) return false;

  const jpeg::LumaLayout layout = jpeg::MakeLayout(m);
  LumaCoefficients luma;
  luma.last = layout.last;
  luma.stride = layout.last + 2;
  luma.cols = static_cast<uint32_t>((h.width + 7) / 8);
  luma.rows = static_cast<uint32_t>((h.height + 7) / 8);
  const size_t blocks = size_t{luma.cols} * luma.rows;
  memory.values.assign(blocks * static_cast<size_t>(luma.stride), 0);
  memory.nonzero.assign(blocks, 0);
  luma.values = memory.values.data();
  luma.nonzero = memory.nonzero.data();

  Progression progression;
  for (auto& c : progression) c.fill(-1);
  std::array<bool, 3> quant_latched{};
  std::array<int32_t, 64> quant{};  // the luma's, latched at its first scan (jdinput.c)
  std::array<HuffmanTable, 4> dc_tables;
  HuffmanTable ac_table;
  FirstScanRuns first_scan_runs;
  const uint8_t* const end = b.data() + b.size();
  size_t header = h.scan_header, header_length = h.scan_header_length, data = h.scan_start;
  int scans = 0;
  for (;;) {
    // A scan: header at `header`, entropy-coded data from `data`.
    if (++scans > kMaxJpegScans) return false;
    Scan s;
    if (!ParseScan(b.data() + header, header_length, h, s) || !CheckProgression(s, progression)) {
      return false;
    }
    for (int i = 0; i < s.count; ++i) {
      const int c = s.comp[i];
      if (quant_latched[c]) continue;
      if (!h.quant_defined[h.frame[c].quant]) return false;
      quant_latched[c] = true;
      if (c == 0) quant = h.quant[h.frame[0].quant];
    }
    // The tables libjpeg builds for the scan (and refuses if undefined or bad).
    std::array<const HuffmanTable*, 4> dc{};
    const bool dc_scan = s.ss == 0;
    if (dc_scan && s.ah == 0) {
      for (int i = 0; i < s.count; ++i) {
        const int slot = s.dc_table[i];
        if (slot > 3 || !h.huffman[slot].defined ||
            !jpeg::BuildTable(h.huffman[slot], true, dc_tables[i])) {
          return false;
        }
        dc[i] = &dc_tables[i];
      }
    } else if (!dc_scan) {
      const int slot = s.ac_table[0];
      if (slot > 3 || !h.huffman[4 + slot].defined ||
          !jpeg::BuildTable(h.huffman[4 + slot], false, ac_table)) {
        return false;
      }
    }

    const uint8_t* after;  // where the next marker is looked for
    if (s.has_luma || (dc_scan && s.ah == 0)) {
      // Runs of dropped coefficients parsed at once, where a first scan has them.
      const FirstScanRuns* runs = nullptr;
      if (!dc_scan && s.ah == 0 && s.se > luma.last) {
        BuildFirstScanRuns(ac_table, s.al, first_scan_runs);
        runs = &first_scan_runs;
      }
      BitReader r;
      r.p = b.data() + data;
      r.end = end;
      const bool ok = dc_scan ? DecodeDcScan(s, h, g, dc, h.restart_interval, r, luma)
                              : DecodeAcScan(s, ac_table, runs, h.restart_interval, r, luma);
      if (!ok || r.Overrun()) return false;
      after = NextMarker(r.p, end);
    } else {
      after = b.data() + jpeg::EntropyDataEnd(b, data);
    }

    // The markers up to the next scan or EOI (libjpeg stops reading there).
    size_t i = static_cast<size_t>(after - b.data());
    bool eoi = false;
    for (;;) {
      if (i + 2 > b.size() || b[i] != 0xFF) return false;
      while (i + 2 < b.size() && b[i + 1] == 0xFF) ++i;  // fill bytes
      const uint8_t marker = b[i + 1];
      if (marker == 0xD9) {
        eoi = true;
        break;
      }
      if (i + 4 > b.size()) return false;
      const size_t length = jpeg::Be16(&b[i + 2]);
      if (length < 2 || length > b.size() - i - 2) return false;
      const uint8_t* p = &b[i + 4];
      const size_t n = length - 2;
      i += 2 + length;
      if (marker == 0xDA) {
        header = static_cast<size_t>(p - b.data());
        header_length = n;
        data = i;
        break;
      }
      // Markers after the first scan do not change the orientation libjpeg
      // reads (jpeg_read_header stops at the first scan).
      if (!jpeg::ParseTableSegment(marker, p, n, false, h)) return false;
    }
    if (eoi) break;
  }
  if (progression[0][0] < 0) return false;  // no luma DC: libjpeg outputs grey, oddly

  // The IDCT of every block with output, a row of blocks at a time, onto
  // PDQ's scale.
  const int out_w = static_cast<int>((int64_t{h.width} * m + 7) / 8);
  const int out_h = static_cast<int>((int64_t{h.height} * m + 7) / 8);
  const int blocks_w = (out_w + m - 1) / m;
  const int blocks_h = (out_h + m - 1) / m;
  const size_t samples = static_cast<size_t>(out_w) * out_h;
  if (plane.luma.size() < samples) plane.luma.resize(samples);
  const size_t strip_w = static_cast<size_t>(blocks_w) * m;
  std::vector<uint8_t> strip(strip_w * m);
  for (int by = 0; by < blocks_h; ++by) {
    for (int bx = 0; bx < blocks_w; ++bx) {
      // Straight from the zigzag order (the IDCT reads positions up to
      // `last` only); copying each block into natural order first cost 10%.
      const int16_t* coef = luma.Block(size_t(by) * luma.cols + static_cast<size_t>(bx));
      if (!jpeg::Idct(m, jpeg::ZigzagDequantised{coef, quant.data()},
                      strip.data() + static_cast<size_t>(bx) * m,
                      static_cast<ptrdiff_t>(strip_w))) {
        return false;
      }
    }
    const int rows = std::min(m, out_h - by * m);
    for (int r = 0; r < rows; ++r) {
      GreyToLuma(strip.data() + static_cast<size_t>(r) * strip_w,
                 plane.luma.data() + static_cast<size_t>(by * m + r) * out_w,
                 static_cast<size_t>(out_w));
    }
  }
  plane.width = out_w;
  plane.height = out_h;
  plane.orientation = h.orientation;
  return true;
}

}  // namespace

bool DecodeProgressiveLuma(std::span<const uint8_t> jpeg, const DecodeOptions& options,
                           LumaPlane& plane) {
  CoefficientMemory& memory = ThreadCoefficientMemory();
  const bool ok = Decode(jpeg, options, memory, plane);
  memory.Trim();
  return ok;
}

}  // namespace counterfoil::imaging::internal
