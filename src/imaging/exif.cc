// The EXIF Orientation tag, read from a JPEG APP1 segment. Layout (EXIF 2.32,
// section 4.5 and 4.6; TIFF 6.0, section 2): "Exif\0\0", then a TIFF header
// ("II" little-endian or "MM" big-endian, the number 42, the offset of IFD0
// from the header), then IFD0: a 16-bit entry count and 12-byte entries of
// tag, type, count and a 4-byte value (inline when it fits).
#include <cstring>

#include "imaging/decode.h"

namespace counterfoil::imaging {
namespace {

class TiffReader {
 public:
  TiffReader(const uint8_t* data, size_t size, bool little_endian)
      : data_(data), size_(size), le_(little_endian) {}
  bool U16(size_t at, uint32_t& v) const {
    if (at > size_ || size_ - at < 2) return false;
    v = le_ ? data_[at] | (data_[at + 1] << 8) : (data_[at] << 8) | data_[at + 1];
    return true;
  }
  bool U32(size_t at, uint32_t& v) const {
    uint32_t a, b;
    if (!U16(at, a) || !U16(at + 2, b)) return false;
    v = le_ ? a | (b << 16) : (a << 16) | b;
    return true;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  bool le_;
};

constexpr uint32_t kOrientationTag = 0x0112;
constexpr uint32_t kTypeShort = 3;

}  // namespace

Orientation ExifOrientation(std::span<const uint8_t> app1) {
  static constexpr uint8_t kExif[6] = {'E', 'x', 'i', 'f', 0, 0};
  if (app1.size() < 6 + 8 || std::memcmp(app1.data(), kExif, 6) != 0) return Orientation::kNormal;
  const uint8_t* tiff = app1.data() + 6;
  const size_t size = app1.size() - 6;
  bool le;
  if (tiff[0] == 'I' && tiff[1] == 'I') {
    le = true;
  } else if (tiff[0] == 'M' && tiff[1] == 'M') {
    le = false;
  } else {
    return Orientation::kNormal;
  }
  TiffReader r(tiff, size, le);
  uint32_t magic, ifd0, entries;
  if (!r.U16(2, magic) || magic != 42 || !r.U32(4, ifd0) || !r.U16(ifd0, entries)) {
    return Orientation::kNormal;
  }
  for (uint32_t i = 0; i < entries; ++i) {
    const size_t entry = static_cast<size_t>(ifd0) + 2 + 12 * static_cast<size_t>(i);
    uint32_t tag, type, count, value;
    if (!r.U16(entry, tag) || !r.U16(entry + 2, type) || !r.U32(entry + 4, count) ||
        !r.U16(entry + 8, value)) {
      return Orientation::kNormal;
    }
    if (tag != kOrientationTag) continue;
    if (type != kTypeShort || count != 1 || value < 1 || value > 8) return Orientation::kNormal;
    return static_cast<Orientation>(value);
  }
  return Orientation::kNormal;
}

}  // namespace counterfoil::imaging
