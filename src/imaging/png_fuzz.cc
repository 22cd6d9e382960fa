// Fuzz target for the PNG decoder: any bytes must give an image or a Status,
// never a crash, a sanitizer report or a hang. A small pixel limit keeps each
// run fast. Mutated chunks would nearly always fail their CRC and stop at
// once, so on odd-sized inputs the CRCs are recomputed first and the
// mutations reach libpng's decoding and our transforms.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "imaging/decode.h"
#include "imaging/pdq.h"

namespace {

uint32_t Crc32(const uint8_t* p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

// Rewrites each whole chunk's CRC (length, type, data, CRC after the signature).
void FixCrcs(std::vector<uint8_t>& b) {
  size_t at = 8;
  while (at + 12 <= b.size()) {
    const uint32_t len = (uint32_t{b[at]} << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
    if (len > b.size() - at - 12) break;
    const uint32_t crc = Crc32(&b[at + 4], len + 4);
    for (int i = 0; i < 4; ++i) b[at + 8 + len + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
    at += 12 + len;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  counterfoil::imaging::DecodeOptions options;
  options.max_pixels = 1 << 20;
  std::vector<uint8_t> bytes(data, data + size);
  if (size % 2 == 1) FixCrcs(bytes);
  auto image = counterfoil::imaging::DecodePng(bytes, options);
  if (image.ok()) {
    // Decoded pixels must be consistent with the dimensions; hash them too.
    if (image->rgb.size() != image->pixel_count() * 3) __builtin_trap();
    (void)counterfoil::imaging::ComputePdq(*image);
  }
  return 0;
}
