#include "imaging/internal/jpeg_luma_decoding.h"

#include <initializer_list>

#include "imaging/internal/jpeg_baseline_luma.h"

namespace counterfoil::imaging::internal::jpeg {
namespace {

bool ParseDqt(const uint8_t* p, size_t n, Headers& h) {
  while (n > 0) {
    const int precision = p[0] >> 4, slot = p[0] & 15;
    const size_t bytes = precision == 0 ? 64 : 128;
    if (precision > 1 || slot > 3 || n < 1 + bytes) return false;
    for (int k = 0; k < 64; ++k) {
      const uint32_t q = precision == 0 ? p[1 + k] : Be16(p + 1 + 2 * k);
      // libjpeg keeps the multipliers as short (ISLOW_MULT_TYPE).
      h.quant[slot][kNaturalOrder[k]] = static_cast<int16_t>(q);
    }
    h.quant_defined[slot] = true;
    p += 1 + bytes;
    n -= 1 + bytes;
  }
  return true;
}

bool ParseDht(const uint8_t* p, size_t n, Headers& h) {
  while (n > 0) {
    if (n < 17) return false;
    const int table_class = p[0] >> 4, slot = p[0] & 15;
    if (table_class > 1 || slot > 3) return false;
    HuffmanSpec& spec = h.huffman[table_class * 4 + slot];
    size_t total = 0;
    for (int i = 0; i < 16; ++i) total += spec.counts[i] = p[1 + i];
    if (total > 256 || n < 17 + total) return false;
    std::copy(p + 17, p + 17 + total, spec.symbols.begin());
    spec.defined = true;
    p += 17 + total;
    n -= 17 + total;
  }
  return true;
}

bool ParseSof(const uint8_t* p, size_t n, Headers& h) {
  if (n < 6) return false;
  h.components = p[5];
  if (p[0] != 8 || (h.components != 1 && h.components != 3) ||
      n != 6 + 3 * static_cast<size_t>(h.components)) {
    return false;
  }
  h.height = static_cast<int>(Be16(p + 1));
  h.width = static_cast<int>(Be16(p + 3));
  for (int c = 0; c < h.components; ++c) {
    FrameComponent& f = h.frame[c];
    const uint8_t* q = p + 6 + 3 * c;
    f.id = q[0];
    f.h = q[1] >> 4;
    f.v = q[1] & 15;
    f.quant = q[2];
    if (f.h < 1 || f.h > 4 || f.v < 1 || f.v > 4 || f.quant > 3) return false;
    for (int d = 0; d < c; ++d) {
      if (h.frame[d].id == f.id) return false;
    }
  }
  return true;
}

}  // namespace

bool IdctReads(int m, int index) {
  const int row = index / 8, col = index % 8;
  const auto in = [](int f, std::initializer_list<int> set) {
    return std::find(set.begin(), set.end(), f) != set.end();
  };
  switch (m) {
    case 1:
      return index == 0;
    case 2:
      return in(row, {0, 1, 3, 5, 7}) && in(col, {0, 1, 3, 5, 7});
    case 4:
      return row != 4 && col != 4;
    default:
      return row < m && col < m;
  }
}

bool SupportedScale(int m) { return m == 1 || m == 2 || m == 3 || m == 4 || m == 8; }

size_t EntropyDataEnd(std::span<const uint8_t> b, size_t from) {
  const size_t n = b.size();
  size_t at = from;
  while (at < n) {
    const void* ff = std::memchr(b.data() + at, 0xFF, n - at);
    if (ff == nullptr) return n;
    at = static_cast<size_t>(static_cast<const uint8_t*>(ff) - b.data());
    if (at + 1 >= n) return n;
    const uint8_t next = b[at + 1];
    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
      at += 2;
    } else if (next == 0xFF) {
      at += 1;  // a fill byte before a marker
    } else {
      return at;
    }
  }
  return n;
}

int DecodableScale(const Headers& h, const DecodeOptions& options) {
  if (h.components == 3 && !IsYcbcr(h)) return 0;
  if (h.width == 0 || h.height == 0 || h.width > 65500 || h.height > 65500) return 0;
  if (!CheckDimensions("JPEG", static_cast<uint64_t>(h.width), static_cast<uint64_t>(h.height),
                       options)
           .ok()) {
    return 0;
  }
  const int m = LumaScaleNumerator(static_cast<uint32_t>(h.width), static_cast<uint32_t>(h.height),
                                   options.jpeg_min_short_side);
  return SupportedScale(m) ? m : 0;
}

bool BuildTable(const HuffmanSpec& spec, bool dc, HuffmanTable& t) {
  t.value_lookup.fill(0);
  t.skip_lookup.fill(0);
  t.symbols = spec.symbols;
  int32_t code = 0;
  int k = 0;
  for (int length = 1; length <= 16; ++length) {
    const int count = spec.counts[length - 1];
    t.offset[length] = k - code;
    t.max_code[length] = count == 0 ? -1 : code + count - 1;
    for (int i = 0; i < count; ++i, ++k, ++code) {
      const uint8_t symbol = spec.symbols[k];
      if (code >= (1 << length) || (dc && symbol > 15)) return false;
      if (length > kLookupBits) continue;
      const int size = symbol & 15;
      const int shift = kLookupBits - length;
      for (int j = 0; j < (1 << shift); ++j) {
        uint32_t entry = (uint32_t{symbol} << 8) | static_cast<uint32_t>(length);
        if (size == 0) {
          entry |= kComplete;
        } else if (length + size <= kLookupBits) {
          const uint32_t extra = static_cast<uint32_t>(j) >> (shift - size);
          const auto value = static_cast<uint16_t>(Extend(extra, size));
          entry = (uint32_t{value} << 16) | (uint32_t{symbol} << 8) | kComplete |
                  static_cast<uint32_t>(length + size);
        }
        t.value_lookup[(code << shift) + j] = entry;
        t.skip_lookup[(code << shift) + j] = SkipEntry(symbol, length + size);
      }
    }
    if (code >= (1 << length)) return false;
    code <<= 1;
  }
  return true;
}

