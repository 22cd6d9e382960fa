#include "imaging/internal/jpeg_luma_frame.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "imaging/internal/jpeg_luma_decoding.h"

namespace counterfoil::imaging::internal {
namespace {

// A Huffman table as a DHT segment defines it (T.81 B.2.4.2).
struct HuffmanSpec {
  bool defined = false;
  std::array<uint8_t, 16> counts{};  // how many codes of each length 1..16
  std::array<uint8_t, 256> symbols{};
};

// Decoding tables for one DC table (T.81 F.2.2.3), with a direct table for
// codes of up to kLookaheadBits bits.
constexpr int kLookaheadBits = 9;
struct HuffmanDecoder {
  std::array<uint16_t, 1 << kLookaheadBits> fast{};  // (length << 8) | symbol; 0: a longer code
  std::array<int32_t, 17> max_code{};                // by length; -1 when there is none
  std::array<int32_t, 17> offset{};                  // symbol index = code + offset[length]
  const HuffmanSpec* spec = nullptr;
};

// The canonical codes of T.81 C.2. False for a table libjpeg refuses too:
// more codes of a length than fit (libjpeg also refuses the all-ones code), or
// a DC symbol (a difference category) above 15.
bool BuildDecoder(const HuffmanSpec& spec, HuffmanDecoder& d) {
  d.fast.fill(0);
  d.spec = &spec;
  int32_t code = 0;
  int k = 0;
  for (int length = 1; length <= 16; ++length) {
    const int count = spec.counts[length - 1];
    d.offset[length] = k - code;
    d.max_code[length] = count == 0 ? -1 : code + count - 1;
    for (int i = 0; i < count; ++i, ++k, ++code) {
      if (code >= (1 << length) || spec.symbols[k] > 15) return false;
      if (length <= kLookaheadBits) {
        const int shift = kLookaheadBits - length;
        const uint16_t entry = static_cast<uint16_t>((length << 8) | spec.symbols[k]);
        for (int j = 0; j < (1 << shift); ++j) d.fast[(code << shift) + j] = entry;
      }
    }
    if (code >= (1 << length)) return false;
    code <<= 1;
  }
  return true;
}

// Bits of one scan's entropy-coded data, with the 0xFF00 stuffing removed.
// At a marker (a restart marker or the end of the scan) it supplies zero bits
// and counts them; Overrun() says whether any of those were consumed.
class ScanReader {
 public:
  ScanReader(const uint8_t* begin, const uint8_t* end) : p_(begin), end_(end) {}

  // Tops the buffer up to at least 32 bits: enough for a code and its extra bits.
  void Fill() {
    if (count_ >= 32) return;
    if (end_ - p_ >= 8) {  // whole bytes at once when the next 8 hold no 0xFF
      uint64_t v;
      std::memcpy(&v, p_, 8);
      v = __builtin_bswap64(v);
      const uint64_t inverted = ~v;  // a 0xFF byte of v is a zero byte here
      if (((inverted - 0x0101010101010101u) & v & 0x8080808080808080u) == 0) {
        const int bytes = (64 - count_) >> 3;  // 5..8: count_ < 32
        const uint64_t keep = bytes == 8 ? ~uint64_t{0} : ~(~uint64_t{0} >> (8 * bytes));
        bits_ |= (v & keep) >> count_;
        count_ += 8 * bytes;
        p_ += bytes;
        return;
      }
    }
    while (count_ <= 56) {
      uint64_t byte = 0;
      if (p_ < end_ && *p_ != 0xFF) {
        byte = *p_++;
      } else if (end_ - p_ >= 2 && p_[1] == 0x00) {
        byte = 0xFF;
        p_ += 2;
      } else {
        phantom_ += 8;
      }
      bits_ |= byte << (56 - count_);
      count_ += 8;
    }
  }
  // A Huffman symbol, or -1 for a code the table does not have. After Fill().
  int Decode(const HuffmanDecoder& d) {
    const uint16_t entry = d.fast[bits_ >> (64 - kLookaheadBits)];
    if (entry != 0) {
      Skip(entry >> 8);
      return entry & 0xFF;
    }
    for (int length = kLookaheadBits + 1; length <= 16; ++length) {
      const int32_t code = static_cast<int32_t>(bits_ >> (64 - length));
      if (code <= d.max_code[length]) {
        Skip(length);
        return d.spec->symbols[code + d.offset[length]];
      }
    }
    return -1;
  }
  // The next n bits (0..16), after Fill().
  uint32_t Bits(int n) {
    const uint32_t v = static_cast<uint32_t>((bits_ >> 1) >> (63 - n));  // n = 0: 0
    Skip(n);
    return v;
  }
  // At a restart boundary: drops the padding bits and reads RSTn, which must
  // come next. False if the data ran out before or the marker is not there.
  bool Restart(int n) {
    if (Overrun() || end_ - p_ < 2 || p_[0] != 0xFF || p_[1] != 0xD0 + n) return false;
    p_ += 2;
    bits_ = 0;
    count_ = 0;
    phantom_ = 0;
    return true;
  }
  bool Overrun() const { return count_ < phantom_; }

