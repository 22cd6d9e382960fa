// Fuzz target for the PPM/PGM decoder: any bytes must give an image or a Status,
// never a crash, a sanitizer report or a hang. A small pixel limit keeps each
// run fast; the fast path (DCT scaling) is exercised on alternate inputs.
#include <cstddef>
#include <cstdint>
#include <span>

#include "imaging/decode.h"
#include "imaging/pdq.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  counterfoil::imaging::DecodeOptions options;
  options.max_pixels = 1 << 20;
  options.jpeg_min_short_side = (size % 2 == 0) ? 0 : 16;
  auto image = counterfoil::imaging::DecodePnm(std::span<const uint8_t>(data, size), options);
  if (image.ok()) {
    // Decoded pixels must be consistent with the dimensions; hash them too.
    if (image->rgb.size() != image->pixel_count() * 3) __builtin_trap();
    (void)counterfoil::imaging::ComputePdq(*image);
  }
  return 0;
}
