// Binary PPM (P6) and PGM (P5), Netpbm's formats: a header of ASCII decimal
// fields (magic, width, height, maxval) separated by whitespace, '#' comments
// running to the end of a line, exactly one whitespace byte, then the raster:
// 1 byte per sample when maxval < 256, else 2 bytes, most significant first.
#include <string>

#include "imaging/decode.h"

namespace counterfoil::imaging {
namespace {

class HeaderReader {
 public:
  explicit HeaderReader(std::span<const uint8_t> b) : b_(b) {}

  // Reads one decimal field after whitespace and comments. Fails on a
  // non-digit, on no digits, or when the value exceeds `max`.
  bool Field(uint64_t max, uint64_t& value) {
    SkipSpaceAndComments();
    size_t digits = 0;
    value = 0;
    while (pos_ < b_.size() && b_[pos_] >= '0' && b_[pos_] <= '9') {
      value = value * 10 + (b_[pos_] - '0');
      if (value > max) return false;
      ++pos_;
      ++digits;
    }
    return digits > 0;
  }
  // The single whitespace byte that ends the header.
  bool EndOfHeader() {
    if (pos_ >= b_.size() || !IsSpace(b_[pos_])) return false;
    ++pos_;
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  static bool IsSpace(uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  }
  void SkipSpaceAndComments() {
    while (pos_ < b_.size()) {
      if (IsSpace(b_[pos_])) {
        ++pos_;
      } else if (b_[pos_] == '#') {
        while (pos_ < b_.size() && b_[pos_] != '\n' && b_[pos_] != '\r') ++pos_;
      } else {
        break;
      }
    }
  }

  std::span<const uint8_t> b_;
  size_t pos_ = 0;
};

}  // namespace

Result<Image> DecodePnm(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  if (bytes.size() < 2 || bytes[0] != 'P' || (bytes[1] != '5' && bytes[1] != '6')) {
    return InvalidArgument("PPM/PGM: wrong magic number (expected P5 or P6)");
  }
  const int channels = bytes[1] == '6' ? 3 : 1;
  HeaderReader header(bytes.subspan(2));
  uint64_t width, height, maxval;
  // Bound the fields well above any limit so the numbers cannot overflow.
  constexpr uint64_t kFieldMax = uint64_t{1} << 32;
  if (!header.Field(kFieldMax, width) || !header.Field(kFieldMax, height)) {
    return InvalidArgument("PPM/PGM: malformed header (width and height)");
  }
  if (!header.Field(kFieldMax, maxval) || !header.EndOfHeader()) {
    return InvalidArgument("PPM/PGM: malformed header (maxval)");
  }
  if (maxval < 1 || maxval > 65535) {
    return InvalidArgument("PPM/PGM: maxval " + std::to_string(maxval) + " outside 1..65535");
  }
  RETURN_IF_ERROR(internal::CheckDimensions("PPM/PGM", width, height, options));

  const size_t sample_bytes = maxval < 256 ? 1 : 2;
  const size_t samples = static_cast<size_t>(width * height) * channels;
  const size_t raster_at = 2 + header.pos();
  if (bytes.size() - raster_at < samples * sample_bytes) {
    return InvalidArgument("PPM/PGM: truncated raster (" +
                           std::to_string(bytes.size() - raster_at) + " of " +
                           std::to_string(samples * sample_bytes) + " bytes)");
  }

  Image out;
  out.width = static_cast<int>(width);
  out.height = static_cast<int>(height);
  out.rgb.resize(out.pixel_count() * 3);
  const uint8_t* in = bytes.data() + raster_at;
  const uint32_t max = static_cast<uint32_t>(maxval);
  auto sample = [&](size_t i) -> uint8_t {
    uint32_t v = sample_bytes == 1 ? in[i] : (uint32_t{in[2 * i]} << 8) | in[2 * i + 1];
    if (v > max) v = max;  // out-of-range samples are clamped, not an error
    return max == 255 ? static_cast<uint8_t>(v) : static_cast<uint8_t>((v * 255 + max / 2) / max);
  };
  if (channels == 3) {
    for (size_t i = 0; i < samples; ++i) out.rgb[i] = sample(i);
  } else {
    for (size_t i = 0; i < samples; ++i) {
      const uint8_t g = sample(i);
      out.rgb[3 * i] = out.rgb[3 * i + 1] = out.rgb[3 * i + 2] = g;
    }
  }
  return out;
}

}  // namespace counterfoil::imaging