 private:
  void Skip(int n) {
    bits_ <<= n;
    count_ -= n;
  }

  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t bits_ = 0;  // MSB first
  int count_ = 0;      // bits in bits_
  int phantom_ = 0;    // of which zeros past the data (always the last ones)
};

// Entropy-coded bits with 0xFF bytes stuffed and the last byte padded with
// ones (T.81 F.1.2.3, B.1.1.5), appended to `out`, which the writer first
// grows by `max_bytes` (at least twice the bits to come, in bytes, plus one)
// and trims in Finish().
class ScanWriter {
 public:
  ScanWriter(std::vector<uint8_t>& out, size_t max_bytes) : out_(out), start_(out.size()) {
    out_.resize(start_ + max_bytes);
    p_ = out_.data() + start_;
  }
  void Put(uint32_t bits, int n) {  // n <= 16
    acc_ = (acc_ << n) | (bits & ((1u << n) - 1));
    count_ += n;
    while (count_ >= 8) {
      count_ -= 8;
      const uint8_t byte = static_cast<uint8_t>(acc_ >> count_);
      *p_++ = byte;
      if (byte == 0xFF) *p_++ = 0x00;
    }
    acc_ &= (1u << count_) - 1;
  }
  void Finish() {
    if (count_ > 0) Put(0x7F, 8 - count_);
    out_.resize(static_cast<size_t>(p_ - out_.data()));
  }