void AddSequentialLookups(HuffmanTable& t) {
  for (size_t i = 0; i < t.value_lookup.size(); ++i) {
    const uint32_t e = t.value_lookup[i];
    const auto symbol = static_cast<uint8_t>(e >> 8);
    if (e == 0) {
      t.step_lookup[i] = 0;
    } else if (e & kComplete) {
      t.step_lookup[i] = (e & 0xFFFF0000u) | (ZigzagStep(symbol) << 8) | (e & 127);
    } else {
      t.step_lookup[i] = (uint32_t{symbol} << 16) | (e & 63);
    }
  }
  for (uint32_t w = 0; w < (1u << kRunBits); ++w) {
    int used = 0, step = 0;
    bool ends = false;
    while (!ends) {
      // The symbol at bit `used` of w (zeros past its end), if it fits.
      const uint32_t rest = (w << used) & ((1u << kRunBits) - 1);
      const uint16_t e = t.skip_lookup[rest >> (kRunBits - kLookupBits)];
      if (e == 0 || used + (e & 63) > kRunBits) break;
      used += e & 63;
      ends = (e & kEndOfBlock) != 0;
      if (!ends) step += (e >> 8) & 31;
    }
    if (used > 0) {
      t.run_lookup[w] = static_cast<uint16_t>(used | (step << 4) | (ends ? kRunEnds : 0));
    }
  }
}

int DecodeLong(uint64_t bits, const HuffmanTable& t) {
  for (int length = kLookupBits + 1; length <= 16; ++length) {
    const int32_t code = static_cast<int32_t>(bits >> (64 - length));
    if (code <= t.max_code[length]) {
      return (length << 8) | t.symbols[static_cast<uint8_t>(code + t.offset[length])];
    }
  }
  return -1;
}

bool IsYcbcr(const Headers& h) {
  if (h.jfif) return true;
  if (h.adobe) return h.adobe_transform == 1;
  return h.frame[0].id == 1 && h.frame[1].id == 2 && h.frame[2].id == 3;
}

LumaLayout MakeLayout(int m) {
  LumaLayout l;
  l.slot.fill(64);
  for (int k = 0; k < 64; ++k) {
    const bool read = IdctReads(m, kNaturalOrder[k]);
    l.slot[k] = read ? kNaturalOrder[k] : 64;
    if (read) l.last = k;
  }
  return l;
}

bool ParseTableSegment(uint8_t marker, const uint8_t* p, size_t n, bool want_exif, Headers& h) {
  if (marker == 0xC4) return ParseDht(p, n, h);
  if (marker == 0xDB) return ParseDqt(p, n, h);
  if (marker == 0xDD) {
    if (n != 2) return false;
    h.restart_interval = static_cast<int>(Be16(p));
  } else if (marker == 0xE0) {
    // libjpeg's JFIF test (jdmarker.c examine_app0).
    if (n >= 14 && std::memcmp(p, "JFIF\0", 5) == 0) h.jfif = true;
  } else if (marker == 0xE1) {
    if (want_exif && h.orientation == Orientation::kNormal) {
      h.orientation = ExifOrientation(std::span<const uint8_t>(p, n));
    }
  } else if (marker == 0xEE) {
    // libjpeg's Adobe test (examine_app14).
    if (n >= 12 && std::memcmp(p, "Adobe", 5) == 0) {
      h.adobe = true;
      h.adobe_transform = p[11];
    }
  } else if ((marker > 0xE1 && marker <= 0xEF) || marker == 0xFE) {
    // other APPn, COM
  } else {
    return false;
  }
  return true;
}

bool ParseHeaders(std::span<const uint8_t> b, bool want_exif, FrameKind kind, Headers& h) {
  if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) return false;
  bool have_frame = false;
  size_t i = 2;
  for (;;) {
    if (i + 2 > b.size() || b[i] != 0xFF) return false;
    while (i + 2 <= b.size() && b[i + 1] == 0xFF) ++i;  // fill bytes
    if (i + 4 > b.size()) return false;
    const uint8_t marker = b[i + 1];
    const size_t length = Be16(&b[i + 2]);
    if (length < 2 || length > b.size() - i - 2) return false;
    const uint8_t* p = &b[i + 4];
    const size_t n = length - 2;
    i += 2 + length;
    const bool frame =
        kind == FrameKind::kSequential ? marker == 0xC0 || marker == 0xC1 : marker == 0xC2;
    if (frame) {
      if (have_frame || !ParseSof(p, n, h)) return false;
      have_frame = true;
    } else if (marker == 0xDA) {
      if (!have_frame) return false;
      h.scan_header = static_cast<size_t>(p - b.data());
      h.scan_header_length = n;
      h.scan_start = i;
      return true;
    } else if (!ParseTableSegment(marker, p, n, want_exif, h)) {
      // Other frame types (lossless, arithmetic), DAC, DNL, reserved and
      // stray markers.
      return false;
    }
  }
}

}  // namespace counterfoil::imaging::internal::jpeg