 private:
  std::vector<uint8_t>& out_;
  size_t start_;
  uint8_t* p_;
  uint32_t acc_ = 0;
  int count_ = 0;
};

// The DC table of the rewritten first scans: every category 0..15 has a
// code (the file's own table may lack the categories the new order of
// differences needs). Lengths as in T.81 Table K.3 for 0..11, then 10..13 bits.
constexpr std::array<uint8_t, 16> kDcCounts = {0, 1, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
struct DcCode {
  uint16_t code;
  uint8_t length;
};
const std::array<DcCode, 16>& DcCodes() {
  static const std::array<DcCode, 16> codes = [] {
    std::array<DcCode, 16> c{};
    int code = 0, symbol = 0;
    for (int length = 1; length <= 16; ++length, code <<= 1) {
      for (int i = 0; i < kDcCounts[length - 1]; ++i, ++code, ++symbol) {
        c[symbol] = {static_cast<uint16_t>(code), static_cast<uint8_t>(length)};
      }
    }
    return c;
  }();
  return codes;
}

void Append(std::vector<uint8_t>& out, const uint8_t* p, size_t n) {
  const size_t at = out.size();
  out.resize(at + n);
  std::memcpy(out.data() + at, p, n);
}
void AppendRestartInterval(std::vector<uint8_t>& out, int interval) {
  const uint8_t dri[6] = {
      0xFF, 0xDD, 0x00, 0x04, static_cast<uint8_t>(interval >> 8), static_cast<uint8_t>(interval)};
  Append(out, dri, sizeof dri);
}

struct Component {
  int id, h, v, quant_table;
};

// An interleaved DC scan (T.81 G.1.1.1.1: DC scans may interleave
// components; A.2.3: MCU order, each component's H x V blocks in raster
// order within the MCU), reduced to what DecodeInterleavedDc needs.
struct InterleavedDcScan {
  struct Block {
    uint8_t slot;  // the component's place in the scan
    bool luma;
    uint8_t dx, dy;  // within the component's part of the MCU
  };
  std::array<Block, 10> blocks{};
  int blocks_in_mcu = 0;
  std::array<const HuffmanDecoder*, 4> decoders{};  // by slot; first scans only
  uint32_t mcus_per_row = 0, mcu_rows = 0;
  uint32_t luma_h = 1, luma_v = 1;
  uint32_t luma_cols = 0, luma_rows = 0;
  int restart_interval = 0;
  bool first = true;  // Ah = 0: DC values; otherwise one correction bit per block
};

// The value of every luma block of the scan, in raster order of the luma's
// blocks (dummy blocks dropped): the DC value (the difference sums, before
// the point transform's shift, as libjpeg's decoder keeps them) of a first
// scan, the correction bit of a refinement scan. False if the data do not
// decode cleanly (see the header).
bool DecodeInterleavedDc(const InterleavedDcScan& scan, const uint8_t* data, const uint8_t* end,
                         std::vector<int32_t>& luma) {
  // Locals, not scan's fields: the stores into `luma` (int32) could alias them.
  const uint32_t cols = scan.luma_cols, rows = scan.luma_rows;
  const uint32_t luma_h = scan.luma_h, luma_v = scan.luma_v;
  const int blocks_in_mcu = scan.blocks_in_mcu, restart_interval = scan.restart_interval;
  const bool first = scan.first;
  const std::array<InterleavedDcScan::Block, 10> blocks = scan.blocks;
  luma.assign(size_t{cols} * rows, 0);
  int32_t* const out = luma.data();
  ScanReader reader(data, end);
  std::array<int32_t, 4> pred{};
  int next_restart = 0;
  int restarts_to_go = restart_interval;
  for (uint32_t my = 0; my < scan.mcu_rows; ++my) {
    for (uint32_t mx = 0; mx < scan.mcus_per_row; ++mx) {
      if (restart_interval != 0) {
        if (restarts_to_go == 0) {
          if (!reader.Restart(next_restart)) return false;
          next_restart = (next_restart + 1) & 7;
          restarts_to_go = restart_interval;
          pred.fill(0);
        }
        --restarts_to_go;
      }
      for (int k = 0; k < blocks_in_mcu; ++k) {
        const InterleavedDcScan::Block block = blocks[k];
        reader.Fill();
        int32_t value;
        if (first) {
          const int category = reader.Decode(*scan.decoders[block.slot]);
          if (category < 0) return false;
          // T.81 F.2.2.1 EXTEND, without branches (the sign is random).
          const int32_t raw = static_cast<int32_t>(reader.Bits(category));
          const int32_t negative = raw < ((1 << category) >> 1) ? (1 << category) - 1 : 0;
          value = pred[block.slot] + raw - negative;  // |difference| < 2^15: no overflow
          if (value > 32767 || value < -32768) return false;
          pred[block.slot] = value;
        } else {
          value = static_cast<int32_t>(reader.Bits(1));
        }
        if (!block.luma) continue;
        const uint32_t x = mx * luma_h + block.dx;
        const uint32_t y = my * luma_v + block.dy;
        if (x < cols && y < rows) out[size_t{y} * cols + x] = value;
      }
    }
  }
  return !reader.Overrun();
}

}  // namespace

bool TranscodeToLumaFrame(std::span<const uint8_t> b, uint64_t max_pixels,
                          std::vector<uint8_t>& out) {
  const size_t n = b.size();
  if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) return false;
  out.clear();
  out.reserve(n);
  Append(out, b.data(), 2);

  // The frame, once its SOF2 is read.
  bool have_frame = false;
  std::array<Component, 4> comps{};
  int num_comps = 0, max_h = 1, max_v = 1;
  uint32_t mcus_per_row = 0, mcu_rows = 0;  // of interleaved scans
  uint32_t luma_cols = 0, luma_rows = 0;    // the luma's size in blocks
  std::array<HuffmanSpec, 4> dc_tables;     // as the file defines them
  int restart_interval = 0;
  std::vector<int32_t> luma;  // one value per luma block of an interleaved DC scan

  size_t i = 2;
  while (i < n) {
    if (b[i] != 0xFF) return false;
    const size_t marker_start = i;
    while (i < n && b[i] == 0xFF) ++i;  // fill bytes
    if (i >= n) return false;
    const uint8_t m = b[i++];
    if (m == 0xD9) {  // EOI
      const uint8_t eoi[2] = {0xFF, 0xD9};
      Append(out, eoi, 2);
      return have_frame;
    }
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {  // standalone markers
      Append(out, b.data() + marker_start, i - marker_start);
      continue;
    }
    if (i + 2 > n) return false;
    const size_t length = (size_t{b[i]} << 8) | b[i + 1];
    if (length < 2 || i + length > n) return false;
    const uint8_t* seg = b.data() + i + 2;
    const size_t seg_length = length - 2;
    const size_t end = i + length;

    if (m == 0xC2) {  // SOF2: P, Y, X, Nf, then Nf x (C, H/V, Tq)
      if (have_frame || seg_length < 6) return false;
      num_comps = seg[5];
      if (seg[0] != 8 || num_comps < 2 || num_comps > 4 ||
          seg_length != 6 + 3 * static_cast<size_t>(num_comps)) {
        return false;
      }
      const uint32_t height = (uint32_t{seg[1]} << 8) | seg[2];
      const uint32_t width = (uint32_t{seg[3]} << 8) | seg[4];
      if (width == 0 || height == 0 || uint64_t{width} * height > max_pixels) return false;
      for (int c = 0; c < num_comps; ++c) {
        const uint8_t* p = seg + 6 + 3 * c;
        comps[c] = {p[0], p[1] >> 4, p[1] & 15, p[2]};
        if (comps[c].h < 1 || comps[c].h > 4 || comps[c].v < 1 || comps[c].v > 4) return false;
        for (int d = 0; d < c; ++d) {
          if (comps[d].id == comps[c].id) return false;
        }
        max_h = std::max(max_h, comps[c].h);
        max_v = std::max(max_v, comps[c].v);
      }
      if (comps[0].h != max_h || comps[0].v != max_v) return false;
      mcus_per_row = (width + 8 * max_h - 1) / (8 * max_h);
      mcu_rows = (height + 8 * max_v - 1) / (8 * max_v);
      luma_cols = (width + 7) / 8;
      luma_rows = (height + 7) / 8;
      const uint8_t sof[13] = {0xFF,
                               0xC2,
                               0x00,
                               11,
                               8,
                               seg[1],
                               seg[2],
                               seg[3],
                               seg[4],
                               1,
                               static_cast<uint8_t>(comps[0].id),
                               0x11,
                               static_cast<uint8_t>(comps[0].quant_table)};
      Append(out, sof, sizeof sof);
      have_frame = true;
      i = end;
      continue;
    }
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      return false;  // another kind of frame
    }
    if (m == 0xC4) {  // DHT: one or more of Tc/Th, 16 counts, the symbols
      size_t at = 0;
      while (at < seg_length) {
        if (seg_length - at < 17) return false;
        const int index = seg[at];
        size_t count = 0;
        for (int l = 0; l < 16; ++l) count += seg[at + 1 + l];
        if ((index & 0xEC) != 0 || count > 256 || seg_length - at - 17 < count) return false;
        if ((index & 0x10) == 0) {  // a DC table
          HuffmanSpec& t = dc_tables[index & 3];
          t.defined = true;
          std::memcpy(t.counts.data(), seg + at + 1, 16);
          std::memcpy(t.symbols.data(), seg + at + 17, count);
        }
        at += 17 + count;
      }
    } else if (m == 0xDD) {  // DRI
      if (seg_length != 2) return false;
      restart_interval = (seg[0] << 8) | seg[1];
    }
    if (m != 0xDA) {
      Append(out, b.data() + marker_start, end - marker_start);
      i = end;
      continue;
    }

    // SOS: Ns, Ns x (Cs, Td/Ta), Ss, Se, Ah/Al, then the entropy-coded data.
    if (!have_frame || seg_length < 1) return false;
    const int ns = seg[0];
    if (ns < 1 || ns > 4 || seg_length != 4 + 2 * static_cast<size_t>(ns)) return false;
    std::array<int, 4> scan_comp{};  // frame index of each scan component
    bool has_luma = false;
    int blocks_in_mcu = 0;
    for (int s = 0; s < ns; ++s) {
      int found = -1;
      for (int c = 0; c < num_comps; ++c) {
        if (comps[c].id == seg[1 + 2 * s]) found = c;
      }
      for (int t = 0; t < s; ++t) {
        if (scan_comp[t] == found) found = -1;
      }
      if (found < 0) return false;
      scan_comp[s] = found;
      has_luma |= found == 0;
      blocks_in_mcu += comps[found].h * comps[found].v;
    }
    const size_t data_end = jpeg::EntropyDataEnd(b, end);
    if (!has_luma) {  // chroma only: left out
      i = data_end;
      continue;
    }
    if (ns == 1) {  // the luma alone: its blocks are already in this order
      Append(out, b.data() + marker_start, data_end - marker_start);
      i = data_end;
      continue;
    }

    // An interleaved scan with the luma: progressive files interleave only DC scans.
    const uint8_t ss = seg[1 + 2 * ns], se = seg[2 + 2 * ns], ah_al = seg[3 + 2 * ns];
    if (ss != 0 || se != 0 || blocks_in_mcu > 10) return false;
    const bool first = (ah_al >> 4) == 0;
    std::array<HuffmanDecoder, 4> decoders;
    if (first) {
      for (int s = 0; s < ns; ++s) {
        const HuffmanSpec& t = dc_tables[seg[2 + 2 * s] >> 4 & 3];
        if ((seg[2 + 2 * s] >> 4) > 3 || !t.defined || !BuildDecoder(t, decoders[s])) {
          return false;
        }
      }
    }
    InterleavedDcScan scan;
    scan.mcus_per_row = mcus_per_row;
    scan.mcu_rows = mcu_rows;
    scan.luma_cols = luma_cols;
    scan.luma_rows = luma_rows;
    scan.restart_interval = restart_interval;
    scan.first = first;
    for (int s = 0; s < ns; ++s) {
      const Component& c = comps[scan_comp[s]];
      for (int by = 0; by < c.v; ++by) {
        for (int bx = 0; bx < c.h; ++bx) {
          scan.blocks[scan.blocks_in_mcu++] = {static_cast<uint8_t>(s), scan_comp[s] == 0,
                                               static_cast<uint8_t>(bx), static_cast<uint8_t>(by)};
        }
      }
      scan.decoders[s] = &decoders[s];
    }
    scan.luma_h = static_cast<uint32_t>(comps[0].h);
    scan.luma_v = static_cast<uint32_t>(comps[0].v);
    if (!DecodeInterleavedDc(scan, b.data() + end, b.data() + data_end, luma)) return false;

    // The luma alone, as a non-interleaved scan without restarts.
    int luma_in_scan = 0;
    while (scan_comp[luma_in_scan] != 0) ++luma_in_scan;
    const uint8_t tables = seg[2 + 2 * luma_in_scan];
    if (restart_interval != 0) AppendRestartInterval(out, 0);
    if (first) {
      uint8_t dht[5 + 16 + 16] = {0xFF, 0xC4, 0x00, 35, static_cast<uint8_t>(tables >> 4)};
      std::memcpy(dht + 5, kDcCounts.data(), 16);
      for (int s = 0; s < 16; ++s) dht[21 + s] = static_cast<uint8_t>(s);
      Append(out, dht, sizeof dht);
    }
    const uint8_t sos[10] = {0xFF,   0xDA, 0x00, 8,    1, static_cast<uint8_t>(comps[0].id),
                             tables, 0,    0,    ah_al};
    Append(out, sos, sizeof sos);
    // At most 13 + 15 bits per block, each byte perhaps stuffed.
    ScanWriter writer(out, luma.size() * 8 + 2);
    if (first) {
      const std::array<DcCode, 16>& codes = DcCodes();
      int32_t prev = 0;
      for (const int32_t value : luma) {
        const int32_t diff = value - prev;
        prev = value;
        const uint32_t magnitude = static_cast<uint32_t>(diff < 0 ? -diff : diff);
        const int category = magnitude == 0 ? 0 : 32 - __builtin_clz(magnitude);
        if (category > 15) return false;
        writer.Put(codes[category].code, codes[category].length);
        if (category > 0) writer.Put(static_cast<uint32_t>(diff < 0 ? diff - 1 : diff), category);
      }
    } else {
      for (const int32_t bit : luma) writer.Put(static_cast<uint32_t>(bit), 1);
    }
    writer.Finish();
    if (restart_interval != 0) AppendRestartInterval(out, restart_interval);
    i = data_end;
  }
  return have_frame;  // no EOI: as truncated as the input
}

}  // namespace counterfoil::imaging::internal
